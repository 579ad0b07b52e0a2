package formulas

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// sheetCase is a golden sheet: a scheme, its rows and every expected result, worked out by
// hand. For testdata/sheet_mini.json:
//
//	rates: a 1000/1000 = 100, b 950/1000 = 95, c 1900/2000 = 95 (ties b), d 816/800 = 102,
//	e 25375/43750 = 58 (float64 says 58.00000000000001), f has no actual: incomplete.
//	done = 10 − 0.1 × ceil(100 − rate): a 10, b c 9.5, d 10 (above 100 costs nothing), e 5.8.
//	place: 主功能区 a 1st, b c tie 2nd → 5 − 0.5 = 4.5; 镇 (f left out) d 1st, e 2nd → 4.75.
//	quality = 10 − 4 × cases: b 6, c −2 → floor 0, d −6 → 0. extra: a 3 → cap 2.
//	penalty: d has 4 cases > 3 → 1.
//	totals: a 15+10+2 = 27 优; b 14+6+0.5 = 20.5 良; c 14 差; d 15+0+1−1 = 15 良 (exactly
//	the band); e 10.55+10 = 20.55 but vetoed → 0 差. Overall a 1, b 2, d 3, c 4, e 5.
//	subsidy = actual × 20 / 100; award to rank 1 only; f's cells that read actual are null.
type sheetCase struct {
	Scheme Scheme            `json:"scheme"`
	Rows   []Row             `json:"rows"`
	Want   []json.RawMessage `json:"want"`
}

func TestGoldenSheets(t *testing.T) {
	for _, name := range []string{"testdata/sheet_mini.json"} {
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var c sheetCase
			if err := json.Unmarshal(text, &c); err != nil {
				t.Fatal(err)
			}
			p, warnings, err := Compile(&c.Scheme)
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings: %v", warnings)
			}
			results := p.Evaluate(c.Rows).Results()
			if len(results) != len(c.Want) {
				t.Fatalf("%d results, want %d", len(results), len(c.Want))
			}
			for i, res := range results {
				got, _ := json.Marshal(res)
				if !jsonEqual(t, got, c.Want[i]) {
					t.Errorf("unit %s:\n got %s\nwant %s", res.Unit.Code, got, c.Want[i])
				}
			}
		})
	}
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}
