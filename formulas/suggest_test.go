package formulas

import (
	"strings"
	"testing"
)

// TestIssue13SuggestOutput: a typo of an output's name suggests the output (res_rate), not an
// item whose name is as near (res_rank), although the output is type-checked after the item.
func TestIssue13SuggestOutput(t *testing.T) {
	five := 5.0
	s := &Scheme{Code: "s",
		Metrics: []Metric{{Code: "actual", Title: "A", Type: TypeNumber}, {Code: "target", Title: "T", Type: TypeNumber}},
		Items: []Item{
			{Code: "res_enrol", Title: "E", MaxPoints: &five, Formula: "0.1 * ceil(below(res_rat, 100))"},
			{Code: "res_rank", Title: "R", MaxPoints: &five, Formula: "5 - rank(res_rate)"},
		},
		Outputs: []Output{{Code: "res_rate", Title: "rate", Formula: "pct(actual, target)"}},
	}
	_, _, err := Compile(s)
	if err == nil || !strings.Contains(err.Error(), "unknown name res_rat, did you mean res_rate?") {
		t.Fatalf("error %v, want a suggestion of res_rate", err)
	}
}

// TestIssue13UsedBy: the formulas that read a name, directly or through a column function.
func TestIssue13UsedBy(t *testing.T) {
	five := 5.0
	s := &Scheme{Code: "s",
		Metrics: []Metric{{Code: "cases", Title: "C", Type: TypeNumber}, {Code: "spare", Title: "S", Type: TypeNumber}},
		Items: []Item{
			{Code: "volume", Title: "V", MaxPoints: &five, Formula: "min(5, cases / 10)"},
			{Code: "rank_bonus", Title: "R", MaxPoints: &five, Formula: "5 - rank(cases)"},
		},
	}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.UsedBy("cases"), ", "); got != "volume, rank_bonus" {
		t.Errorf("UsedBy(cases) = %q, want volume, rank_bonus", got)
	}
	if got := p.UsedBy("spare"); len(got) != 0 {
		t.Errorf("UsedBy(spare) = %q, want none", got)
	}
}
