package server_test

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// memorySizes are the roster sizes of BenchmarkMemoryPerUnit; 100,000 with RUBRIC_BENCH_100K=1.
func memorySizes() []int {
	if os.Getenv("RUBRIC_BENCH_100K") == "1" {
		return []int{10000, 20000, 40000, 100000}
	}
	return []int{10000, 20000, 40000}
}

// BenchmarkMemoryPerUnit loads the benchmark rubric through the API at several roster sizes
// (the roster as a scheme document, every value as one CSV import, then GET /results and GET
// /results gzipped), each into a server and SQLite store of its own, and measures the Go heap
// the server holds afterwards: the live heap after a collection (runtime/metrics
// /gc/heap/live:bytes), less the live heap before the store was opened (the request files are
// alive in both). It reports bytes per unit at each size and fails if memory grows faster than
// the roster: the bytes per unit at every larger size may be at most 1.3 times those at the
// smallest (fixed costs make the smallest the dearest per unit, so a linear server passes
// with room; one holding something per pair of units, or a copy per change, does not).
//
//	go test -run '^$' -bench BenchmarkMemoryPerUnit -benchtime 1x ./server
//	RUBRIC_BENCH_100K=1 go test -run '^$' -bench BenchmarkMemoryPerUnit -benchtime 1x -timeout 1h ./server
func BenchmarkMemoryPerUnit(b *testing.B) {
	perUnit := map[int]float64{}
	sizes := memorySizes()
	for _, n := range sizes {
		b.Run(fmt.Sprintf("units=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				perUnit[n] = heapPerUnit(b, n)
			}
			b.ReportMetric(perUnit[n], "B/unit")
		})
	}
	base := perUnit[sizes[0]]
	for _, n := range sizes[1:] {
		if p := perUnit[n]; base > 0 && p > 1.3*base {
			b.Errorf("%d units hold %.0f B/unit, %.2f× the %.0f B/unit of %d units: memory grows faster than the roster", n, p, p/base, base, sizes[0])
		}
	}
}

// heapPerUnit loads n units as BenchmarkMemoryPerUnit describes and returns the live heap the
// server holds, per unit.
func heapPerUnit(b *testing.B, n int) float64 {
	doc, csv := bigSchemeFiles(b, n)
	before := liveHeap()
	store := mustOpenStoreOn(b, schematest.SQLite)
	app := server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})
	do := func(method, url, body string, header map[string]string) {
		resp, err := app.Test(newRequest(method, url, body, header["Content-Type"], header), -1)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			b.Fatalf("%s %s: %d %.300s", method, url, resp.StatusCode, data)
		}
	}
	do("POST", "/api/v1/schemes", doc, map[string]string{"Content-Type": "application/json"})
	do("POST", "/api/v1/schemes/bench/values/import", csv, map[string]string{"Content-Type": "text/csv"})
	do("GET", "/api/v1/schemes/bench/results", "", nil)
	do("GET", "/api/v1/schemes/bench/results", "", map[string]string{"Accept-Encoding": "gzip"})
	after := liveHeap()
	runtime.KeepAlive(app) // the server, its store and its cache are what is measured
	runtime.KeepAlive(doc) // the request files are in both measures
	runtime.KeepAlive(csv)
	b.Logf("%d units: live heap %.1f MB more after the import and the results (%.0f B/unit)", n, float64(after-before)/1e6, float64(after-before)/float64(n))
	return float64(after-before) / float64(n)
}

// liveHeap is the Go heap alive after a full collection.
func liveHeap() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
