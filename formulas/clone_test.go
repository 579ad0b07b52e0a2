package formulas

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
)

// TestCloneIsolates changes a clone of a sheet while the original is read concurrently (run
// with -race): the original keeps the results of the rows it was evaluated from, the clone
// reaches those of the changed rows, each cell for cell equal to a fresh evaluation.
func TestCloneIsolates(t *testing.T) {
	p := mustBenchProgram(t)
	rows := benchRows(genUnits(400))
	orig := p.Evaluate(rows)
	before := orig.Results()
	changed := make([]Row, len(rows))
	for i, r := range rows {
		changed[i] = Row{Unit: r.Unit, Values: maps.Clone(r.Values)}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // a reader of the original while the clone changes
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if got, _ := orig.Result(rows[7].Unit.Code); !reflect.DeepEqual(got, before[7]) {
				t.Error("the original changed under its reader")
				return
			}
		}
	}()
	sh := orig.Clone()
	rng := rand.New(rand.NewPCG(3, 9))
	for step := 0; step < 40; step++ {
		r := rng.IntN(len(changed))
		m := []string{"actual_res", "actual_emp", "cases_b", "bonus_pts"}[step%4]
		var v any = int64(1000 + rng.IntN(90000))
		switch m {
		case "cases_b":
			v = int64(rng.IntN(5))
		case "bonus_pts":
			v = float64(rng.IntN(7)) / 2
		}
		changed[r].Values[m] = v
		if err := sh.Set(changed[r].Unit.Code, m, v); err != nil {
			t.Fatal(err)
		}
		if step%10 == 9 { // a clone of a clone, as a service takes one per version
			sh = sh.Clone()
		}
	}
	close(stop)
	wg.Wait()
	if got := orig.Results(); !reflect.DeepEqual(got, before) {
		t.Error("the original's results changed")
	}
	if got, want := sh.Results(), p.Evaluate(changed).Results(); !reflect.DeepEqual(got, want) {
		t.Error("the changed clone differs from a fresh evaluation")
	}
}

// TestSheetAppendResultsJSON: the sheet writes the same JSON as its results do.
func TestSheetAppendResultsJSON(t *testing.T) {
	sh := mustBenchProgram(t).Evaluate(benchRows(genUnits(50)))
	want, err := AppendResultsJSON(nil, sh.Results())
	if err != nil {
		t.Fatal(err)
	}
	got, err := sh.AppendResultsJSON(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got %.200s\nwant %.200s", got, want)
	}
	if _, err := sh.AppendResultsJSON(nil, len(want)-100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("past the limit: %v", err)
	}
	if _, err := sh.AppendResultsJSON(nil, len(want)); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

// BenchmarkClone measures Sheet.Clone followed by one Set, what publishing one changed value
// costs a service, against the Set alone (set-ms/op) in the same run.
func BenchmarkClone(b *testing.B) {
	p := mustBenchProgram(b)
	for _, n := range benchSizes {
		units := genUnits(n)
		sh := p.Evaluate(benchRows(units))
		u := units[n/2]
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c := sh.Clone()
				if err := c.Set(u.code, "actual_res", u.actualRes*9/10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
