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
