package formulas

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// colScheme has one metric x, an output per formula and units in groups g and h.
func colSheet(t *testing.T, formulas map[string]string, xs []any, groups []string) []Result {
	t.Helper()
	s := &Scheme{Code: "c", Groups: []string{"g", "h"}, Metrics: []Metric{{Code: "x", Type: TypeNumber}, {Code: "y", Type: TypeNumber, Default: 0}}}
	for code, f := range formulas {
		s.Outputs = append(s.Outputs, Output{Code: code, Formula: f})
	}
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
	return p.Evaluate(rows).Results()
}

func cellsOf(results []Result, code string) []any {
	out := make([]any, len(results))
	for i, r := range results {
		out[i] = r.Cells[code]
	}
	return out
}

func TestColumnFunctions(t *testing.T) {
	g4 := []string{"g", "g", "g", "g"}
	tests := []struct {
		name    string
		formula string
		xs      []any
		groups  []string
		want    []any
	}{
		{"rank ties share the smaller rank", "rank(x)", []any{9, 8, 8, 7}, g4, []any{1.0, 2.0, 2.0, 4.0}},
		{"rank_asc", "rank_asc(x)", []any{9, 8, 8, 7}, g4, []any{4.0, 2.0, 2.0, 1.0}},
		{"rank within groups", "rank(x, unit.group)", []any{9, 8, 8, 7}, []string{"g", "h", "g", "h"}, []any{1.0, 1.0, 2.0, 2.0}},
		{"rank ties decimal-exact", "rank(r)", []any{0.3, 0.3, 0.2, 0.1}, g4, []any{1.0, 1.0, 3.0, 4.0}},
		{"col_sum by group", "col_sum(x, unit.group)", []any{1, 2, 3, 4}, []string{"g", "h", "g", "h"}, []any{4.0, 6.0, 4.0, 6.0}},
		{"col_max", "col_max(x)", []any{1, 5, 3, 4}, g4, []any{5.0, 5.0, 5.0, 5.0}},
		{"col_min", "col_min(x)", []any{1, 5, 3, 4}, g4, []any{1.0, 1.0, 1.0, 1.0}},
		{"col_avg", "col_avg(x)", []any{1, 2, 2, 2}, g4, []any{1.75, 1.75, 1.75, 1.75}},
		{"col_count", "col_count(x, unit.group)", []any{1, 2, 3, 4}, []string{"g", "g", "g", "h"}, []any{3.0, 3.0, 3.0, 1.0}},
		{"nil rows are skipped", "col_sum(v)", []any{1, 2, 3, 4}, g4, []any{3.0, 3.0, 3.0, 3.0}},
		{"over no rows col_sum is 0", "col_sum(v, unit.group)", []any{3, 3, 1, 2}, []string{"g", "g", "h", "h"}, []any{0.0, 0.0, 3.0, 3.0}},
		{"over no rows col_max is null", "col_max(v, unit.group) ?? -1", []any{3, 3, 1, 2}, []string{"g", "g", "h", "h"}, []any{nil, nil, 2.0, 2.0}},
		{"incomplete units are left out", "rank(x)", []any{9, nil, 8, 10}, g4, []any{2.0, nil, 3.0, 1.0}},
		{"lookup another unit", `lookup(x, "c")`, []any{1, 2, 3, 4}, g4, []any{3.0, 3.0, 3.0, 3.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{"out": tt.formula}
			if strings.Contains(tt.formula, "(v") {
				fs["v"] = "x < 3 ? x : nil" // rows with x ≥ 3 are left out on purpose
			}
			if strings.Contains(tt.formula, "(r)") {
				fs["r"] = `unit.code == "a" ? 0.1 + 0.2 : x` // 0.30000000000000004 ties 0.3
			}
			got := cellsOf(colSheet(t, fs, tt.xs, tt.groups), "out")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %v, want %v", tt.formula, got, tt.want)
			}
		})
	}
}

func TestCellErrors(t *testing.T) {
	res := colSheet(t, map[string]string{"share": "100 / x", "p": "pct(y, x)"}, []any{0, 4}, []string{"g", "g"})
	if res[0].Errors["share"] != "division by zero" || res[0].Errors["p"] != "pct: the base is 0" || res[0].Cells["share"] != nil {
		t.Errorf("unit a: cells %v errors %v", res[0].Cells, res[0].Errors)
	}
	if res[1].Cells["share"] != 25.0 || len(res[1].Errors) != 0 {
		t.Errorf("unit b: cells %v errors %v", res[1].Cells, res[1].Errors)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		s    *Scheme
		want string
	}{
		{"ErrFormulaLength", &Scheme{Code: "l", Items: []Item{{Code: "a", Formula: strings.Repeat("1+", MaxFormulaLength) + "1"}}},
			"a: the formula is 8001 bytes long; at most 4000 are allowed"},
		{"ErrFormulaNodes", &Scheme{Code: "l", Items: []Item{{Code: "a", Formula: strings.Repeat("1+", 1500) + "1"}}},
			"compilation failed: expression exceeds maximum allowed nodes"},
		{"ErrDepth", &Scheme{Code: "l", Items: []Item{nest(MaxDepth + 1)}}, "is nested 9 deep; at most 8 levels are allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Compile(tt.s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func nest(depth int) Item {
	it := Item{Code: "x" + strings.Repeat("x", depth), Formula: "1"}
	if depth > 1 {
		it = Item{Code: "x" + strings.Repeat("x", depth), Children: []Item{nest(depth - 1)}}
	}
	return it
}

// TestConcurrentEvaluate evaluates one program from many goroutines (run with -race).
func TestConcurrentEvaluate(t *testing.T) {
	p := mustBenchProgram(t)
	rows := benchRows(genUnits(200))
	want := p.Evaluate(rows).Results()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := p.Evaluate(rows).Results(); !reflect.DeepEqual(got, want) {
				t.Error("concurrent evaluation differs")
			}
		}()
	}
	wg.Wait()
}

// TestRankSortMatchesComparison checks the radix sort of ranks against the comparison order on
// values with ties, negatives, zeros of both signs, groups and both directions.
func TestRankSortMatchesComparison(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, asc := range []bool{false, true} {
		for _, n := range []int{300, 5000} {
			st := &rankState{}
			for r := 0; r < n; r++ {
				x := float64(rng.IntN(200)-100) / 4
				if r%17 == 0 {
					x = math.Copysign(0, -1)
				}
				st.entries = append(st.entries, entry{group: int32(rng.IntN(3)), row: int32(r), x: x})
			}
			want := slices.Clone(st.entries)
			slices.SortFunc(want, entryOrder(asc))
			st.sort(asc)
			for i := range want {
				if st.entries[i].row != want[i].row {
					t.Fatalf("asc=%v n=%d: position %d has row %d, want %d", asc, n, i, st.entries[i].row, want[i].row)
				}
			}
		}
	}
}
