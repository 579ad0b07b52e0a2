package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/seeds"
)

// TestMain stops the PostgreSQL cluster the tests started, if any.
func TestMain(m *testing.M) { schematest.Main(m) }

// TestTwoProcesses is issue 8's end-to-end test: two real `rubric serve` processes on
// different loopback ports share one new PostgreSQL database, as behind a load balancer. Both
// start at the same moment (the migrations and the seeds are applied once); what is written
// through one — a value, a formula, a batch of values, an imported spreadsheet — is read
// through the other at once;
// 50 writers split across both make 20 value writes each while readers read, and every
// acknowledged write is there, no answer is a 5xx, and both serve the same results, byte for
// byte. It logs how soon a change made through A is seen through B and the hit rate of the
// results caches. It skips without PostgreSQL, unless RUBRIC_REQUIRE_POSTGRES=1.
func TestTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := schematest.DSN(t, schematest.Postgres)
	bin := filepath.Join(t.TempDir(), "rubric")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	procs := startServers(t, bin, db, 2)
	a, b := procs[0], procs[1]
	defer a.stop(t)
	defer b.stop(t)
	c := newClient(ctx)

	// The seeds were loaded once, by one of the two.
	for _, p := range procs {
		var list struct{ Total int }
		c.json(t, p, "GET", "/api/v1/schemes", "", nil, 200, &list)
		if list.Total != len(seeds.Names()) {
			t.Fatalf("%s: %d schemes, want %d", p.url, list.Total, len(seeds.Names()))
		}
	}
	var revs struct{ Total int }
	c.json(t, b, "GET", "/api/v1/schemes/rugao-2022-medical/revisions", "", nil, 200, &revs)
	if revs.Total != 1 {
		t.Errorf("the seed has %d revisions, want 1: both processes seeded it", revs.Total)
	}

	// A value through A, read through B.
	const rugao = "/api/v1/schemes/rugao-2022-medical"
	before := c.results(t, b, rugao, "shizhuang")
	c.json(t, a, "PATCH", rugao+"/units/shizhuang/values", `{"res_actual": 44000}`, nil, 200, nil)
	after := c.results(t, b, rugao, "shizhuang")
	if after.DataVersion == before.DataVersion || after.Cells["res_rate"] == before.Cells["res_rate"] {
		t.Errorf("B does not see the value written through A: %+v, then %+v", before, after)
	}
	// A formula through B (If-Match the revision read through A), read through A.
	var item struct{ Formula string }
	tag := c.json(t, a, "GET", rugao+"/items/res_enrol", "", nil, 200, &item)
	if tag != `"r1"` {
		t.Errorf("item ETag %q, want \"r1\"", tag)
	}
	c.json(t, b, "PATCH", rugao+"/items/res_enrol", `{"formula": "0.2 * ceil(below(res_rate, 100))"}`, ifMatchHeader(tag), 200, nil)
	if got := c.results(t, a, rugao, "shizhuang"); got.Revision != 2 || got.Cells["res_enrol"] != 0.8 {
		t.Errorf("A does not see the formula changed through B: revision %d, res_enrol %v (was %v)", got.Revision, got.Cells["res_enrol"], after.Cells["res_enrol"])
	}
	c.json(t, a, "PATCH", rugao+"/items/res_enrol", `{"formula": "0.3 * ceil(below(res_rate, 100))"}`, ifMatchHeader(tag), 412, nil)
	// A batch of values through A, read through B.
	c.json(t, a, "POST", rugao+"/values", `{"values": {"dingyan": {"res_actual": 30000}, "shizhuang": {"res_actual": 45000}}}`, nil, 200, nil)
	var values struct {
		Values map[string]struct{ Value any }
	}
	c.json(t, b, "GET", rugao+"/units/dingyan/values", "", nil, 200, &values)
	if v := values.Values["res_actual"].Value; v != 30000.0 {
		t.Errorf("B reads dingyan's res_actual %v, want 30000", v)
	}
	c.sameResults(t, a, b, rugao+"/results")
	// A spreadsheet imported through B (CSV, all or nothing), read through A.
	csv := "单位代码,res_actual\nbaipu,31000\nwuyao,32000\n"
	c.json(t, b, "POST", rugao+"/values/import", csv, map[string]string{"Content-Type": "text/csv"}, 200, nil)
	for unit, want := range map[string]float64{"baipu": 31000, "wuyao": 32000} {
		var got struct {
			Values map[string]struct{ Value any }
		}
		c.json(t, a, "GET", rugao+"/units/"+unit+"/values", "", nil, 200, &got)
		if v := got.Values["res_actual"].Value; v != want {
			t.Errorf("A reads %s's res_actual %v after the import through B, want %v", unit, v, want)
		}
	}
	c.sameResults(t, a, b, rugao+"/results")

	// How soon a change through A is seen through B: each round writes through A, then reads
	// through B until the value shows.
	var seen []time.Duration
	rate := c.results(t, b, rugao, "shizhuang").Cells["res_rate"]
	for i := range 20 {
		c.json(t, a, "PATCH", rugao+"/units/shizhuang/values", fmt.Sprintf(`{"res_actual": %d}`, 43000+i), nil, 200, nil)
		written := time.Now()
		for tries := 0; ; tries++ {
			if r := c.results(t, b, rugao, "shizhuang"); r.Cells["res_rate"] != rate {
				rate = r.Cells["res_rate"]
				if tries > 0 {
					t.Errorf("round %d: B showed the old value %d times", i, tries)
				}
				break
			}
			if tries == 100 {
				t.Fatalf("round %d: B never saw the value written through A", i)
			}
		}
		seen = append(seen, time.Since(written))
	}
	var v struct {
		Values map[string]struct{ Value any }
	}
	c.json(t, b, "GET", rugao+"/units/shizhuang/values", "", nil, 200, &v)
	if got := v.Values["res_actual"].Value; got != float64(43019) {
		t.Errorf("B reads shizhuang's res_actual %v, want 43019", got)
	}
	slices.Sort(seen)
	t.Logf("a value written through A is in B's next results: median %v, max %v over %d rounds (one read of B, re-evaluating 14 units)",
		seen[len(seen)/2].Round(time.Microsecond), seen[len(seen)-1].Round(time.Microsecond), len(seen))

	// The cache of each process over reads without writes: one evaluation per process, then hits.
	c.resetCache()
	for i := range 200 {
		c.results(t, procs[i%2], rugao, "shizhuang")
	}
	t.Logf("200 reads, no writes, alternating A and B: %s", c.cacheStats())

	// 50 writers × 20 value writes, split across both processes, and readers alongside.
	c.json(t, a, "POST", "/api/v1/schemes", loadScheme, nil, 201, nil)
	const load = "/api/v1/schemes/load"
	const writers, writes = 50, 20
	c.resetCache()
	var (
		wg      sync.WaitGroup
		done    = make(chan struct{})
		readers sync.WaitGroup
		acked   atomic.Int64
	)
	for r := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				c.try(procs[(r+i)%2], "GET", load+"/results", "", nil)
			}
		}()
	}
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := procs[w%2] // writers of one unit write through both processes
			url := fmt.Sprintf("%s/units/u%d/values", load, w/5)
			for i := 1; i <= writes; i++ {
				if status, _ := c.try(p, "PATCH", url, fmt.Sprintf(`{"m%d": %d}`, w%5, i), nil); status != 200 {
					return // try recorded it
				}
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	readers.Wait()
	for _, f := range c.failures() {
		t.Error(f)
	}
	t.Logf("%d writers × %d value writes through 2 processes: %d acknowledged in %v (%.0f writes/s), %d reads alongside; %s",
		writers, writes, acked.Load(), elapsed.Round(time.Millisecond), float64(acked.Load())/elapsed.Seconds(), c.requests("GET"), c.cacheStats())
	// Every acknowledged write is there: each cell holds its writer's last value and has one
	// history entry per write.
	for u := range writers / 5 {
		var v struct {
			Values map[string]struct{ Value any }
		}
		c.json(t, procs[u%2], "GET", fmt.Sprintf("%s/units/u%d/values", load, u), "", nil, 200, &v)
		for m := range 5 {
			if got := v.Values[fmt.Sprintf("m%d", m)].Value; got != float64(writes) {
				t.Errorf("u%d.m%d = %v, want %d", u, m, got, writes)
			}
		}
	}
	var history struct{ Total int }
	c.json(t, b, "GET", load+"/values/history?limit=1", "", nil, 200, &history)
	if history.Total != writers*writes {
		t.Errorf("%d history entries, want %d: acknowledged writes are missing", history.Total, writers*writes)
	}
	body := c.sameResults(t, a, b, load+"/results")
	var sheet struct {
		Units []struct {
			Complete bool
			Total    *float64
		}
	}
	if err := json.Unmarshal(body, &sheet); err != nil {
		t.Fatal(err)
	}
	for i, u := range sheet.Units {
		if !u.Complete || u.Total == nil || *u.Total != 50 {
			t.Errorf("unit u%d: complete %v, total %v, want 50", i, u.Complete, u.Total)
		}
	}
	if t.Failed() {
		t.Logf("A's log:\n%s\nB's log:\n%s", tail(a.logs.String()), tail(b.logs.String()))
	}
}

// loadScheme has 10 units of 5 metrics each: 50 cells, one per writer.
var loadScheme = func() string {
	var metrics, items, units []string
	for m := range 5 {
		metrics = append(metrics, fmt.Sprintf(`{"code": "m%d", "title": "M%d", "type": "integer", "min": 0}`, m, m))
		items = append(items, fmt.Sprintf(`{"code": "i%d", "title": "I%d", "max_points": 10, "formula": "min(m%d, 10)"}`, m, m, m))
	}
	for u := range 10 {
		units = append(units, fmt.Sprintf(`{"code": "u%d", "name": "U%d"}`, u, u))
	}
	return `{"code": "load", "title": "Load", "total_points": 50, "metrics": [` + strings.Join(metrics, ", ") +
		`], "items": [` + strings.Join(items, ", ") + `], "units": [` + strings.Join(units, ", ") + `]}`
}()

// startServers starts n `rubric serve` on free loopback ports against one database, all at
// the same moment, and waits until each listens.
func startServers(t *testing.T, bin, db string, n int) []*process {
	t.Helper()
	urls := make(chan string, n)
	procs := make([]*process, n)
	for i := range procs {
		cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-db", db, "-log", "json")
		cmd.Env = append(os.Environ(), "RUBRIC_ADDR=", "RUBRIC_DB=", "RUBRIC_ADMIN_TOKEN="+testAdminToken, "RUBRIC_RATE_LIMIT=off")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		p := &process{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
		procs[i] = p
		listening := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stderr)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				line := sc.Text()
				p.logs.WriteString(line + "\n")
				var rec struct{ Msg, URL string }
				if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
					listening <- rec.URL
				}
			}
			io.Copy(io.Discard, stderr)
			p.done <- cmd.Wait()
		}()
		go func() {
			if u, ok := <-listening; ok {
				urls <- fmt.Sprintf("%d %s", i, u)
			}
		}()
	}
	for _, p := range procs {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, p := range procs {
			if p.cmd.ProcessState == nil {
				p.cmd.Process.Kill()
			}
		}
	})
	deadline := time.After(time.Minute)
	for range n {
		select {
		case s := <-urls:
			var i int
			var u string
			fmt.Sscanf(s, "%d %s", &i, &u)
			procs[i].url = u
		case <-deadline:
			for _, p := range procs {
				t.Logf("%s", p.logs.String())
			}
			t.Fatal("rubric serve did not listen in time")
		}
	}
	return procs
}

// client sends requests to the processes, bounded by one context, and keeps what the test
// reports: failures of concurrent requests, and how the results caches answered.
type client struct {
	ctx  context.Context
	http *http.Client

	mu    sync.Mutex
	fails []string
	cache map[string]int // X-Rubric-Cache → answers
	reqs  map[string]int // method → requests
}

func newClient(ctx context.Context) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 100
	return &client{ctx: ctx, http: &http.Client{Transport: tr, Timeout: time.Minute}, cache: map[string]int{}, reqs: map[string]int{}}
}

// try sends one request and returns its status and body; a transport error, a 5xx or an
// unexpected status is recorded as a failure.
func (c *client) try(p *process, method, path, body string, header map[string]string) (int, []byte) {
	status, _, data, err := c.send(p, method, path, body, header)
	switch {
	case err != nil && c.ctx.Err() != nil:
		c.fail("%s %s%s: out of time: %v", method, p.url, path, err)
	case err != nil:
		c.fail("%s %s%s: %v", method, p.url, path, err)
	case status >= 500 || (status != 200 && status != 304):
		c.fail("%s %s%s: %d %s", method, p.url, path, status, data)
	}
	return status, data
}

func (c *client) send(p *process, method, path, body string, header map[string]string) (int, http.Header, []byte, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, p.url+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	c.mu.Lock()
	c.reqs[method]++
	if h := resp.Header.Get("X-Rubric-Cache"); h != "" {
		c.cache[h]++
	}
	c.mu.Unlock()
	return resp.StatusCode, resp.Header, data, err
}

// json sends one request from the test goroutine, checks its status, decodes its body into v
// and returns its ETag.
func (c *client) json(t *testing.T, p *process, method, path, body string, header map[string]string, status int, v any) string {
	t.Helper()
	got, h, data, err := c.send(p, method, path, body, header)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, p.url, path, err)
	}
	if got != status {
		t.Fatalf("%s %s%s: %d, want %d: %s", method, p.url, path, got, status, data)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s %s%s: %v", method, p.url, path, err)
		}
	}
	return h.Get("ETag")
}

// unitRow is one unit's row of a sheet.
type unitRow struct {
	Revision    int
	DataVersion int64 `json:"data_version"`
	Total       any
	Cells       map[string]any
}

// results reads one unit's row of a scheme's results (path is the scheme's URL).
func (c *client) results(t *testing.T, p *process, path, unit string) unitRow {
	t.Helper()
	var s struct {
		Revision    int
		DataVersion int64 `json:"data_version"`
		Units       []struct {
			Unit  struct{ Code string }
			Total any
			Cells map[string]any
		}
	}
	c.json(t, p, "GET", path+"/results?units="+unit, "", nil, 200, &s)
	if len(s.Units) != 1 {
		t.Fatalf("results of %s: %d units", unit, len(s.Units))
	}
	return unitRow{Revision: s.Revision, DataVersion: s.DataVersion, Total: s.Units[0].Total, Cells: s.Units[0].Cells}
}

// sameResults reads path through a and b and checks that both answer the same body.
func (c *client) sameResults(t *testing.T, a, b *process, path string) []byte {
	t.Helper()
	_, _, bodyA, errA := c.send(a, "GET", path, "", nil)
	_, _, bodyB, errB := c.send(b, "GET", path, "", nil)
	if errA != nil || errB != nil {
		t.Fatalf("GET %s: %v, %v", path, errA, errB)
	}
	if string(bodyA) != string(bodyB) {
		t.Errorf("GET %s: the processes answer differently:\nA: %.500s\nB: %.500s", path, bodyA, bodyB)
	}
	return bodyA
}

func (c *client) fail(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.fails) < 20 {
		c.fails = append(c.fails, fmt.Sprintf(format, args...))
	}
}

func (c *client) failures() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.fails)
}

func (c *client) requests(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reqs[method]
}

func (c *client) resetCache() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.cache)
	clear(c.reqs)
}

// cacheStats tells how the results caches answered since resetCache: each miss is one
// evaluation of a sheet.
func (c *client) cacheStats() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.cache["hit"] + c.cache["miss"] + c.cache["shared"]
	if n == 0 {
		return "no results read"
	}
	return fmt.Sprintf("results cache: %d reads, %d hits (%.1f%%), %d evaluations, %d waited for another read's evaluation",
		n, c.cache["hit"], 100*float64(c.cache["hit"])/float64(n), c.cache["miss"], c.cache["shared"])
}

// ifMatchHeader is the If-Match header for an ETag.
func ifMatchHeader(tag string) map[string]string { return map[string]string{"If-Match": tag} }

// tail is the end of a log.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}
