package formulas

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/i18n"
)

// TestExplainDetailLanguages: apportion's detail (the pool, the exact share, its floor, the
// place of the remainder, the tie rule) and why a value and the values a formula read are null
// ("needs x", the unit is incomplete, a lookup of an incomplete unit) and a division by zero,
// in zh-CN and English,
// against testdata/explain_detail.<lang>.golden.json. The figures: 1,000,000 over three equal
// weights is 333,333.33⅓ each; 0.01 is left over and goes to a, the first of three equal
// remainders, so a gets 333333.34 and b 333333.33; d has no x and shares nothing.
func TestExplainDetailLanguages(t *testing.T) {
	sh := shareSheet(t, "apportion(params.pool, x)", nil, 1000000, []any{1, 1, 1, nil}, []string{"g", "g", "g", "g"})
	look := lookupSheet(t)
	type texts struct {
		Detail string   `json:"detail,omitempty"`
		Null   string   `json:"null,omitempty"`
		Inputs []string `json:"inputs,omitempty"`
		Text   string   `json:"text"`
	}
	for _, l := range []i18n.Lang{i18n.ZH, i18n.EN} {
		got := map[string]texts{}
		for _, c := range []struct {
			sh   *Sheet
			unit string
		}{{sh, "a"}, {sh, "b"}, {sh, "d"}, {look, "a"}, {look, "b"}} {
			ex, err := c.sh.Explain(c.unit)
			if err != nil {
				t.Fatal(err)
			}
			before, _ := json.Marshal(ex)
			for _, cell := range ex.In(l).Cells {
				var tx texts
				for _, col := range cell.Columns {
					tx.Detail = col.Detail
				}
				for _, in := range cell.Inputs {
					tx.Inputs = append(tx.Inputs, in.Name+": "+in.Null)
				}
				tx.Null, tx.Text = cell.Null, cell.Text
				got[cell.Code+"."+c.unit] = tx
			}
			if after, _ := json.Marshal(ex); !bytes.Equal(before, after) {
				t.Errorf("In changed the explanation it was given")
			}
		}
		data, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden := "testdata/explain_detail." + l.String() + ".golden.json"
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

// lookupSheet is a sheet whose output peer of unit a looks up unit b, which has no x, so that
// b's output double reads no x, and whose ratio divides by zero.
func lookupSheet(t *testing.T) *Sheet {
	t.Helper()
	s := &Scheme{Code: "l", Metrics: []Metric{{Code: "x", Type: TypeNumber}},
		Outputs: []Output{{Code: "peer", Formula: `lookup(x, "b")`}, {Code: "double", Formula: "x * 2"}, {Code: "ratio", Formula: "x / 0"}}}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return p.Evaluate([]Row{{Unit: Unit{Code: "a"}, Values: map[string]any{"x": 1}}, {Unit: Unit{Code: "b"}, Values: map[string]any{}}})
}
