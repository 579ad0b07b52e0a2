// Package schematest runs store tests on every database engine: a new SQLite file, or a new
// database on a throw-away PostgreSQL 15 cluster that the test binary starts once and stops
// at the end. Only tests import it.
//
// A package whose tests use it stops the cluster from TestMain:
//
//	func TestMain(m *testing.M) { schematest.Main(m) }
//
// and runs one table of tests on each engine, as subtests sqlite/… and postgres/…:
//
//	for _, e := range schematest.Engines(t) {
//		t.Run(e.String(), func(t *testing.T) {
//			s := schematest.OpenStore(t, e)
//			…
//		})
//	}
//
// The PostgreSQL subtests skip, saying how to enable them, when the PostgreSQL server
// binaries (pg_config --bindir, /usr/lib/postgresql/15/bin) are missing; with
// RUBRIC_REQUIRE_POSTGRES=1, as in CI, they fail instead. RUBRIC_TEST_POSTGRES=postgres://…
// uses a running server instead of starting one.
//
// schematest imports schema; schema's own tests use the engine half, schema/internal/testdb,
// directly.
package schematest
