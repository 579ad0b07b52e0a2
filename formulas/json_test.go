package formulas

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// plainResult is Result without its MarshalJSON: what encoding/json would write.
type plainResult struct {
	Unit      Unit              `json:"unit"`
	Complete  bool              `json:"complete"`
	Missing   []string          `json:"missing"`
	Cells     map[string]any    `json:"cells"`
	Errors    map[string]string `json:"errors"`
	Total     *float64          `json:"total"`
	Grade     *string           `json:"grade"`
	Rank      *int              `json:"rank"`
	GroupRank *int              `json:"group_rank"`
	Vetoed    bool              `json:"vetoed,omitempty"`
}

func TestResultJSONMatchesEncodingJSON(t *testing.T) {
	total, grade, rank := 14.7, "良<&>", 3
	results := append(mustMini(t).Results(), Result{
		Unit:     Unit{Code: "x\"y", Name: "名\n\t\\", Group: "g", Attrs: map[string]any{"population": 1200000, "tag": "a<b"}},
		Complete: true, Missing: []string{"m1", "m2"},
		Cells:  map[string]any{"a": 1e-7, "b": 1e21, "c": 123456789.125, "d": "\u2028\x01", "e": true, "f": nil, "g": math.Copysign(0, -1)},
		Errors: map[string]string{"z": "pct: the base is 0", "a": "x"},
		Total:  &total, Grade: &grade, Rank: &rank, Vetoed: true,
	})
	for _, r := range results {
		got, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(plainResult{r.Unit, r.Complete, r.Missing, r.Cells, r.Errors, r.Total, r.Grade, r.Rank, r.GroupRank, r.Vetoed})
		if !jsonEqual(t, got, want) {
			t.Errorf("unit %s:\n got %s\nwant %s", r.Unit.Code, got, want)
		}
	}
	if _, err := json.Marshal(Result{Cells: map[string]any{"x": math.Inf(1)}}); err == nil {
		t.Error("an infinite cell must not marshal")
	}
}

// TestResultJSONColumnOrder: cells come in the order of the sheet's columns.
func TestResultJSONColumnOrder(t *testing.T) {
	got, _ := json.Marshal(mustMini(t).Results()[0])
	i := bytes.Index(got, []byte(`"cells":{`))
	if want := `"cells":{"enrol":15,"done":10,"place":5,"quality":10,"extra":2,"penalty":0,"rate":100,"award":"一等奖","subsidy":200}`; !bytes.HasPrefix(got[i:], []byte(want)) {
		t.Errorf("got %s", got[i:])
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abc", "名", "\"\\<>&", "\x00\x1f\x7f", "\xff\xfe", "\u2028\u2029", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzAppendFloat(f *testing.F) {
	for _, x := range []float64{0, 1, -1, 1e-7, 1e21, 1e20, 123.456, 5e-324, math.MaxFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		want, _ := json.Marshal(x)
		if got := appendFloat(nil, x); !bytes.Equal(got, want) {
			t.Errorf("appendFloat(%v) = %s, want %s", x, got, want)
		}
	})
}

func TestAppendResultsJSON(t *testing.T) {
	results := mustMini(t).Results()
	got, err := AppendResultsJSON(nil, results)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(results)
	if !bytes.Equal(got, want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
