package main

import (
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema/schematest"
)

func TestMigrate(t *testing.T) {
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			dsn := schematest.DSN(t, engine)
			if engine == schematest.SQLite {
				code, _, stderr := runCmd(t, "migrate", "status", "-db", dsn)
				if code != 1 || stderr != "rubric: no database file "+dsn+" (check -db or RUBRIC_DB)\n" {
					t.Errorf("status of no file: exit %d, stderr %q", code, stderr)
				}
			} else {
				code, stdout, stderr := runCmd(t, "migrate", "-db", dsn, "status")
				if code != 0 || !strings.Contains(stdout, "create_tables  pending\n") || !strings.Contains(stdout, " pending: run rubric migrate up") {
					t.Errorf("status of a new database: exit %d\n%s%s", code, stdout, stderr)
				}
			}
			code, stdout, stderr := runCmd(t, "migrate", "up", "-db", dsn)
			if code != 0 || !strings.Contains(stdout, "applied 20261127000001 create_tables\n") {
				t.Errorf("up: exit %d\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = runCmd(t, "migrate", "-db", dsn)
			if code != 0 || !strings.Contains(stdout, "nothing to apply: the database is up to date\n") {
				t.Errorf("up again: exit %d\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = runCmd(t, "migrate", "status", "-db", dsn)
			if code != 0 || !strings.Contains(stdout, "create_tables  applied ") || !strings.HasSuffix(stdout, "(group 1)\nup to date\n") {
				t.Errorf("status: exit %d\n%s%s", code, stdout, stderr)
			}
		})
	}
	t.Run("OKRedact", func(t *testing.T) {
		if got := redact("postgres://rubric:s3cret@db:5432/rubric?sslmode=require"); got != "postgres://rubric:xxxxx@db:5432/rubric?sslmode=require" {
			t.Errorf("redact = %q", got)
		}
		if got := redact("./rubric.db"); got != "./rubric.db" {
			t.Errorf("redact = %q", got)
		}
	})
	t.Run("ErrAction", func(t *testing.T) {
		if code, _, stderr := runCmd(t, "migrate", "down"); code != 2 || !strings.Contains(stderr, `unknown action "down"`) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if code, _, _ := runCmd(t, "migrate", "up", "status"); code != 2 {
			t.Errorf("two actions: exit %d, want 2", code)
		}
	})
}
