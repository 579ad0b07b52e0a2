package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// Load test shape: the GET /results benchmark.
const (
	loadUnits   = 10000
	loadReaders = 32
	loadTime    = 15 * time.Second
)

// TestLoadResults serves a 10,000-unit scheme on SQLite through a real HTTP server and has 32
// readers GET its results (the whole sheet as JSON) for 15 s, then logs requests/s and the
// p50, p99 and maximum latency. It takes time, so it runs only with RUBRIC_LOAD=1:
//
//	RUBRIC_LOAD=1 go test -run TestLoadResults -v ./server
//
// Every answer must be a 200 with the whole sheet.
func TestLoadResults(t *testing.T) {
	if testing.Short() || os.Getenv("RUBRIC_LOAD") != "1" {
		t.Skip("a 15 s load test: set RUBRIC_LOAD=1 to run it")
	}
	store := mustOpenStore(t)
	if _, _, err := store.CreateScheme(context.Background(), loadDocument(), "load", "load test"); err != nil {
		t.Fatal(err)
	}
	app := server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	url := "http://" + ln.Addr().String() + "/api/v1/schemes/load/results"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadReaders}, Timeout: 30 * time.Second}

	get := func() (int64, error) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", bearer(adminSecret))
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return n, err
	}
	start := time.Now()
	size, err := get() // the first computes the sheet; the load reads it from the cache
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first GET (computes the sheet): %v, %d bytes", time.Since(start).Round(time.Millisecond), size)

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []error
		wg        sync.WaitGroup
	)
	start = time.Now()
	deadline := start.Add(loadTime)
	for range loadReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				n, err := get()
				mine = append(mine, time.Since(t0))
				if err == nil && n != size {
					err = fmt.Errorf("%d bytes, want %d", n, size)
				}
				if err != nil {
					mu.Lock()
					failures = append(failures, err)
					mu.Unlock()
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	pct := percentiles(latencies)
	t.Logf("%d units, %d readers, %v: %d requests, %.1f requests/s, %.1f MB/s; latency p50 %v, p99 %v, max %v; %d failed",
		loadUnits, loadReaders, elapsed.Round(time.Millisecond), len(latencies), float64(len(latencies))/elapsed.Seconds(),
		float64(int64(len(latencies))*size)/elapsed.Seconds()/1e6, pct(0.50), pct(0.99), pct(1), len(failures))
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed, the first: %v", len(failures), len(latencies), failures[0])
	}
}

// loadDocument is a scheme of loadUnits units in 10 groups, ranked within their groups, with
// every value entered (the shape of BenchmarkResults).
func loadDocument() *schema.Document {
	five, four := 5.0, 4.0
	doc := &schema.Document{Scheme: formulas.Scheme{
		Code: "load", Title: "Load", TotalPoints: 14,
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
	for i := range loadUnits {
		code := fmt.Sprintf("u%05d", i)
		doc.Units = append(doc.Units, formulas.Unit{Code: code, Name: "Unit " + code, Group: fmt.Sprintf("g%d", i%10)})
		doc.Values["final"][code] = map[string]any{"target": 1000, "actual": 900 + i%200, "late": i % 3}
	}
	return doc
}

// percentiles sorts latencies and returns the p-th percentile (0 ≤ p ≤ 1, nearest rank below)
// rounded to 10 µs, shared by the load tests' reports.
func percentiles(latencies []time.Duration) func(p float64) time.Duration {
	slices.Sort(latencies)
	return func(p float64) time.Duration {
		return latencies[int(p*float64(len(latencies)-1))].Round(10 * time.Microsecond)
	}
}
