package formulas

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	before := mustMini(t)
	s := *before.p.scheme
	s.Items = append([]Item(nil), s.Items...)
	// quality loses 2 points per case instead of 4: c (3 cases) gets 4 instead of 0, so its
	// total goes from 14 (差) to 18 (良).
	s.Items[1].Formula = "10 - 2 * cases"
	p, _, err := Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for r, u := range before.units {
		vals := map[string]any{}
		for _, id := range before.p.metrics {
			if v := before.cols[id].get(r); v.k != kNull {
				vals[before.p.cols[id].name] = v.any()
			}
		}
		rows = append(rows, Row{Unit: u, Values: vals})
	}
	imp := Compare(before, p.Evaluate(rows))
	if !reflect.DeepEqual(imp.GradeChanges, []string{"c"}) {
		t.Errorf("grade changes %v, want [c]", imp.GradeChanges)
	}
	c := imp.Units[2]
	// After: a 27, b 22.5 (quality 8), c 18, d 17 (quality 2), e 0 (vetoed): c ranks 3rd.
	if *c.OldTotal != 14 || *c.NewTotal != 18 || *c.OldRank != 4 || *c.NewRank != 3 || *c.NewGrade != "良" || !c.Changed {
		t.Errorf("c: %+v", c)
	}
	if f := imp.Units[5]; f.OldTotal != nil || f.NewTotal != nil || f.Changed {
		t.Errorf("f (incomplete) %+v", f)
	}
}

// TestCompareOutputsAndErrors checks that the impact lists the outputs that change (the
// subsidy, 元) and the cells that become errors.
func TestCompareOutputsAndErrors(t *testing.T) {
	before := mustMini(t)
	s := *before.p.scheme
	s.Items = append([]Item(nil), s.Items...)
	s.Outputs = append([]Output(nil), s.Outputs...)
	s.Outputs[2].Formula = "actual * params.fee / 50"       // the subsidy doubles
	s.Items[1].Formula = "10 - pct(cases, cases - 3) / 100" // c has 3 cases: division by zero
	p, _, err := Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	var rows []Row
	for r, u := range before.units {
		vals := map[string]any{}
		for _, id := range before.p.metrics {
			if v := before.cols[id].get(r); v.k != kNull {
				vals[before.p.cols[id].name] = v.any()
			}
		}
		rows = append(rows, Row{Unit: u, Values: vals})
	}
	imp := Compare(before, p.Evaluate(rows))
	byUnit := map[string]UnitImpact{}
	for _, u := range imp.Units {
		byUnit[u.Unit] = u
	}
	for _, u := range imp.Units {
		old, _ := before.Result(u.Unit)
		sub, ok := old.Cells["subsidy"].(float64)
		if !ok {
			continue
		}
		want := []CellChange{{Code: "subsidy", Old: sub, New: 2 * sub}}
		if u.Unit == "c" { // its quality is an error now, so it has no total and no award
			want = append([]CellChange{{Code: "award", Old: "", New: nil}}, want...)
		}
		if !reflect.DeepEqual(u.Outputs, want) {
			t.Errorf("%s: outputs %+v, want %+v", u.Unit, u.Outputs, want)
		}
	}
	if c := byUnit["c"]; len(c.NewErrors) != 1 || c.NewErrors["quality"] == "" {
		t.Errorf("c: new errors %v, want quality's", c.NewErrors)
	}
	if a := byUnit["a"]; a.NewErrors != nil {
		t.Errorf("a: new errors %v, want none", a.NewErrors)
	}
}
