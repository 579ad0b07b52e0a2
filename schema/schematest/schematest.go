package schematest

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// Engine names a database engine the store runs on; its String is the name of its subtests.
type Engine = testdb.Engine

// The engines.
const (
	SQLite   = testdb.SQLite
	Postgres = testdb.Postgres
)

// Engines returns every engine, SQLite first.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	return testdb.Engines(tb)
}

// OpenStore opens a store on a new, empty database of engine e (see DSN), migrated, and
// closes it when the test ends.
func OpenStore(tb testing.TB, e Engine) *schema.Store {
	tb.Helper()
	s, err := schema.Open(context.Background(), DSN(tb, e))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// DSN returns the address of a new, empty database of engine e for one test, for
// schema.Open or a rubric process: a file in tb.TempDir(), or a postgres:// URL of a
// database t_<random> on the cluster of StartPostgres, dropped when the test ends. Several
// stores (or processes) opened on one DSN share its database.
func DSN(tb testing.TB, e Engine) string {
	tb.Helper()
	return testdb.DSN(tb, e)
}

// StartPostgres returns the postgres:// URL of the test binary's PostgreSQL server,
// superuser on its postgres database, starting a throw-away cluster on the first call: the
// server binaries from pg_config --bindir, initdb in a new temporary directory, the server on
// a free loopback port with its socket in that directory, run as the postgres user when the
// tests run as root. Stop (or Main) stops it and removes the directory; so does SIGINT,
// SIGTERM or SIGHUP, and if the test binary dies the server shuts down on its own.
//
// RUBRIC_TEST_POSTGRES, when set, is returned instead and nothing is started. Without the
// server binaries the test is skipped with a message saying how to install them, or fails
// when RUBRIC_REQUIRE_POSTGRES=1.
func StartPostgres(tb testing.TB) string {
	tb.Helper()
	return testdb.StartPostgres(tb)
}

// Stop stops the cluster started by StartPostgres, if any, and removes its directory.
func Stop() { testdb.Stop() }

// Main runs a package's tests, then Stop, and exits: func TestMain(m *testing.M) { schematest.Main(m) }.
func Main(m *testing.M) { testdb.Main(m) }
