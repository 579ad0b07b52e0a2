package formulas

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/i18n"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestExplainLanguages: the texts of an explanation — a capped bonus item, a floored score
// item, a vetoed total, a cell without a value — in zh-CN and in English, against
// testdata/explain.<lang>.golden.json; In leaves the explanation it is given as it was.
func TestExplainLanguages(t *testing.T) {
	sh := mustMini(t)
	type texts struct{ Clamp, Rounding, Null, Text string }
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		got := map[string]texts{}
		for _, c := range []struct{ unit, code string }{{"a", "extra"}, {"c", "quality"}, {"e", "total"}, {"f", "done"}} {
			ex, err := sh.Explain(c.unit)
			if err != nil {
				t.Fatal(err)
			}
			en := cellOf(t, ex, "extra").Text
			in := ex.In(l)
			cell := in.Total
			if c.code != "total" {
				x := cellOf(t, in, c.code)
				cell = &x
			}
			got[c.unit+"."+c.code] = texts{cell.Clamp, cell.Rounding, cell.Null, cell.Text}
			if cellOf(t, ex, "extra").Text != en {
				t.Errorf("In changed the explanation it was given")
			}
		}
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden := "testdata/explain." + l.String() + ".golden.json"
		if *updateGolden {
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
	}
}
