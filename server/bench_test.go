package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// benchUnits is the roster size of the benchmark scheme.
const benchUnits = 10000

// newBenchEnv is a server with one scheme of benchUnits units in 10 groups, ranked within
// their groups, every value entered.
func newBenchEnv(b *testing.B) *env {
	b.Helper()
	return newBenchEnvOn(b, schematest.SQLite)
}

// newBenchEnvOn is newBenchEnv on a new database of the given engine.
func newBenchEnvOn(b *testing.B, engine schematest.Engine) *env {
	b.Helper()
	store := mustOpenStoreOn(b, engine)
	five, four := 5.0, 4.0
	doc := &schema.Document{Scheme: formulas.Scheme{
		Code: "bench", Title: "Benchmark", TotalPoints: 14,
		Groups: []string{"g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9"},
		Grades: []formulas.Grade{formulas.MinGrade(12, "A"), formulas.MinGrade(8, "B"), formulas.MinGrade(0, "C")},
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
	return &env{store: store, app: server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})}
}

// BenchmarkResults measures GET /results of a 10,000-unit scheme as JSON and CSV, served from
// the cache and recomputed after a value changed, on SQLite and on PostgreSQL.
func BenchmarkResults(b *testing.B) { forEachBenchEngine(b, benchmarkResults) }

func benchmarkResults(b *testing.B, e *env) {
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

// BenchmarkImport measures POST /values/import of a 10,000-unit template: the CSV and XLSX
// templates as downloaded (a dry run: every value read and compared, nothing changes), and a
// CSV that changes one value of every unit, saved.
func BenchmarkImport(b *testing.B) {
	e := newBenchEnv(b)
	post := func(b *testing.B, url string, file []byte, want string) {
		resp, err := e.app.Test(newRequest("POST", url, string(file), "application/octet-stream", nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			b.Fatalf("POST %s: %d %.300s", url, resp.StatusCode, body)
		}
	}
	for _, format := range []string{"csv", "xlsx"} {
		resp, err := e.app.Test(newRequest("GET", "/api/v1/schemes/bench/template?format="+format, "", "", nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		file, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		b.Run(format+"/dry-run", func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			for i := 0; i < b.N; i++ {
				post(b, "/api/v1/schemes/bench/values/import?dry_run=true", file, `"changed":0,`)
			}
		})
	}
	files := make([][]byte, 2)
	for k := range files {
		var buf bytes.Buffer
		buf.WriteString("unit,late\r\n")
		for i := 0; i < benchUnits; i++ {
			fmt.Fprintf(&buf, "u%05d,%d\r\n", i, 3+(i+k)%2)
		}
		files[k] = buf.Bytes()
	}
	n := 1 // the file imported last
	post(b, "/api/v1/schemes/bench/values/import", files[n], `"changed":10000,`)
	b.Run("csv/save-10000-changes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			n = 1 - n
			post(b, "/api/v1/schemes/bench/values/import", files[n], `"changed":10000,`)
		}
	})
}
