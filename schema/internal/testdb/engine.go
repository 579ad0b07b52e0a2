package testdb

import (
	"path/filepath"
	"testing"
)

// Engine names a database engine the store runs on.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// String returns the engine's name, which is also the name of its subtests.
func (e Engine) String() string { return string(e) }

// Engines returns every engine, SQLite first. A test that ranges over them runs the same
// table on both; the PostgreSQL subtests skip (or fail, see StartPostgres) when PostgreSQL
// is not available.
func Engines(tb testing.TB) []Engine {
	tb.Helper()
	return []Engine{SQLite, Postgres}
}

// DSN returns the address of a new, empty database of engine e for one test: an SQLite file
// in tb.TempDir(), or a postgres:// URL of a database created on the cluster of StartPostgres
// and dropped when the test ends.
func DSN(tb testing.TB, e Engine) string {
	tb.Helper()
	switch e {
	case SQLite:
		return filepath.Join(tb.TempDir(), "rubric.db")
	case Postgres:
		return CreateDatabase(tb, StartPostgres(tb))
	}
	tb.Fatalf("testdb: unknown engine %q", e)
	return ""
}
