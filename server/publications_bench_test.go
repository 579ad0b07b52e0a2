package server_test

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkPublications measures, on the 10,000-unit benchmark scheme (SQLite and PostgreSQL),
// against the baseline of GET /results recomputed after a value changed: publishing (POST
// /publications: read, evaluate, encode, hash and store the whole sheet), reading a
// publication (JSON), and the diff of a publication against the live sheet after one value
// changed (both sides evaluated).
func BenchmarkPublications(b *testing.B) { forEachBenchEngine(b, benchmarkPublications) }

func benchmarkPublications(b *testing.B, e *env) {
	do := func(b *testing.B, method, url, body string, header map[string]string, status int) {
		resp, err := e.app.Test(newRequest(method, url, body, "application/json", header), -1)
		if err != nil || resp.StatusCode != status {
			data, _ := io.ReadAll(resp.Body)
			b.Fatalf("%s %s: %v %v %s", method, url, resp.StatusCode, err, data)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.SetBytes(n)
	}
	change := func(b *testing.B, i int) {
		do(b, "PATCH", "/api/v1/schemes/bench/units/u00007/values", fmt.Sprintf(`{"late": %d}`, i%3),
			map[string]string{"X-Reason": "bench"}, 200)
	}
	b.Run("baseline-results-recomputed", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			change(b, i)
			b.StartTimer()
			do(b, "GET", "/api/v1/schemes/bench/results", "", nil, 200)
		}
	})
	b.Run("publish", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			do(b, "POST", "/api/v1/schemes/bench/publications", `{"layer":"final"}`, map[string]string{"X-Reason": "bench"}, 201)
		}
	})
	b.Run("get", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			do(b, "GET", "/api/v1/schemes/bench/publications/1", "", nil, 200)
		}
	})
	b.Run("diff-live", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			change(b, i+1)
			b.StartTimer()
			do(b, "GET", "/api/v1/schemes/bench/publications/1/diff/live", "", nil, 200)
		}
	})
}
