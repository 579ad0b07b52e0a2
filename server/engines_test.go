package server_test

import (
	"testing"

	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// run runs scenarios on every engine, as subtests named for the engine (TestItems/sqlite/OK/get,
// TestItems/postgres/OK/get): on e's own server, then on a twin of e on each other engine,
// made on first use and kept for the rest of the test, so that the tables of a test that runs
// several see, on each engine, what the earlier ones changed. The postgres subtests skip,
// saying why, when PostgreSQL is not available, or fail if RUBRIC_REQUIRE_POSTGRES=1.
func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			e.on(t, engine).runScenarios(t, scenarios)
		})
	}
}

// on returns e itself on e's engine, and otherwise its twin on engine, a server with the same
// configuration and data, made in subtest t but living as long as e's test.
func (e *env) on(t *testing.T, engine schematest.Engine) *env {
	t.Helper()
	if engine == e.engine {
		return e
	}
	if engine == schematest.Postgres {
		schematest.StartPostgres(t) // skips (or fails) t when there is no PostgreSQL
	}
	if tw := e.twins[engine]; tw != nil {
		return tw
	}
	tw := newEnvOn(outliving{TB: t, parent: e.tb}, engine, e.cfg)
	e.twins[engine] = tw
	return tw
}

// outliving is a subtest whose resources (a store, its database, its files) belong to its
// parent test: they outlive the subtest. Failures are the subtest's.
type outliving struct {
	testing.TB
	parent testing.TB
}

func (o outliving) Cleanup(f func()) { o.parent.Cleanup(f) }
func (o outliving) TempDir() string  { return o.parent.TempDir() }

// forEachEngine runs test on a new env of every engine, as subtests named for the engine.
func forEachEngine(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			if engine == schematest.Postgres {
				schematest.StartPostgres(t)
			}
			test(t, newEnvOn(t, engine, server.Config{}))
		})
	}
}

// forEachBenchEngine runs bench on a new benchmark env (newBenchEnvOn) of every engine, as
// sub-benchmarks named for the engine, so that one run compares them.
func forEachBenchEngine(b *testing.B, bench func(b *testing.B, e *env)) {
	b.Helper()
	for _, engine := range schematest.Engines(b) {
		b.Run(engine.String(), func(b *testing.B) {
			if engine == schematest.Postgres {
				schematest.StartPostgres(b)
			}
			bench(b, newBenchEnvOn(b, engine))
		})
	}
}
