// Package testdb gives tests databases to run on: a new SQLite file, or a new database on a
// throw-away PostgreSQL cluster that the test binary starts once and stops at the end.
//
// It is the engine-level half of schema/schematest, kept apart so that schema's own tests,
// which schematest cannot serve without an import cycle, use it too. Only tests import it.
// It imports the standard library and bun's pgdriver, nothing of rubric.
package testdb
