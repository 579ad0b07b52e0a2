package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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
		// Each problem with the place as the clerk reads it: the column's letter and header,
		// the same in CSV as in XLSX ("第 3 行 B 列（target）", "row 3, column B (target)").
		type placed struct {
			Where string `json:"where"`
			Problem
		}
		out := make([]placed, len(in.Problems))
		for i, p := range in.Problems {
			out[i] = placed{Where: p.Where(l), Problem: p}
		}
		data, err := json.MarshalIndent(out, "", "  ")
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
			if se.Problems[i].Message != in.Problems[i].Message || se.Problems[i].Field != out[i].Where {
				t.Errorf("%s: schema problem %d %q at %q, want %q at %q", l, i, se.Problems[i].Message, se.Problems[i].Field, in.Problems[i].Message, out[i].Where)
			}
		}
	}
	if ie.Problems[0].Message != ie.In(i18n.EN).Problems[0].Message {
		t.Errorf("the error as made is not English: %q", ie.Problems[0].Message)
	}
}

// TestImportProblemHeaders: the same bad file as CSV and as XLSX has the same problems, each
// naming its column the same way — its letter and its header (issue 13: CSV used to say "2"
// where XLSX said "B").
func TestImportProblemHeaders(t *testing.T) {
	fx := mustMini(t)
	table := [][]string{{"单位代码", "任务数", "完成数"}, {"a", "很多", "3"}, {"zz", "1", "-2"}}
	var csvText strings.Builder
	for _, r := range table {
		csvText.WriteString(strings.Join(r, ",") + "\n")
	}
	book := excelize.NewFile()
	for i, r := range table {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		if err := book.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if err := book.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"第 2 行 B 列（任务数）: 应为整数，实际为 \"很多\"",
		"第 3 行 A 列（单位代码）: 未知单位 \"zz\"：不在本方案的单位名单中",
		"第 3 行 C 列（完成数）: -2 低于下限 0",
	}
	for _, file := range []struct {
		name string
		data []byte
	}{{"v.csv", []byte(csvText.String())}, {"v.xlsx", xlsx.Bytes()}} {
		_, err := ReadValues(file.data, file.name, "", fx.scheme, fx.units)
		var ie *ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("%s: error %v, want an *ImportError", file.name, err)
		}
		var got []string
		for _, p := range ie.In(i18n.ZH).Problems {
			got = append(got, p.Where(i18n.ZH)+": "+p.Message)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", file.name, got, want)
		}
		if w := ie.Problems[0].Where(i18n.EN); w != "row 2, column B (任务数)" {
			t.Errorf("%s: en place %q", file.name, w)
		}
	}
}
