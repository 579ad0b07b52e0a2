package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun/driver/pgdriver"
)

func TestMain(m *testing.M) { Main(m) }

// query runs a query returning one value on the database at dsn.
func query(tb testing.TB, dsn, q string) string {
	tb.Helper()
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(dsn)))
	defer db.Close()
	var v string
	if err := db.QueryRowContext(context.Background(), q).Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestDSN(t *testing.T) {
	t.Run("OKSQLite", func(t *testing.T) {
		dsn := DSN(t, SQLite)
		if filepath.Base(dsn) != "rubric.db" || !strings.HasPrefix(dsn, os.TempDir()) {
			t.Errorf("dsn = %q, want a rubric.db in a temporary directory", dsn)
		}
	})
	t.Run("OKPostgres", func(t *testing.T) {
		server := StartPostgres(t)
		if again := StartPostgres(t); again != server {
			t.Errorf("a second cluster: %s and %s", server, again)
		}
		var dsns []string
		t.Run("Databases", func(t *testing.T) {
			for range 2 {
				dsn := DSN(t, Postgres)
				if got := query(t, dsn, "SELECT current_database()"); !strings.HasPrefix(got, "t_") || !strings.HasSuffix(dsn, "/"+got+"?sslmode=disable") {
					t.Errorf("database %q at %s", got, dsn)
				}
				dsns = append(dsns, dsn)
			}
			if dsns[0] == dsns[1] {
				t.Errorf("the same database twice: %s", dsns[0])
			}
		})
		// The databases are dropped when their test ends (or, on the throw-away cluster,
		// soon after; Stop waits for them).
		drops.Wait()
		for _, dsn := range dsns {
			name := dsn[strings.LastIndex(dsn, "/")+1 : strings.Index(dsn, "?")]
			if n := query(t, server, fmt.Sprintf("SELECT count(*) FROM pg_database WHERE datname = '%s'", name)); n != "0" {
				t.Errorf("database %s was not dropped", name)
			}
		}
		if os.Getenv(EnvURL) == "" {
			if v := query(t, server, "SHOW server_version_num"); v < "150000" {
				t.Logf("PostgreSQL %s, not 15", v)
			}
		}
	})
}

// fakeTB records what report does instead of ending the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Skip(args ...any)  { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatal(args ...any) { f.failed = fmt.Sprint(args...) }

func TestReport(t *testing.T) {
	unavailable := &unavailableError{"no initdb and postgres in pg_config --bindir, /usr/lib/postgresql/15/bin or PATH"}
	want := "PostgreSQL is not available for tests: no initdb and postgres in pg_config --bindir, " +
		"/usr/lib/postgresql/15/bin or PATH. Install the server (apt-get install postgresql-15) or set " +
		"RUBRIC_TEST_POSTGRES to the postgres:// URL of a server that may create databases; " +
		"RUBRIC_REQUIRE_POSTGRES=1 makes this a failure instead of a skip"
	tests := []struct {
		name    string
		require string
		err     error
		skipped string
		failed  string
	}{
		{"OKSkip", "", unavailable, want, ""},
		{"OKSkipNotRequired", "0", unavailable, want, ""},
		{"ErrRequired", "1", unavailable, "", want},
		{"ErrStart", "", errors.New("testdb: initdb: exit status 1"), "", "testdb: initdb: exit status 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvRequire, tt.require)
			f := &fakeTB{TB: t}
			report(f, tt.err)
			if f.skipped != tt.skipped || f.failed != tt.failed {
				t.Errorf("skipped %q, failed %q; want %q, %q", f.skipped, f.failed, tt.skipped, tt.failed)
			}
		})
	}
}
