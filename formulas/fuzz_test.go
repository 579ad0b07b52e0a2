package formulas

import (
	"encoding/json"
	"testing"
)

// FuzzFormula compiles any text as an item's and an output's formula and, when it compiles,
// evaluates it over rows with ties, a zero, a missing value and text: nothing may panic, and
// every point cell must be a number within its bounds or null.
func FuzzFormula(f *testing.F) {
	for _, s := range []string{
		"5 - 0.1 * ceil(below(pct(a, b), 100))", "rank(a, unit.group)", "tier(a, 90, 1, 80, 0.9, 0.8)",
		"a / 0", "pct(a, 0)", "col_avg(a) ?? 0", "lookup(a, \"u2\")", "flag ? nil : a", "round_to(a, 99)",
		"steps(a, -1)", "map(1..100000000, #)", "a ** 1000", "-a % 0", "name + name", "clamp(a, 5, 1)",
		"rank_asc(total)", "col_count(o, unit.group)", "max(a, b, col_sum(a))", "\"x\" in [\"x\"]",
	} {
		f.Add(s)
	}
	rows := []Row{
		{Unit: Unit{Code: "u1", Group: "g"}, Values: map[string]any{"a": 90.0, "b": 100.0, "flag": true, "name": "x"}},
		{Unit: Unit{Code: "u2", Group: "g"}, Values: map[string]any{"a": 90.0, "b": 0.0, "flag": false, "name": ""}},
		{Unit: Unit{Code: "u3", Group: "h"}, Values: map[string]any{"a": -1e308, "b": 1e-300, "flag": false, "name": "y"}},
		{Unit: Unit{Code: "u4"}, Values: map[string]any{"b": 3.0, "flag": true, "name": "z"}},
	}
	f.Fuzz(func(t *testing.T, formula string) {
		s := &Scheme{Code: "f", Groups: []string{"g", "h"},
			Metrics: []Metric{{Code: "a", Type: TypeNumber}, {Code: "b", Type: TypeNumber},
				{Code: "flag", Type: TypeBoolean}, {Code: "name", Type: TypeText}},
			Items:   []Item{{Code: "i", MaxPoints: pts(10), Formula: formula}, {Code: "d", Kind: KindDeduction, Formula: formula}},
			Outputs: []Output{{Code: "o", Formula: formula}},
			Grades:  []Grade{MinGrade(5, "ok"), MinGrade(0, "low")},
		}
		p, _, err := Compile(s)
		if err != nil {
			return
		}
		sh := p.Evaluate(rows)
		for _, res := range sh.Results() {
			if v, ok := res.Cells["i"].(float64); ok && (v < 0 || v > 10) {
				t.Fatalf("%q: item i = %v outside [0, 10]", formula, v)
			}
			if v, ok := res.Cells["d"].(float64); ok && v < 0 {
				t.Fatalf("%q: deduction d = %v below 0", formula, v)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("%q: result does not marshal: %v", formula, err)
			}
			if _, err := sh.Explain(res.Unit.Code); err != nil {
				t.Fatalf("%q: explain: %v", formula, err)
			}
		}
		if err := sh.Set("u4", "a", 5.0); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzScheme decodes any JSON as a scheme document and compiles and evaluates it.
func FuzzScheme(f *testing.F) {
	f.Add(`{"code":"x","metrics":[{"code":"a","type":"number"}],"items":[{"code":"i","max_points":5,"formula":"a"}]}`)
	f.Add(`{"code":"x","items":[{"code":"c","children":[{"code":"i","formula":"1"},{"code":"j","kind":"deduction","formula":"2"}]}],"veto":{"formula":"true"}}`)
	f.Add(`{"code":"x","precision":9,"items":[{"code":"i","formula":"i"}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var s Scheme
		if json.Unmarshal([]byte(doc), &s) != nil {
			return
		}
		p, _, err := Compile(&s)
		if err != nil {
			return
		}
		sh := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"a": 1.0}}, {Unit: Unit{Code: "v"}}})
		_ = sh.Results()
		_, _ = sh.Explain("u")
	})
}
