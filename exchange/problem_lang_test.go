package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// TestImportProblemLanguages: the problems of one bad file — an unknown column, an unknown
// unit, text where a whole number belongs, a unit twice — in zh-CN and in English, against testdata/import_problems.<lang>.golden.json, both in the
// ImportError and in the schema.Error the server answers with.
func TestImportProblemLanguages(t *testing.T) {
	fx := mustMini(t)
	file := "unit,target,bogus\nzz,1,\na,x,\nb,1,\na,2,\n"
	_, err := ReadValues([]byte(file), "v.csv", "", fx.scheme, fx.units)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *ImportError", err)
	}
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		in := ie.In(l)
		data, err := json.MarshalIndent(in.Problems, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden := "testdata/import_problems." + l.String() + ".golden.json"
		if *update {
			if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bytes.TrimSpace(want), data) {
			t.Errorf("%s:\n%s\nwant\n%s", golden, data, want)
		}
		var se *schema.Error
		if !errors.As(in, &se) || len(se.Problems) != len(in.Problems) {
			t.Fatalf("%s: no schema.Error with the problems", l)
		}
		for i := range se.Problems {
			if se.Problems[i].Message != in.Problems[i].Message {
				t.Errorf("%s: schema problem %d %q, want %q", l, i, se.Problems[i].Message, in.Problems[i].Message)
			}
		}
	}
	if ie.Problems[0].Message != ie.In(i18n.EN).Problems[0].Message {
		t.Errorf("the error as made is not English: %q", ie.Problems[0].Message)
	}
}
