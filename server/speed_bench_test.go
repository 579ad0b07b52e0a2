package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// speedSizes are the roster sizes of BenchmarkSpeed: 10,000 units, and 100,000 with
// RUBRIC_BENCH_100K=1 (creating that scheme takes minutes, too long for every run).
func speedSizes() []int {
	if os.Getenv("RUBRIC_BENCH_100K") == "1" {
		return []int{10000, 100000}
	}
	return []int{10000}
}

// BenchmarkSpeed measures the cases of issue 15 through the HTTP handler on the benchmark
// rubric (docs/bench.md), on SQLite and PostgreSQL:
//
//   - patch-unit: PATCH one value of one unit, then GET that unit's result;
//
//   - patch-sheet: PATCH one value, then GET the whole results as JSON, uncompressed;
//
//   - cached-gzip: GET the whole results from the cache, gzip;
//
//   - import-csv: POST every value of every unit as one CSV (13 per unit), saved, changing one
//     value of every unit;
//
//   - baseline-full: what a value change cost before: read every value and evaluate the whole
//     sheet again, then write its JSON (server.ExportResults with a new cache).
//
//     go test -run '^$' -bench BenchmarkSpeed -benchtime 20x -count 5 ./server
//     RUBRIC_BENCH_100K=1 go test -run '^$' -bench BenchmarkSpeed -benchtime 5x -count 5 -timeout 2h ./server
func BenchmarkSpeed(b *testing.B) {
	for _, engine := range schematest.Engines(b) {
		for _, n := range speedSizes() {
			b.Run(fmt.Sprintf("%s/units=%d", engine, n), func(b *testing.B) {
				if engine == schematest.Postgres {
					schematest.StartPostgres(b)
				}
				benchmarkSpeed(b, engine, n)
			})
		}
	}
}

func benchmarkSpeed(b *testing.B, engine schematest.Engine, n int) {
	store := mustOpenStoreOn(b, engine)
	doc := benchRubricDoc(b, n)
	if _, _, err := store.CreateScheme(context.Background(), doc, "bench", "benchmark"); err != nil {
		b.Fatal(err)
	}
	app := server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})
	do := func(b *testing.B, method, url, body string, header map[string]string) []byte {
		resp, err := app.Test(newRequest(method, url, body, "", header), -1)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s %s: %d %.300s", method, url, resp.StatusCode, data)
		}
		return data
	}
	const base = "/api/v1/schemes/bench"
	do(b, "GET", base+"/results", "", nil) // the first evaluation
	// A change of cases_a moves the unit's total and with it its overall rank: every
	// column of the sheet after the metric is touched, the total rank across all units.
	patch := func(b *testing.B, i int) {
		unit := fmt.Sprintf("u%06d", 1+(i*7919)%n)
		do(b, "PATCH", base+"/units/"+unit+"/values", fmt.Sprintf(`{"cases_a": %d}`, i%5), nil)
	}
	step := 0
	b.Run("patch-unit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			step++
			patch(b, step)
			do(b, "GET", base+fmt.Sprintf("/results/u%06d", 1+(step*7919)%n), "", nil)
		}
	})
	b.Run("patch-sheet", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			step++
			patch(b, step)
			b.SetBytes(int64(len(do(b, "GET", base+"/results", "", nil))))
		}
	})
	b.Run("cached-gzip", func(b *testing.B) {
		gz := map[string]string{"Accept-Encoding": "gzip"}
		// The answer measured is gzipped (a sheet of short texts is, at any roster size).
		resp, err := app.Test(newRequest("GET", base+"/results", "", "", gz), -1)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
			b.Fatalf("GET results with Accept-Encoding gzip: %d, Content-Encoding %q", resp.StatusCode, enc)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.SetBytes(int64(len(do(b, "GET", base+"/results", "", gz))))
		}
	})
	b.Run("baseline-full", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var buf bytes.Buffer
			if err := server.ExportResults(context.Background(), store, &buf, "bench", "", "json", time.Time{}, i18n.ZH); err != nil {
				b.Fatal(err)
			}
		}
	})
	metrics := []string{"target_res", "actual_res", "target_emp", "actual_emp", "cases_a", "cases_b", "cases_c",
		"bonus_pts", "penalty_prov", "penalty_city", "penalty_county", "entered_people", "lectures"}
	files := make([]string, 2)
	for k := range files {
		var sb strings.Builder
		sb.WriteString("unit," + strings.Join(metrics, ",") + "\r\n")
		for _, u := range doc.Units {
			v := doc.Values["final"][u.Code]
			sb.WriteString(u.Code)
			for _, m := range metrics {
				x := v[m]
				if m == "lectures" {
					x = k + 1 // every unit's lectures change with every import
				}
				fmt.Fprintf(&sb, ",%v", x)
			}
			sb.WriteString("\r\n")
		}
		files[k] = sb.String()
	}
	b.Run("import-csv", func(b *testing.B) {
		b.SetBytes(int64(len(files[0])))
		for i := 0; i < b.N; i++ {
			body := do(b, "POST", base+"/values/import", files[i%2], map[string]string{"Content-Type": "text/csv"})
			if !bytes.Contains(body, []byte(fmt.Sprintf(`"changed":%d`, n))) && i > 0 {
				b.Fatalf("import: %.300s", body)
			}
		}
	})
}
