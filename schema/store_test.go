package schema

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/rubric-dev/rubric/formulas"
)

// testEpoch is the first time of a test store's clock, which ticks a second per reading.
var testEpoch = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// mustOpenStore opens a store on a new SQLite file in a temporary directory, with a clock
// that starts at testEpoch and advances one second each time it is read. When
// RUBRIC_TEST_POSTGRES holds a postgres:// URL, the store is a new PostgreSQL database instead,
// created through that URL and dropped after the test.
func mustOpenStore(tb testing.TB) *Store {
	tb.Helper()
	dsn := filepath.Join(tb.TempDir(), "rubric.db")
	if admin := os.Getenv("RUBRIC_TEST_POSTGRES"); admin != "" {
		dsn = mustCreatePostgres(tb, admin)
	}
	s, err := Open(context.Background(), dsn)
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

var pgDatabases atomic.Int64

// mustCreatePostgres creates an empty PostgreSQL database for one test and returns its URL.
func mustCreatePostgres(tb testing.TB, admin string) string {
	tb.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(admin)))
	name := fmt.Sprintf("rubric_test_%d_%d", os.Getpid(), pgDatabases.Add(1))
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			tb.Error(err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// onPostgres reports whether s is a PostgreSQL store.
func onPostgres(s *Store) bool {
	return s.db.Dialect().Name() == dialect.PG
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

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rubric.db")
		if admin := os.Getenv("RUBRIC_TEST_POSTGRES"); admin != "" {
			path = mustCreatePostgres(t, admin)
		}
		for range 2 { // the second Open finds the tables migrated
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if n := count(t, s, "bun_migrations"); n != 1 {
				t.Errorf("bun_migrations has %d rows, want 1", n)
			}
			for _, table := range []string{"schemes", "scheme_revisions", "units", "metric_values", "value_history"} {
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
	t.Run("OKPragmas", func(t *testing.T) {
		s := mustOpenStore(t)
		if onPostgres(s) {
			t.Skip("SQLite only")
		}
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
		if os.Getenv("RUBRIC_TEST_POSTGRES") != "" {
			t.Skip("SQLite only")
		}
		if s, err := Open(ctx, filepath.Join(t.TempDir(), "missing", "rubric.db")); err == nil {
			s.Close()
			t.Fatal("no error for a file in a missing directory")
		}
	})
}

func TestPage(t *testing.T) {
	s := mustOpenStore(t)
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
}

// TestConcurrentWriters has many goroutines write at once: writes queue on the one writer
// connection, none fails with "database is locked", and every one is kept.
func TestConcurrentWriters(t *testing.T) {
	s := mustOpenStore(t)
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
}

// TestFailingWriteChangesNothing makes the database refuse the last statement of a write (the
// history entry) and checks that the values written before it in the same request are gone.
func TestFailingWriteChangesNothing(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	mustCreateScheme(t, s)
	trigger := []string{`CREATE TRIGGER refuse BEFORE INSERT ON value_history
		WHEN NEW.note = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if onPostgres(s) {
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
}
