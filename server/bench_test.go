package server_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// benchUnits is the roster size of the benchmark scheme.
const benchUnits = 10000

// newBenchEnv is a server with one scheme of benchUnits units in 10 groups, ranked within
// their groups, every value entered.
func newBenchEnv(b *testing.B) *env {
	b.Helper()
	store := mustOpenStore(b)
	five, four := 5.0, 4.0
	doc := &schema.Document{Scheme: formulas.Scheme{
		Code: "bench", Title: "Benchmark", TotalPoints: 14,
		Groups: []string{"g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9"},
		Grades: []formulas.Grade{{Min: 12, Label: "A"}, {Min: 8, Label: "B"}, {Min: 0, Label: "C"}},
		Metrics: []formulas.Metric{
			{Code: "target", Title: "Target", Type: "integer"},
			{Code: "actual", Title: "Actual", Type: "integer"},
			{Code: "late", Title: "Late", Type: "integer"},
		},
		Items: []formulas.Item{
			{Code: "done", Title: "Done", MaxPoints: &five, Formula: "5 - 0.1 * ceil(below(rate, 100))"},
			{Code: "place", Title: "Place", MaxPoints: &five, Formula: "5 - (rank(rate, unit.group) - 1) * 0.01"},
			{Code: "ontime", Title: "On time", MaxPoints: &four, Formula: "4 - late"},
		},
		Outputs: []formulas.Output{{Code: "rate", Title: "Rate", Unit: "%", Formula: "pct(actual, target)"}},
	}}
	doc.Values = map[string]map[string]map[string]any{"final": {}}
	for i := 0; i < benchUnits; i++ {
		code := fmt.Sprintf("u%05d", i)
		doc.Units = append(doc.Units, formulas.Unit{Code: code, Name: "Unit " + code, Group: fmt.Sprintf("g%d", i%10)})
		doc.Values["final"][code] = map[string]any{"target": 1000, "actual": 900 + i%200, "late": i % 3}
	}
	if _, _, err := store.CreateScheme(context.Background(), doc, "bench", "benchmark"); err != nil {
		b.Fatal(err)
	}
	return &env{store: store, app: server.New(store, server.Config{Logger: discardLogger()})}
}

// BenchmarkResults measures GET /results of a 10,000-unit scheme as JSON and CSV, served from
// the cache and recomputed after a value changed.
func BenchmarkResults(b *testing.B) {
	e := newBenchEnv(b)
	get := func(b *testing.B, url string) {
		resp, err := e.app.Test(newRequest("GET", url, "", "", nil), -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET %s: %v %v", url, resp.StatusCode, err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.SetBytes(n)
	}
	for _, format := range []string{"json", "csv"} {
		url := "/api/v1/schemes/bench/results?format=" + format
		b.Run(format+"/cached", func(b *testing.B) {
			get(b, url)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				get(b, url)
			}
		})
		b.Run(format+"/after-change", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := e.store.PatchValues(context.Background(), "bench", "u00007", "", map[string]any{"late": i % 3, "actual": 900 + i%50}, "bench"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				get(b, url)
			}
		})
	}
}
