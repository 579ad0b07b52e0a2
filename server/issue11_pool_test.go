package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// poolServer is a real HTTP server on a PostgreSQL database whose store has a small pool, with
// the tiny scheme, and the URL of that database.
func poolServer(t *testing.T, opts schema.Options) (base, dsn string, store *schema.Store) {
	t.Helper()
	dsn = schematest.DSN(t, schematest.Postgres)
	store, err := schema.OpenWith(context.Background(), dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.EnsureAdminToken(context.Background(), adminSecret); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, store, mustRead(t, "testdata/tiny.json"), false)
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "request failed") {
					t.Log(line)
				}
			}
		}
	})
	app := server.New(store, server.Config{RateLimit: -1, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String(), dsn, store
}

// tally counts answers by status and keeps the values whose writes were acknowledged.
type tally struct {
	mu       sync.Mutex
	statuses map[int]int
	acked    map[string]bool // "unit=value" of every 200 PATCH
	bad      []string
}

func (ty *tally) add(status int, body []byte, retryAfter string, ack string) {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	ty.statuses[status]++
	switch {
	case status == 200 && ack != "":
		ty.acked[ack] = true
	case status == 503 && retryAfter == "":
		ty.bad = append(ty.bad, "a 503 without Retry-After: "+string(body))
	case status != 200 && status != 503:
		ty.bad = append(ty.bad, fmt.Sprintf("%d %.300s", status, body))
	}
}

// load runs clients concurrent clients, each making n requests (results, explanation,
// history, a write of a value of its own) against base, until done.
func load(t *testing.T, base string, clients, n int, ty *tally) {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var wg sync.WaitGroup
	var seq atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unit := []string{"u1", "u2", "u3"}[c%3]
			for i := range n {
				method, path, body, ack := "GET", "/api/v1/schemes/tiny/results", "", ""
				switch i % 4 {
				case 1:
					path = "/api/v1/schemes/tiny/results/" + unit
				case 2:
					path = "/api/v1/schemes/tiny/history?limit=5"
				case 3:
					v := seq.Add(1)
					method, path, body = "PATCH", "/api/v1/schemes/tiny/units/"+unit+"/values", fmt.Sprintf(`{"spare": %d}`, v)
					ack = fmt.Sprintf("%s=%d", unit, v)
				}
				req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
				req.Header.Set("Authorization", bearer(adminSecret))
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := hc.Do(req)
				if err != nil {
					ty.mu.Lock()
					ty.bad = append(ty.bad, err.Error())
					ty.mu.Unlock()
					continue
				}
				data, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				ty.add(resp.StatusCode, data, resp.Header.Get("Retry-After"), ack)
			}
		}()
	}
	wg.Wait()
}

// checkAcked fails unless every acknowledged write is in the value history.
func checkAcked(t *testing.T, store *schema.Store, ty *tally) {
	t.Helper()
	stored := map[string]bool{}
	for p := (schema.Page{Limit: schema.MaxLimit}); ; p.Offset += p.Limit {
		entries, total, err := store.ValueHistory(context.Background(), "tiny", schema.HistoryFilter{Metric: "spare"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			stored[fmt.Sprintf("%s=%v", e.Unit, e.New)] = true
		}
		if p.Offset+p.Limit >= total {
			break
		}
	}
	for ack := range ty.acked {
		if !stored[ack] {
			t.Errorf("the acknowledged write %s is not in the value history", ack)
		}
	}
}

// TestIssue11PoolUnderLoad: 200 concurrent clients on one process whose pool has 8
// connections: every answer is a 200 or a 503 with Retry-After, none a 500 (the unbounded pool
// answered 523 of 1,600 requests with "too many clients"), and every acknowledged write is
// stored.
func TestIssue11PoolUnderLoad(t *testing.T) {
	base, dsn, store := poolServer(t, schema.Options{MaxConns: 8, AcquireTimeout: 2 * time.Second})
	admin, dbName := adminOf(t, dsn)
	ty := &tally{statuses: map[int]int{}, acked: map[string]bool{}}
	stop := make(chan struct{})
	var most int
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			var n int
			// Client backends only: an autovacuum worker the writes start is also in
			// pg_stat_activity under the database's name, but is not one of the pool's.
			if err := admin.QueryRow("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + dbName + "' AND backend_type = 'client backend'").Scan(&n); err == nil {
				most = max(most, n)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	load(t, base, 200, 8, ty)
	close(stop)
	<-sampled
	t.Logf("answers by status: %v; at most %d connections to the database", ty.statuses, most)
	if most > 8 {
		t.Errorf("%d connections to the database, more than the pool's 8", most)
	}
	for _, b := range ty.bad {
		t.Error(b)
	}
	if ty.statuses[200] == 0 {
		t.Error("no request succeeded")
	}
	checkAcked(t, store, ty)
}

// TestIssue11PostgresRestart: while 50 clients keep the server busy, every connection to the
// database is terminated (57P01, as a restart does) and new ones refused for half a second,
// twice: every answer is a 200 or a 503 with Retry-After, never a 500; /healthz says 503 while
// the database is away and 200 once it is back; no acknowledged write is lost.
func TestIssue11PostgresRestart(t *testing.T) {
	base, dsn, store := poolServer(t, schema.Options{MaxConns: 8, AcquireTimeout: 2 * time.Second})
	admin, dbName := adminOf(t, dsn)
	ctx := context.Background()
	health := func() int {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	ty := &tally{statuses: map[int]int{}, acked: map[string]bool{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		load(t, base, 50, 24, ty)
	}()
	var healthDown, healthUp []int
	for range 2 {
		time.Sleep(300 * time.Millisecond)
		if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+dbName+" ALLOW_CONNECTIONS false"); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+dbName+"' AND backend_type = 'client backend'"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		healthDown = append(healthDown, health())
		time.Sleep(400 * time.Millisecond)
		if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+dbName+" ALLOW_CONNECTIONS true"); err != nil {
			t.Fatal(err)
		}
		healthUp = append(healthUp, health())
	}
	<-done
	t.Logf("answers by status: %v; /healthz while away %v, once back %v", ty.statuses, healthDown, healthUp)
	for _, b := range ty.bad {
		t.Error(b)
	}
	for i := range healthDown {
		if healthDown[i] != 503 || healthUp[i] != 200 {
			t.Errorf("/healthz: %d while away, %d once back; want 503, 200", healthDown[i], healthUp[i])
		}
	}
	if ty.statuses[200] == 0 {
		t.Error("no request succeeded")
	}
	checkAcked(t, store, ty)
}

// adminOf opens a superuser pool on the server of dsn (its postgres database) and returns it
// with the name of dsn's database.
func adminOf(t *testing.T, dsn string) (*sql.DB, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(u.String())))
	t.Cleanup(func() { admin.Close() })
	return admin, name
}
