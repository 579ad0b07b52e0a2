package formulas

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"
)

// The benchmark rubric of docs/bench.md, as a scheme (testdata/bench.json) and as
// a plain hand-written Go loop with exact integer arithmetic. Both compute the same sheet.

// benchUnit is one generated unit of RUBRIC.md's units.csv.
type benchUnit struct {
	code, group                                string
	zone                                       bool // group == "zone"
	targetRes, actualRes, targetEmp, actualEmp int64
	casesA, casesB, casesC                     int64
	bonusTenths                                int64 // bonus_pts × 10
	penaltyProv, penaltyCity, penaltyCounty    int64
	enteredPeople, lectures                    int64
}

// genUnits generates n units deterministically.
func genUnits(n int) []benchUnit {
	rng := rand.New(rand.NewPCG(2022, 1))
	units := make([]benchUnit, n)
	for i := range units {
		u := &units[i]
		u.code = fmt.Sprintf("U%06d", i+1)
		u.group = "town"
		if rng.IntN(5) == 0 {
			u.group, u.zone = "zone", true
		}
		u.targetRes = 1000 + rng.Int64N(89001)
		u.targetEmp = 1000 + rng.Int64N(89001)
		// f uniform in 0.85 .. 1.08 in steps of 0.00001: actual = round(target × f).
		fr := 85000 + rng.Int64N(23001)
		fe := 85000 + rng.Int64N(23001)
		u.actualRes = (u.targetRes*fr + 50000) / 100000
		u.actualEmp = (u.targetEmp*fe + 50000) / 100000
		u.casesA, u.casesB, u.casesC = rng.Int64N(5), rng.Int64N(5), rng.Int64N(5)
		u.bonusTenths = 5 * rng.Int64N(7)
		u.penaltyProv, u.penaltyCity, u.penaltyCounty = rng.Int64N(3), rng.Int64N(3), rng.Int64N(3)
		u.enteredPeople = 5000 + rng.Int64N(115001)
		u.lectures = rng.Int64N(4)
	}
	return units
}

func benchRows(units []benchUnit) []Row {
	rows := make([]Row, len(units))
	for i, u := range units {
		rows[i] = Row{Unit: Unit{Code: u.code, Name: "Unit " + u.code[1:], Group: u.group}, Values: map[string]any{
			"target_res": u.targetRes, "actual_res": u.actualRes, "target_emp": u.targetEmp, "actual_emp": u.actualEmp,
			"cases_a": u.casesA, "cases_b": u.casesB, "cases_c": u.casesC, "bonus_pts": float64(u.bonusTenths) / 10,
			"penalty_prov": u.penaltyProv, "penalty_city": u.penaltyCity, "penalty_county": u.penaltyCounty,
			"entered_people": u.enteredPeople, "lectures": u.lectures,
		}}
	}
	return rows
}

func mustBenchProgram(tb testing.TB) *Program {
	tb.Helper()
	text, err := os.ReadFile("testdata/bench.json")
	if err != nil {
		tb.Fatal(err)
	}
	var s Scheme
	if err := json.Unmarshal(text, &s); err != nil {
		tb.Fatal(err)
	}
	p, _, err := Compile(&s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// handResult is one unit's sheet row from the hand-written loop; points in hundredths.
type handResult struct {
	items    [9]int64 // i1 i2 i3 i4 s5 s6 i7 bonus deduction, hundredths
	total    int64    // hundredths
	grade    string
	rank     int
	feeCents int64
}

// handLoop computes the benchmark rubric exactly: rates as fractions, points in hundredths.
func handLoop(units []benchUnit, out []handResult, order []int32) {
	// Rates compare as fractions a/t: a1*t2 vs a2*t1 (below 2^63 for these ranges).
	rankBy := func(actual, target func(*benchUnit) int64, dst func(*handResult) *int64) {
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(x, y int32) int {
			ux, uy := &units[x], &units[y]
			if ux.zone != uy.zone {
				if ux.zone {
					return 1
				}
				return -1
			}
			l, r := actual(ux)*target(uy), actual(uy)*target(ux)
			switch {
			case l > r:
				return -1
			case l < r:
				return 1
			}
			return 0
		})
		start := 0
		for i := range order {
			u := &units[order[i]]
			if i > 0 {
				p := &units[order[i-1]]
				if p.zone != u.zone {
					start = i
				}
			}
			rank := int64(i - start + 1)
			if i > start {
				p := &units[order[i-1]]
				if actual(p)*target(u) == actual(u)*target(p) {
					rank = *dst(&out[order[i-1]])
				}
			}
			*dst(&out[order[i]]) = rank
		}
	}
	rankBy(func(u *benchUnit) int64 { return u.actualRes }, func(u *benchUnit) int64 { return u.targetRes },
		func(h *handResult) *int64 { return &h.items[4] })
	rankBy(func(u *benchUnit) int64 { return u.actualEmp }, func(u *benchUnit) int64 { return u.targetEmp },
		func(h *handResult) *int64 { return &h.items[5] })
	for i := range units {
		u, h := &units[i], &out[i]
		// i1: 0.1 per started point below 100%: ceil(100 - 100a/t) = (100(t-a) + t - 1) div t.
		short := int64(0)
		if u.actualRes < u.targetRes {
			short = (100*(u.targetRes-u.actualRes) + u.targetRes - 1) / u.targetRes
		}
		h.items[0] = max(0, 1000-10*short)
		// i2: 1 per full 5 points below 95%: floor((95 - 100a/t)/5) = (95t - 100a) div 5t.
		steps := int64(0)
		if 95*u.targetEmp > 100*u.actualEmp {
			steps = (95*u.targetEmp - 100*u.actualEmp) / (5 * u.targetEmp)
		}
		h.items[1] = max(0, 1500-100*steps)
		h.items[2] = max(0, 1000-100*u.casesA-200*u.casesB)
		h.items[3] = max(0, 1000-100*u.casesC)
		step := int64(25)
		if u.zone {
			step = 50
		}
		h.items[4] = max(0, 500-(h.items[4]-1)*step)
		h.items[5] = max(0, 500-(h.items[5]-1)*step)
		h.items[6] = max(0, 1500-200*max(0, 2-u.lectures))
		h.items[7] = min(200, 10*u.bonusTenths)
		h.items[8] = 100 * (3*u.penaltyProv + 2*u.penaltyCity + u.penaltyCounty)
		h.total = 0
		for k := 0; k < 8; k++ {
			h.total += h.items[k]
		}
		h.total -= h.items[8]
		switch {
		case h.total >= 5500:
			h.grade = "excellent"
		case h.total >= 4800:
			h.grade = "pass"
		case h.total >= 4000:
			h.grade = "basic"
		default:
			h.grade = "fail"
		}
		factor := int64(8) // tenths
		switch {
		case h.total >= 5200:
			factor = 10
		case h.total >= 4500:
			factor = 9
		}
		h.feeCents = u.enteredPeople * 3 * factor * 10
	}
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return int(out[y].total - out[x].total) })
	for i := range order {
		h := &out[order[i]]
		h.rank = i + 1
		if i > 0 && out[order[i-1]].total == h.total {
			h.rank = out[order[i-1]].rank
		}
	}
}

// TestBenchAgrees checks the engine against the hand-written loop on every unit of 1,000.
func TestBenchAgrees(t *testing.T) {
	units := genUnits(1000)
	p := mustBenchProgram(t)
	sh := p.Evaluate(benchRows(units))
	want := make([]handResult, len(units))
	handLoop(units, want, make([]int32, len(units)))
	codes := []string{"i1", "i2", "i3", "i4", "s5", "s6", "i7", "bonus", "deduction"}
	grades := map[string]int{}
	for i, res := range sh.Results() {
		h := want[i]
		for k, code := range codes {
			if got := res.Cells[code]; got != float64(h.items[k])/100 {
				t.Fatalf("%s %s = %v, want %v", units[i].code, code, got, float64(h.items[k])/100)
			}
		}
		if res.Total == nil || *res.Total != float64(h.total)/100 {
			t.Fatalf("%s total = %v, want %v", units[i].code, res.Total, float64(h.total)/100)
		}
		if *res.Grade != h.grade || *res.Rank != h.rank {
			t.Fatalf("%s grade, rank = %s, %d, want %s, %d", units[i].code, *res.Grade, *res.Rank, h.grade, h.rank)
		}
		if got := res.Cells["fee"]; got != float64(h.feeCents)/100 {
			t.Fatalf("%s fee = %v, want %v", units[i].code, got, float64(h.feeCents)/100)
		}
		grades[h.grade]++
	}
	if len(grades) != 4 {
		t.Errorf("the data should reach every grade, got %v", grades)
	}
}

var benchSizes = []int{1000, 10000, 100000}

// BenchmarkEvaluate evaluates the whole sheet and, in the same run, the hand-written loop;
// engine/hand is the ratio of their times per operation.
func BenchmarkEvaluate(b *testing.B) {
	p := mustBenchProgram(b)
	for _, n := range benchSizes {
		units := genUnits(n)
		rows := benchRows(units)
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				p.Evaluate(rows)
			}
			engine := time.Since(start)
			b.StopTimer()
			out := make([]handResult, n)
			order := make([]int32, n)
			start = time.Now()
			for i := 0; i < b.N; i++ {
				handLoop(units, out, order)
			}
			hand := time.Since(start)
			b.ReportMetric(float64(hand.Nanoseconds())/float64(b.N)/1e6, "hand-ms/op")
			b.ReportMetric(float64(engine)/float64(hand), "engine/hand")
		})
	}
}

// BenchmarkUpdate changes one value of one unit of an evaluated sheet and recomputes what
// depends on it: a rate that moves the unit in its group ranking, then back.
func BenchmarkUpdate(b *testing.B) {
	p := mustBenchProgram(b)
	for _, n := range benchSizes {
		units := genUnits(n)
		sh := p.Evaluate(benchRows(units))
		u := units[n/2]
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				v := u.actualRes
				if i%2 == 0 {
					v = u.actualRes * 9 / 10
				}
				if err := sh.Set(u.code, "actual_res", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
