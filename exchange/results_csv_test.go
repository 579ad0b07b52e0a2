package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

func TestWriteCSV(t *testing.T) {
	fx := mustMini(t)
	tests := []struct {
		name   string
		opts   CSVOptions
		golden string
	}{
		{"OKTitles", CSVOptions{}, "results.golden.csv"},
		{"OKCodes", CSVOptions{HeaderCodes: true}, "results_codes.golden.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCSV(&b, fx.program, fx.results, tt.opts); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")) {
				t.Fatalf("no UTF-8 BOM: %q", b.Bytes()[:8])
			}
			golden(t, tt.golden, b.Bytes())
		})
	}
}

// TestWriteCSVHeader checks the header against the brief: unit columns, items with points,
// outputs with units, then total, grade and ranks.
func TestWriteCSVHeader(t *testing.T) {
	fx := mustMini(t)
	for _, tt := range []struct {
		name string
		opts CSVOptions
		want string
	}{
		{"Titles", CSVOptions{}, "单位代码,单位名称,组别,参保(15),完成率(10),组内排名(5),质量(10),加分(2),扣分,完成率(%),奖项,补助(元),总分,等次,排名,组内排名"},
		{"Codes", CSVOptions{HeaderCodes: true}, "unit,name,group,enrol,done,place,quality,extra,penalty,rate,award,subsidy,total,grade,rank,group_rank"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCSV(&b, fx.program, fx.results, tt.opts); err != nil {
				t.Fatal(err)
			}
			records := readCSVRecords(t, b.Bytes())
			if got := strings.Join(records[0], ","); got != tt.want {
				t.Errorf("header\n got %s\nwant %s", got, tt.want)
			}
			if len(records) != 1+len(fx.results) {
				t.Errorf("%d records, want %d", len(records), 1+len(fx.results))
			}
			// f is incomplete: its total, grade and ranks are empty, not 0.
			f := records[6]
			if f[0] != "f" || f[12] != "" || f[13] != "" || f[14] != "" || f[15] != "" {
				t.Errorf("incomplete unit f: %q", f)
			}
		})
	}
}

// TestWriteCSVExactNumbers: numbers are written as a decimal calculator shows them, null
// as nothing, booleans as true/false, text that looks like a formula behind an apostrophe.
func TestWriteCSVExactNumbers(t *testing.T) {
	s := &formulas.Scheme{Code: "x", Title: "x", Metrics: []formulas.Metric{{Code: "m", Title: "m", Type: "number"}},
		Items:   []formulas.Item{{Code: "i", Title: "项", MaxPoints: ptr(20.0), Formula: "m"}},
		Outputs: []formulas.Output{{Code: "o", Title: "输出", Formula: "m > 1"}, {Code: "t", Title: "文本", Formula: `"=1+1"`}}}
	p, _, err := formulas.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	results := []formulas.Result{{
		Unit:     formulas.Unit{Code: "u", Name: "+单位"},
		Complete: true,
		Cells:    map[string]any{"i": 14.700000000000001, "o": true, "t": "=1+1"},
		Total:    ptr(0.1 + 0.2),
	}, {
		Unit:  formulas.Unit{Code: "v", Name: "乙"},
		Cells: map[string]any{"i": 1e21, "o": nil, "t": nil},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, p, results, CSVOptions{HeaderCodes: true}); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFunit,name,group,i,o,t,total,grade,rank,group_rank\r\n" +
		"u,'+单位,,14.7,true,'=1+1,0.3,,,\r\n" +
		"v,乙,,1000000000000000000000,,,,,,\r\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func readCSVRecords(tb testing.TB, data []byte) [][]string {
	tb.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(bom))))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return records
}
