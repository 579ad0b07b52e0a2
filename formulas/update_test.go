package formulas

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestSetMatchesEvaluate changes values one at a time — rates that move ranks, counts, a
// removed value that makes a unit incomplete and its return — and checks after each change
// that the updated sheet equals a sheet evaluated from scratch.
func TestSetMatchesEvaluate(t *testing.T) {
	units := genUnits(300)
	rows := benchRows(units)
	p := mustBenchProgram(t)
	sh := p.Evaluate(rows)
	rng := rand.New(rand.NewPCG(7, 7))
	metrics := []string{"actual_res", "actual_emp", "cases_a", "bonus_pts", "penalty_prov", "lectures", "target_res"}
	for step := 0; step < 60; step++ {
		r := rng.IntN(len(rows))
		m := metrics[rng.IntN(len(metrics))]
		var v any
		switch {
		case step%10 == 3:
			v = nil // a removed value: the unit becomes incomplete
		case m == "bonus_pts":
			v = float64(rng.IntN(7)) / 2
		case m == "actual_res" || m == "actual_emp" || m == "target_res":
			v = int64(1000 + rng.IntN(90000))
		default:
			v = int64(rng.IntN(5))
		}
		if v == nil {
			delete(rows[r].Values, m)
		} else {
			rows[r].Values[m] = v
		}
		if err := sh.Set(rows[r].Unit.Code, m, v); err != nil {
			t.Fatal(err)
		}
		want := p.Evaluate(rows).Results()
		got := sh.Results()
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("step %d (%s.%s = %v): unit %s\n got %+v\nwant %+v", step, rows[r].Unit.Code, m, v, want[i].Unit.Code, got[i], want[i])
			}
		}
	}
}

func TestSetErrors(t *testing.T) {
	p := mustBenchProgram(t)
	sh := p.Evaluate(benchRows(genUnits(3)))
	if err := sh.Set("nobody", "cases_a", 1); err == nil {
		t.Error("Set on an unknown unit: no error")
	}
	if err := sh.Set("U000001", "i1", 1); err == nil {
		t.Error("Set on an item: no error")
	}
}
