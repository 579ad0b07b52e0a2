package schema

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestMain stops the PostgreSQL cluster that the tests started, if any.
func TestMain(m *testing.M) { testdb.Main(m) }

// testEpoch is the first time of a test store's clock, which ticks a second per reading.
var testEpoch = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// forEachEngine runs test once per database engine, as subtests named for the engine
// (TestValues/sqlite/OKPut, TestValues/postgres/OKPut), the engines side by side. The
// postgres subtests skip together, saying why, when PostgreSQL is not available, or fail if
// RUBRIC_REQUIRE_POSTGRES=1.
func forEachEngine(t *testing.T, test func(t *testing.T, e testdb.Engine)) {
	t.Helper()
	t.Parallel()
	for _, e := range testdb.Engines(t) {
		t.Run(e.String(), func(t *testing.T) {
			if e == testdb.Postgres {
				testdb.StartPostgres(t)
			}
			t.Parallel()
			test(t, e)
		})
	}
}

// mustOpenStore opens a store on a new database of engine e (an SQLite file in a temporary
// directory, or a PostgreSQL database dropped after the test), with a clock that starts at
// testEpoch and advances one second each time it is read.
func mustOpenStore(tb testing.TB, e testdb.Engine) *Store {
	tb.Helper()
	s, err := Open(context.Background(), testdb.DSN(tb, e))
	if err != nil {
		tb.Fatal(err)
	}
	var ticks atomic.Int64
	s.Now = func() time.Time { return testEpoch.Add(time.Duration(ticks.Add(1)-1) * time.Second) }
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// mustCreateScheme saves testdata/scheme.yaml (code test-medical) in s.
func mustCreateScheme(tb testing.TB, s *Store) *Document {
	tb.Helper()
	doc := mustLoadDoc(tb)
	if _, _, err := s.CreateScheme(context.Background(), doc, "alice", "first version"); err != nil {
		tb.Fatal(err)
	}
	return doc
}

// mustVersion returns a scheme's revision and data version.
func mustVersion(tb testing.TB, s *Store, code string) (int, int64) {
	tb.Helper()
	rev, dv, err := s.Version(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return rev, dv
}

// count counts the rows of a table.
func count(tb testing.TB, s *Store, table string) int {
	tb.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// migration is a row of bun_migrations.
type migration struct {
	Name    string
	GroupID int64
}

// mustMigrations returns the migrations applied to the database of s, in the order applied.
func mustMigrations(tb testing.TB, s *Store) []migration {
	tb.Helper()
	rows, err := s.db.QueryContext(context.Background(), "SELECT name, group_id FROM bun_migrations ORDER BY id")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var ms []migration
	for rows.Next() {
		var m migration
		if err := rows.Scan(&m.Name, &m.GroupID); err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return ms
}

// allMigrations lists every migration, each applied once in the first group.
func allMigrations() []migration {
	var ms []migration
	for _, m := range migrations().Sorted() {
		ms = append(ms, migration{m.Name, 1})
	}
	return ms
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		dsn := testdb.DSN(t, e)
		for range 2 { // the second Open finds the tables migrated
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustMigrations(t, s), allMigrations(); !reflect.DeepEqual(got, want) {
				t.Errorf("migrations = %v, want %v", got, want)
			}
			for _, table := range []string{"schemes", "scheme_revisions", "units", "metric_values", "value_history", "tokens", "audit_log"} {
				count(t, s, table)
			}
			if err := s.Ping(ctx); err != nil {
				t.Error(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestOpenConcurrent opens stores on one new database all at once, as rubric processes
// starting together on one PostgreSQL (issue 8): every store opens, and every migration is
// applied exactly once.
func TestOpenConcurrent(t *testing.T) {
	ctx := context.Background()
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		dsn := testdb.DSN(t, e)
		const n = 8
		stores := make([]*Store, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				stores[i], errs[i] = Open(ctx, dsn)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("store %d: %v", i, err)
				continue
			}
			t.Cleanup(func() { stores[i].Close() })
		}
		if t.Failed() {
			return
		}
		if got, want := mustMigrations(t, stores[n-1]), allMigrations(); !reflect.DeepEqual(got, want) {
			t.Errorf("migrations = %v, want %v", got, want)
		}
		// All stores work on the one database.
		if _, _, err := stores[0].CreateScheme(ctx, mustLoadDoc(t), "alice", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := stores[n-1].GetScheme(ctx, "test-medical"); err != nil {
			t.Error(err)
		}
	})
}

// TestOpenPostgres checks the migration lock: Open waits while another session migrates, and
// gives up when its context ends first.
func TestOpenPostgres(t *testing.T) {
	t.Parallel()
	dsn := testdb.DSN(t, testdb.Postgres)
	ctx := context.Background()
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	defer db.Close()
	// lock takes the migration lock in a session of its own and returns the function that
	// releases it.
	lock := func(t *testing.T) (unlock func()) {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_lock(%d)", migrationLock)); err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		unlock = func() {
			once.Do(func() {
				if _, err := conn.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_unlock(%d)", migrationLock)); err != nil {
					t.Error(err)
				}
				conn.Close()
			})
		}
		t.Cleanup(unlock)
		return unlock
	}
	t.Run("ErrLocked", func(t *testing.T) {
		lock(t)
		ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		s, err := Open(ctx, dsn)
		if err == nil {
			s.Close()
			t.Fatal("Open did not wait for the lock")
		}
		if want := "schema: lock migrations: another process is migrating: context deadline exceeded"; err.Error() != want {
			t.Errorf("err = %q, want %q", err, want)
		}
	})
	t.Run("OKWaits", func(t *testing.T) {
		time.AfterFunc(300*time.Millisecond, lock(t))
		start := time.Now()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if waited := time.Since(start); waited < 300*time.Millisecond {
			t.Errorf("Open returned after %v, before the lock was released", waited)
		}
		if got, want := mustMigrations(t, s), allMigrations(); !reflect.DeepEqual(got, want) {
			t.Errorf("migrations = %v, want %v", got, want)
		}
	})
}

// TestOpenSQLite checks what only SQLite has: pragmas, one writer, in-memory databases, files.
func TestOpenSQLite(t *testing.T) {
	ctx := context.Background()
	t.Run("OKPragmas", func(t *testing.T) {
		s := mustOpenStore(t, testdb.SQLite)
		tests := []struct{ pragma, want string }{
			{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"busy_timeout", "10000"}, {"synchronous", "1"},
		}
		for _, tt := range tests {
			for _, db := range []string{"read", "write"} {
				conn := s.db
				if db == "write" {
					conn = s.wdb
				}
				var got string
				if err := conn.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("%s connection: PRAGMA %s = %s, want %s", db, tt.pragma, got, tt.want)
				}
			}
		}
		if n := s.wdb.Stats().MaxOpenConnections; n != 1 {
			t.Errorf("the writer has %d connections, want 1", n)
		}
	})
	t.Run("OKMemory", func(t *testing.T) {
		s, err := Open(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, _, err := s.CreateScheme(ctx, mustLoadDoc(t), "alice", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetScheme(ctx, "test-medical"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrPath", func(t *testing.T) {
		if s, err := Open(ctx, filepath.Join(t.TempDir(), "missing", "rubric.db")); err == nil {
			s.Close()
			t.Fatal("no error for a file in a missing directory")
		}
	})
}

func TestPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		ctx := context.Background()
		for i := 1; i <= 5; i++ {
			doc := mustLoadDoc(t)
			doc.Code = fmt.Sprintf("scheme-%d", i)
			doc.Values = nil
			if _, _, err := s.CreateScheme(ctx, doc, "alice", ""); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name  string
			page  Page
			codes []string
			err   string
		}{
			{"OKDefault", Page{}, []string{"scheme-1", "scheme-2", "scheme-3", "scheme-4", "scheme-5"}, ""},
			{"OKSlice", Page{Limit: 2, Offset: 1}, []string{"scheme-2", "scheme-3"}, ""},
			{"OKTail", Page{Limit: 2, Offset: 4}, []string{"scheme-5"}, ""},
			{"OKBeyond", Page{Limit: 2, Offset: 9}, []string{}, ""},
			{"OKMax", Page{Limit: 500}, []string{"scheme-1", "scheme-2", "scheme-3", "scheme-4", "scheme-5"}, ""},
			{"ErrLimit", Page{Limit: 501}, nil, "limit 501 is out of range 1..500"},
			{"ErrNegativeLimit", Page{Limit: -1}, nil, "limit -1 is out of range 1..500"},
			{"ErrOffset", Page{Offset: -1}, nil, "offset -1 must be ≥ 0"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := s.ListSchemes(ctx, tt.page)
				if tt.err != "" {
					checkError(t, err, Invalid, tt.err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if total != 5 {
					t.Errorf("total = %d, want 5", total)
				}
				codes := []string{}
				for _, sc := range list {
					codes = append(codes, sc.Code)
					if sc.Units != 3 {
						t.Errorf("%s has %d units, want 3", sc.Code, sc.Units)
					}
				}
				if fmt.Sprint(codes) != fmt.Sprint(tt.codes) {
					t.Errorf("codes = %v, want %v", codes, tt.codes)
				}
			})
		}
	})
}

// TestConcurrentWriters has many goroutines write at once: writes queue on the one writer
// connection, none fails with "database is locked", and every one is kept.
func TestConcurrentWriters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		ctx := context.Background()
		mustCreateScheme(t, s)
		const writers, writes = 20, 50
		for w := range writers {
			if _, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: fmt.Sprintf("u%02d", w), Name: "单位", Group: "镇"}); err != nil {
				t.Fatal(err)
			}
		}
		_, dv0 := mustVersion(t, s, "test-medical")
		history0 := count(t, s, "value_history")
		var wg sync.WaitGroup
		errs := make(chan error, writers*writes+writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				unit := fmt.Sprintf("u%02d", w)
				for i := range writes {
					layer := []string{LayerFinal, LayerSelf}[i%2]
					if err := s.PatchValues(ctx, "test-medical", unit, layer, map[string]any{"res_actual": i, "res_target": 100}, unit); err != nil {
						errs <- err
						return
					}
				}
			}()
			// Readers run alongside.
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if _, _, _, _, err := s.Rows(ctx, "test-medical", LayerFinal); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		_, _, _, rows, err := s.Rows(ctx, "test-medical", LayerFinal)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[3:] {
			if r.Values["res_actual"] != 48.0 || r.Values["res_target"] != 100.0 {
				t.Errorf("%s: values %v, want res_actual 48 and res_target 100", r.Unit.Code, r.Values)
			}
		}
		// Each write changes res_actual; the first write of each layer sets res_target too.
		if got, want := count(t, s, "value_history")-history0, writers*(writes+2); got != want {
			t.Errorf("%d history entries, want %d", got, want)
		}
		if _, dv := mustVersion(t, s, "test-medical"); dv-dv0 != writers*writes {
			t.Errorf("data version moved by %d, want %d", dv-dv0, writers*writes)
		}
	})
}

// TestFailingWriteChangesNothing makes the database refuse the last statement of a write (the
// history entry) and checks that the values written before it in the same request are gone.
func TestFailingWriteChangesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		ctx := context.Background()
		mustCreateScheme(t, s)
		trigger := []string{`CREATE TRIGGER refuse BEFORE INSERT ON value_history
		WHEN NEW.note = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END`}
		if e == testdb.Postgres {
			trigger = []string{`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
			IF NEW.note = 'refuse' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
				`CREATE TRIGGER refuse BEFORE INSERT ON value_history FOR EACH ROW EXECUTE FUNCTION refuse()`}
		}
		for _, q := range trigger {
			if _, err := s.wdb.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		before, err := s.GetValues(ctx, "test-medical", "xinbei", LayerFinal)
		if err != nil {
			t.Fatal(err)
		}
		_, dv0 := mustVersion(t, s, "test-medical")
		history0 := count(t, s, "value_history")
		err = s.PutValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{
			"res_target": 1, "res_actual": map[string]any{"value": 1, "note": "refuse"}}, "bob")
		if ErrorKind(err) != Internal {
			t.Fatalf("err = %v, want an internal error", err)
		}
		after, err := s.GetValues(ctx, "test-medical", "xinbei", LayerFinal)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("values changed:\n%v\n%v", before, after)
		}
		if _, dv := mustVersion(t, s, "test-medical"); dv != dv0 {
			t.Errorf("data version moved from %d to %d", dv0, dv)
		}
		if n := count(t, s, "value_history"); n != history0 {
			t.Errorf("history has %d entries, want %d", n, history0)
		}
	})
}
