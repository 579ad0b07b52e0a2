package exchange

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// benchScheme is a small scheme of the usual shape: a category of two leaves, a rank item, a
// bonus, a deduction, three outputs, grades and two groups.
func benchScheme() *formulas.Scheme {
	pts := func(x float64) *float64 { return &x }
	min0 := pts(0)
	return &formulas.Scheme{
		Code: "bench", Title: "基准考核方案", TotalPoints: 100, Groups: []string{"主功能区", "镇"},
		Params: map[string]float64{"fee": 20},
		Grades: []formulas.Grade{formulas.MinGrade(95, "优胜"), formulas.MinGrade(85, "合格"), formulas.MinGrade(0, "不合格")},
		Metrics: []formulas.Metric{
			{Code: "target", Title: "城乡居民医疗保险参保任务数", Type: "integer", Unit: "人", Min: pts(1)},
			{Code: "actual", Title: "城乡居民医疗保险参保人数", Type: "integer", Unit: "人", Min: min0},
			{Code: "cases", Title: "违规案件数", Type: "integer", Min: min0},
			{Code: "bonus_pts", Title: "表彰加分", Type: "number", Min: min0, Max: pts(5)},
			{Code: "late", Title: "迟报次数", Type: "integer", Min: min0},
		},
		Items: []formulas.Item{
			{Code: "enrol", Title: "医疗(照护)保险参保登记工作", MaxPoints: pts(40), Children: []formulas.Item{
				{Code: "res_enrol", Title: "城乡居民参保任务完成", MaxPoints: pts(30), Formula: "30 - 0.1 * ceil(below(rate, 100))"},
				{Code: "res_rank", Title: "参保率排名", MaxPoints: pts(10), Formula: "10 - (rank(rate, unit.group) - 1) * 0.01"},
			}},
			{Code: "fund", Title: "基金监管", MaxPoints: pts(60), Formula: "60 - 5 * cases"},
			{Code: "honour", Title: "表彰加分", Kind: "bonus", MaxPoints: pts(2), Formula: "bonus_pts"},
			{Code: "lateness", Title: "迟报扣分", Kind: "deduction", Formula: "late * 0.5"},
		},
		Outputs: []formulas.Output{
			{Code: "rate", Title: "参保率", Unit: "%", Formula: "pct(actual, target)"},
			{Code: "subsidy", Title: "参保补助", Unit: "元", Precision: ptr(2), Formula: "actual * params.fee / 100"},
			{Code: "award", Title: "奖项", Formula: `rank(total) <= 3 ? "一等奖" : ""`},
		},
	}
}

// benchSheet evaluates the bench scheme over n generated units, about 1 in 50 incomplete.
func benchSheet(tb testing.TB, n int) (*formulas.Program, []formulas.Unit, []formulas.Result) {
	tb.Helper()
	p, _, err := formulas.Compile(benchScheme())
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 2026))
	rows := make([]formulas.Row, n)
	units := make([]formulas.Unit, n)
	for i := range rows {
		units[i] = formulas.Unit{Code: fmt.Sprintf("u%06d", i), Name: fmt.Sprintf("第%d镇", i+1), Group: []string{"主功能区", "镇"}[rng.IntN(2)]}
		target := 1000 + rng.Int64N(89001)
		values := map[string]any{
			"target": target, "actual": target * (85000 + rng.Int64N(23001)) / 100000, "cases": rng.Int64N(4),
			"bonus_pts": float64(rng.IntN(11)) / 2, "late": rng.Int64N(3),
		}
		if rng.IntN(50) == 0 {
			delete(values, "actual")
		}
		rows[i] = formulas.Row{Unit: units[i], Values: values}
	}
	return p, units, p.Evaluate(rows).Results()
}

var benchSizes = []int{10_000, 100_000}

func BenchmarkWriteXLSX(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			p, _, results := benchSheet(b, n)
			meta := Meta{Revision: 1, Generated: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
			benchPeak(b, func() error { return WriteXLSX(io.Discard, p, results, meta) })
		})
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			p, _, results := benchSheet(b, n)
			benchPeak(b, func() error { return WriteCSV(io.Discard, p, results, CSVOptions{}) })
		})
	}
}

func BenchmarkWriteTemplateXLSX(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			p, units, _ := benchSheet(b, n)
			benchPeak(b, func() error { return WriteTemplateXLSX(io.Discard, p.Scheme(), units, nil, Meta{}) })
		})
	}
}

// BenchmarkReadValues imports a filled template of every unit, as XLSX and as CSV.
func BenchmarkReadValues(b *testing.B) {
	for _, n := range benchSizes {
		p, units, _ := benchSheet(b, n)
		s := p.Scheme()
		values := make(map[string]map[string]any, n)
		for i, u := range units {
			values[u.Code] = map[string]any{"target": float64(1000 + i), "actual": float64(900 + i), "cases": 1.0, "bonus_pts": 0.5, "late": 0.0}
		}
		var xlsx, csv bytes.Buffer
		if err := WriteTemplateXLSX(&xlsx, s, units, values, Meta{}); err != nil {
			b.Fatal(err)
		}
		if err := WriteTemplateCSV(&csv, s, units, values, i18n.ZH); err != nil {
			b.Fatal(err)
		}
		for _, file := range []struct {
			format string
			data   []byte
		}{{"xlsx", xlsx.Bytes()}, {"csv", csv.Bytes()}} {
			b.Run(fmt.Sprintf("%s/units=%d", file.format, n), func(b *testing.B) {
				b.SetBytes(int64(len(file.data)))
				benchPeak(b, func() error {
					got, err := ReadValues(file.data, "", "", s, units)
					if err == nil && len(got) != n {
						err = fmt.Errorf("%d units read, want %d", len(got), n)
					}
					return err
				})
			})
		}
	}
}

// benchPeak runs fn b.N times for time and allocations, then once more with the garbage
// collector at GOGC=5 to report peak-MB: the most heap that was live above what was live
// before (the results themselves), sampled every millisecond — the memory the export needs,
// not how far the collector let garbage pile up.
func benchPeak(b *testing.B, fn func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := fn(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()

	defer debug.SetGCPercent(debug.SetGCPercent(5))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if v := read(); v > base && v-base > peak.Load() {
					peak.Store(v - base)
				}
			}
		}
	})
	err := fn()
	close(done)
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
}
