package formulas

import (
	"testing"
)

// evalOne compiles formula as the only output of a scheme with metrics a and b and
// evaluates it for one unit.
func evalOne(t *testing.T, formula string) any {
	t.Helper()
	s := &Scheme{
		Code:    "t",
		Metrics: []Metric{{Code: "a", Type: TypeNumber}, {Code: "b", Type: TypeNumber}},
		Items:   []Item{},
		Outputs: []Output{{Code: "out", Formula: formula}},
	}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatalf("compile %q: %v", formula, err)
	}
	sh := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"a": 1.0, "b": 2.0}}})
	res := sh.Results()[0]
	if len(res.Errors) > 0 {
		t.Fatalf("%q: errors %v", formula, res.Errors)
	}
	return res.Cells["out"]
}

// TestExact is the table of issue 3 (6. Exact results): every value a decimal calculator shows.
func TestExact(t *testing.T) {
	tests := []struct {
		formula string
		want    any
	}{
		{"pct(25375, 43750)", 58.0},
		{"5 - 0.1 * ceil(below(pct(25375, 43750), 100))", 0.8},
		{"steps(below(pct(15456, 27600), 100), 5)", 8.0},
		{"round_to(5 * 63 / 400 * 6, 2)", 4.73},
		{"ceil(0.1 * 3 * 10)", 3.0},
		{"4.9 + 4.9 + 4.9", 14.7},
		{"round_to(2.675, 2)", 2.68},
		{"round_to(1.005, 2)", 1.01},
		{"round_to(-2.5, 0)", -3.0},
		{"steps(below(pct(1530, 1700), 100), 5)", 2.0},
		{"tier(pct(1530, 1700), 90, 1, 80, 0.9, 0.8)", 1.0},
		{"pct(7, 100) == 7", true},
		{"clamp(12, 0, 10)", 10.0},
		{"clamp(-3, 0, 10)", 0.0},
		{"below(96, 95)", 0.0},
		{"tier(79.99, 90, 'A', 80, 'B', 'C')", "C"},
		{"a + b", 3.0},
		{"max(a, b, 1.5)", 2.0},
		{"min(a, b)", 1.0},
		{"a > b ? 'yes' : 'no'", "no"},
		{"'x' in ['y', 'x']", true},
		{"nil ?? 4", 4.0},
	}
	for _, tt := range tests {
		t.Run(tt.formula, func(t *testing.T) {
			if got := evalOne(t, tt.formula); got != tt.want {
				t.Errorf("%s = %v (%T), want %v", tt.formula, got, got, tt.want)
			}
		})
	}
}

// TestScoreItemRounding: a score item's 15 × 0.835 is 12.53 at precision 2.
func TestScoreItemRounding(t *testing.T) {
	max := 15.0
	s := &Scheme{Code: "t", TotalPoints: 15, Items: []Item{{Code: "i", Title: "i", MaxPoints: &max, Formula: "15 * 0.835"}}}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	res := p.Evaluate([]Row{{Unit: Unit{Code: "u"}}}).Results()[0]
	if res.Cells["i"] != 12.53 || res.Total == nil || *res.Total != 12.53 {
		t.Errorf("cell %v total %v, want 12.53", res.Cells["i"], res.Total)
	}
}
