package server_test

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkValueWrites measures PATCH …/units/{unit}/values (two values of one unit, each
// request a transaction with its history entries) on the 10,000-unit scheme of
// BenchmarkResults, one writer at a time and from parallel writers, on SQLite and PostgreSQL.
func BenchmarkValueWrites(b *testing.B) { forEachBenchEngine(b, benchmarkValueWrites) }

func benchmarkValueWrites(b *testing.B, e *env) {
	var n atomic.Int64
	write := func(b *testing.B) {
		i := n.Add(1)
		url := fmt.Sprintf("/api/v1/schemes/bench/units/u%05d/values", i%benchUnits)
		body := fmt.Sprintf(`{"actual": %d, "late": %d}`, 900+i%200, i%3)
		resp, err := e.app.Test(newRequest("PATCH", url, body, "", nil), -1)
		if err != nil || resp.StatusCode != 200 {
			b.Errorf("PATCH %s: %v %v", url, resp.StatusCode, err)
			return
		}
		resp.Body.Close()
	}
	b.Run("serial", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			write(b)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(4) // 4 × GOMAXPROCS writers
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				write(b)
			}
		})
	})
}
