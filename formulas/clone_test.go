package formulas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"
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

// TestSheetAppendResultsJSON: the sheet writes the same JSON as its results do — on the
// benchmark rubric with a wrongly typed value (an error cell), a removed one (nulls, missing)
// and on the golden sheet (veto, texts, ties).
func TestSheetAppendResultsJSON(t *testing.T) {
	rows := benchRows(genUnits(50))
	rows[3].Values["cases_a"] = "many"
	delete(rows[4].Values, "actual_res")
	rows[5].Values["bonus_pts"] = true
	sheets := []*Sheet{mustBenchProgram(t).Evaluate(rows)}
	text, err := os.ReadFile("testdata/sheet_mini.json")
	if err != nil {
		t.Fatal(err)
	}
	var c sheetCase
	if err := json.Unmarshal(text, &c); err != nil {
		t.Fatal(err)
	}
	p, _, err := Compile(&c.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	sheets = append(sheets, p.Evaluate(c.Rows))
	for k, sh := range sheets {
		want, err := AppendResultsJSON(nil, sh.Results())
		if err != nil {
			t.Fatal(err)
		}
		got, err := sh.AppendResultsJSON(nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Errorf("sheet %d differs at byte %d:\n got …%.300s\nwant …%.300s", k, i, got[max(0, i-100):], want[max(0, i-100):])
		}
		if k == 0 && !bytes.Contains(got, []byte(`"errors":{"cases_a":`)) {
			t.Errorf("no error cell in %.500s", got)
		}
		if _, err := sh.AppendResultsJSON(nil, len(want)-100); !errors.Is(err, ErrTooLarge) {
			t.Errorf("past the limit: %v", err)
		}
		if _, err := sh.AppendResultsJSON(nil, len(want)); err != nil {
			t.Errorf("at the limit: %v", err)
		}
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

// BenchmarkSheetJSON writes the whole sheet's JSON straight from the columns and, in the same
// run, through a Result per unit (the way before); old/new is the ratio of their times.
func BenchmarkSheetJSON(b *testing.B) {
	p := mustBenchProgram(b)
	for _, n := range []int{10000, 100000} {
		sh := p.Evaluate(benchRows(genUnits(n)))
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := sh.AppendResultsJSON(nil, 0); err != nil {
					b.Fatal(err)
				}
			}
			direct := time.Since(start)
			b.StopTimer()
			start = time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := AppendResultsJSON(nil, sh.Results()); err != nil {
					b.Fatal(err)
				}
			}
			old := time.Since(start)
			b.ReportMetric(float64(old.Nanoseconds())/float64(b.N)/1e6, "old-ms/op")
			b.ReportMetric(float64(old)/float64(direct), "old/new")
		})
	}
}
