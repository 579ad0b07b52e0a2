package formulas

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// shareSheet evaluates one output "share" (formula f, precision prec or the scheme's 2) over
// units with weight x and group g, with params.pool = pool.
func shareSheet(t *testing.T, f string, prec *int, pool float64, xs []any, groups []string) *Sheet {
	t.Helper()
	s := &Scheme{Code: "a", Groups: []string{"g", "h"}, Params: map[string]float64{"pool": pool},
		Metrics: []Metric{{Code: "x", Type: TypeNumber}},
		Outputs: []Output{{Code: "share", Formula: f, Unit: "元", Precision: prec}}}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]Row, len(xs))
	for i, x := range xs {
		vals := map[string]any{}
		if x != nil {
			vals["x"] = x
		}
		rows[i] = Row{Unit: Unit{Code: string(rune('a' + i)), Group: groups[i]}, Values: vals}
	}
	return p.Evaluate(rows)
}

func TestApportion(t *testing.T) {
	g3 := []string{"g", "g", "g"}
	zero := 0
	tests := []struct {
		name    string
		formula string
		prec    *int
		pool    float64
		xs      []any
		groups  []string
		want    []any
		errs    []string
	}{
		// 1,000,000 over three equal weights: 333,333.33 each loses a fen, which goes to the
		// first unit (equal remainders, unit order). The changzhou defect of issue 16 paid
		// 1,000,200 here.
		{"equal weights, tie to the first unit", "apportion(params.pool, x)", nil, 1000000, []any{33.33, 33.33, 33.33}, g3,
			[]any{333333.34, 333333.33, 333333.33}, nil},
		// 100 over 1:1:1 at whole 元: 33.33… each, one 元 left, to unit a.
		{"the output's precision", "apportion(params.pool, x)", &zero, 100, []any{1, 1, 1}, g3, []any{34.0, 33.0, 33.0}, nil},
		// 10 over 1:2:3:4 (exact), 0.01 over 1:1:1 (only one fen: the first unit).
		{"exact shares", "apportion(params.pool, x)", nil, 10, []any{1, 2, 3, 4}, []string{"g", "g", "g", "g"}, []any{1.0, 2.0, 3.0, 4.0}, nil},
		{"one fen", "apportion(0.01, x)", nil, 0, []any{5, 5, 5}, g3, []any{0.01, 0.0, 0.0}, nil},
		// 100 over weights 1, 1, 2 → 25, 25, 50; the largest remainder wins, not the first unit:
		// 10 over 1, 2, 4 → 1.428571…, 2.857142…, 5.714285… floors 1.42, 2.85, 5.71 (9.98);
		// remainders .0571, .0714, .0286 (in fen ×100): b then a get the two fen.
		{"largest remainders first", "apportion(params.pool, x)", nil, 10, []any{1, 2, 4}, g3, []any{1.43, 2.86, 5.71}, nil},
		// Per group: g has a and c (1 and 3 of 100), h has b alone.
		{"within the key's group", "apportion(params.pool, x, unit.group)", nil, 100, []any{1, 5, 3}, []string{"g", "h", "g"}, []any{25.0, 100.0, 75.0}, nil},
		// An incomplete unit takes no part; a nil weight leaves a unit out on purpose.
		{"incomplete units are left out", "apportion(params.pool, x)", nil, 90, []any{1, nil, 2}, g3, []any{30.0, nil, 60.0}, nil},
		{"a zero weight gets nothing", "apportion(params.pool, x)", nil, 90, []any{0, 1, 2}, g3, []any{0.0, 30.0, 60.0}, nil},
		{"weights adding up to 0", "apportion(params.pool, x)", nil, 90, []any{0, 0, 0}, g3, []any{nil, nil, nil},
			[]string{"apportion: the weights of the 3 units sharing the pool add up to 0"}},
		{"a negative weight", "apportion(params.pool, x)", nil, 90, []any{-1, 1, 2}, g3, []any{nil, nil, nil},
			[]string{"apportion: the weight of a is -1; weights must be ≥ 0"}},
		{"a pool finer than the precision", "apportion(params.pool, x)", nil, 0.005, []any{1, 1, 1}, g3, []any{nil, nil, nil},
			[]string{"apportion: the pool 0.005 is not a whole number of units of 2 decimals ≥ 0"}},
		{"one group, two pools", "apportion(x * 10, x)", nil, 0, []any{1, 1, 2}, g3, []any{nil, nil, nil},
			[]string{"apportion: the pool is 10 for a but 20 for c; one group shares one pool"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := shareSheet(t, tt.formula, tt.prec, tt.pool, tt.xs, tt.groups).Results()
			if got := cellsOf(res, "share"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %v, want %v", tt.formula, got, tt.want)
			}
			for _, want := range tt.errs {
				if got := res[0].Errors["share"]; got != want {
					t.Errorf("error %q, want %q", got, want)
				}
			}
		})
	}
}

// TestApportionSumsToThePool is the property of issue 16: over random pools and weights the
// shares add up to the pool exactly and each is within one fen of its exact share.
func TestApportionSumsToThePool(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(40)
		fen := rng.Int64N(1_000_000_000_00) // up to a billion 元
		if trial%7 == 0 {
			fen = rng.Int64N(int64(n) * 3) // fewer fen than units
		}
		pool := float64(fen) / 100
		xs := make([]any, n)
		groups := make([]string, n)
		for i := range xs {
			// weights with up to 3 decimals, many ties, some zeros
			xs[i] = float64(rng.IntN(5)*rng.IntN(100000)) / float64([]int{1, 10, 100, 1000}[rng.IntN(4)])
			groups[i] = "g"
		}
		xs[0] = xs[0].(float64) + 1 // never all zero
		sh := shareSheet(t, "apportion(params.pool, x)", nil, pool, xs, groups)
		sum := new(big.Rat)
		weights := new(big.Rat)
		for _, x := range xs {
			weights.Add(weights, ratOf(t, x.(float64)))
		}
		oneFen := big.NewRat(1, 100)
		for i, res := range sh.Results() {
			share, ok := res.Cells["share"].(float64)
			if !ok {
				t.Fatalf("trial %d unit %d: %v %v", trial, i, res.Cells["share"], res.Errors)
			}
			s := ratOf(t, share)
			if s.Cmp(new(big.Rat).SetFrac64(int64(roundHalfAway(share*100, 0)), 100)) != 0 {
				t.Fatalf("trial %d: share %v has more than 2 decimals", trial, share)
			}
			sum.Add(sum, s)
			exact := new(big.Rat).Mul(ratOf(t, pool), ratOf(t, xs[i].(float64)))
			exact.Quo(exact, weights)
			diff := new(big.Rat).Sub(s, exact)
			if diff.Abs(diff).Cmp(oneFen) >= 0 {
				t.Fatalf("trial %d unit %d: share %v is a fen or more from the exact %s", trial, i, share, exact.FloatString(6))
			}
		}
		if sum.Cmp(ratOf(t, pool)) != 0 {
			t.Fatalf("trial %d: %d shares of %v add up to %s", trial, n, pool, sum.FloatString(2))
		}
	}
}

func ratOf(t *testing.T, x float64) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(x, 'g', -1, 64))
	if !ok {
		t.Fatalf("cannot read %v", x)
	}
	return r
}

// TestApportionSet checks that changing one weight re-splits the whole pool, as a fresh
// evaluation does.
func TestApportionSet(t *testing.T) {
	sh := shareSheet(t, "apportion(params.pool, x)", nil, 100, []any{1, 1, 1}, []string{"g", "g", "g"})
	if err := sh.Set("c", "x", 2); err != nil {
		t.Fatal(err)
	}
	if got, want := cellsOf(sh.Results(), "share"), []any{25.0, 25.0, 50.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("after Set: %v, want %v", got, want)
	}
	if err := sh.Set("a", "x", nil); err != nil { // a becomes incomplete: b and c share
		t.Fatal(err)
	}
	if got, want := cellsOf(sh.Results(), "share"), []any{nil, 33.33, 66.67}; !reflect.DeepEqual(got, want) {
		t.Errorf("after removing a: %v, want %v", got, want)
	}
}

// TestApportionExplained checks that the explanation states the method and the tie rule.
func TestApportionExplained(t *testing.T) {
	sh := shareSheet(t, "apportion(params.pool, x)", nil, 1000000, []any{1, 1, 1}, []string{"g", "g", "g"})
	for unit, want := range map[string]string{
		"a": "this unit's remainder is number 1, so it gets one more 0.01: 333333.34",
		"b": "this unit's remainder is number 2, so it gets none: 333333.33",
	} {
		ex, err := sh.Explain(unit)
		if err != nil {
			t.Fatal(err)
		}
		cols := ex.Cells[0].Columns
		if len(cols) != 1 || !strings.Contains(cols[0].Detail, want) || !strings.Contains(cols[0].Detail, "ties to the unit listed first") {
			t.Errorf("%s: %+v, want a detail containing %q", unit, cols, want)
		}
		if cols[0].GroupSize != 3 {
			t.Errorf("%s: group size %d", unit, cols[0].GroupSize)
		}
	}
}

func TestApportionCompileErrors(t *testing.T) {
	for f, want := range map[string]string{
		"apportion(100, x + 1)": "the second argument of apportion names a column",
		"apportion(100)":        "not enough arguments",
		`apportion("a", x)`:     "apportion",
	} {
		s := &Scheme{Code: "a", Metrics: []Metric{{Code: "x", Type: TypeNumber}}, Outputs: []Output{{Code: "o", Formula: f}}}
		_, _, err := Compile(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", f, err, want)
		}
	}
	_ = fmt.Sprint
}
