package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/server"
)

// TestLoadUnitResults serves the benchmark rubric with 10,000 units on SQLite through a real
// HTTP server; 32 readers GET /results/{unit} of 50 units for 10 s while one writer changes
// two values of one of those units in every write, cases_a and cases_b always equal. It logs
// requests/s, p50 and p99 of the reads and the writes made, and fails if a reader saw the two
// values differ (half a change) or a data version older than one it had seen. It takes time,
// so it runs only with RUBRIC_LOAD=1:
//
//	RUBRIC_LOAD=1 go test -run TestLoadUnitResults -v ./server
func TestLoadUnitResults(t *testing.T) {
	if testing.Short() || os.Getenv("RUBRIC_LOAD") != "1" {
		t.Skip("a 10 s load test: set RUBRIC_LOAD=1 to run it")
	}
	const units, readers, watched, span = 10000, 32, 50, 10 * time.Second
	store := mustOpenStore(t)
	if _, _, err := store.CreateScheme(context.Background(), benchRubricDoc(t, units), "load", "load test"); err != nil {
		t.Fatal(err)
	}
	app := server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	base := "http://" + ln.Addr().String() + "/api/v1/schemes/bench"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: readers + 1}, Timeout: 30 * time.Second}
	call := func(method, url, body string) ([]byte, error) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", bearer(adminSecret))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s %s: status %d %.200s", method, url, resp.StatusCode, data)
		}
		return data, err
	}
	unit := func(i int) string { return fmt.Sprintf("u%06d", 1+i*(units/watched)) }
	write := func(i int) error {
		_, err := call("PATCH", base+"/units/"+unit(i%watched)+"/values", fmt.Sprintf(`{"cases_a": %d, "cases_b": %d}`, i%5, i%5))
		return err
	}
	for i := range watched { // every watched unit starts with cases_a = cases_b
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
		writes    atomic.Int64
		wg        sync.WaitGroup
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	start := time.Now()
	deadline := start.Add(span)
	wg.Add(1)
	go func() { // the writer
		defer wg.Done()
		for i := watched; time.Now().Before(deadline); i++ {
			if err := write(i); err != nil {
				fail("write: %v", err)
				return
			}
			writes.Add(1)
		}
	}()
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var seen int64
			for k := r; time.Now().Before(deadline); k++ {
				t0 := time.Now()
				data, err := call("GET", base+"/results/"+unit(k%watched), "")
				mine = append(mine, time.Since(t0))
				var res struct {
					DataVersion int64 `json:"data_version"`
					Result      struct {
						Cells map[string]any `json:"cells"`
					} `json:"result"`
				}
				if err == nil {
					err = json.Unmarshal(data, &res)
				}
				switch {
				case err != nil:
					fail("read: %v", err)
				case res.Result.Cells["cases_a"] != res.Result.Cells["cases_b"]:
					fail("half a change: %v", res.Result.Cells)
				case res.DataVersion < seen:
					fail("data version %d after %d", res.DataVersion, seen)
				}
				seen = max(seen, res.DataVersion)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	pct := percentiles(latencies)
	t.Logf("%d units, %d readers of /results/{unit}, 1 writer, %v: %d reads, %.1f reads/s; p50 %v, p99 %v, max %v; %d writes (%.1f/s); %d failures",
		units, readers, elapsed.Round(time.Millisecond), len(latencies), float64(len(latencies))/elapsed.Seconds(),
		pct(0.50), pct(0.99), pct(1), writes.Load(), float64(writes.Load())/elapsed.Seconds(), len(failures))
	if len(failures) > 0 {
		t.Errorf("%d failures, the first: %s", len(failures), failures[0])
	}
}
