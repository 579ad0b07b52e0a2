package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestIssue13Help: -h of every subcommand prints its synopsis with its positional arguments
// and exits 0; check -h and token -h are help, not a file named -h or an unknown action.
func TestIssue13Help(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "-h"}, "rubric check FILE.yaml..."},
		{[]string{"check", "--help"}, "rubric check FILE.yaml..."},
		{[]string{"token", "-h"}, "rubric token revoke NAME"},
		{[]string{"token", "create", "-h"}, "rubric token create --name N --role"},
		{[]string{"token", "revoke", "-h"}, "rubric token revoke NAME"},
		{[]string{"export", "-h"}, "rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE"},
		{[]string{"import", "-h"}, "rubric import CODE FILE [-layer self] [-dry-run]"},
		{[]string{"template", "-h"}, "rubric template CODE"},
		{[]string{"backup", "-h"}, "rubric backup FILE"},
		{[]string{"serve", "-h"}, "rubric serve [-addr ADDR]"},
	} {
		code, stdout, stderr := runCmd(t, tt.args...)
		if out := stdout + stderr; code != 0 || !strings.HasPrefix(out, "Usage:\n  rubric ") || !strings.Contains(out, "  "+tt.want) {
			t.Errorf("%s: exit %d\n%s%s", strings.Join(tt.args, " "), code, stdout, stderr)
		}
	}
	if code, _, stderr := runCmd(t, "token"); code != 2 || !strings.Contains(stderr, "rubric token list") {
		t.Errorf("token without an action: exit %d\n%s", code, stderr)
	}
}

// TestIssue13ErrorsWithoutPackages: an error is printed as what went wrong, without the
// package that found it ("rubric: schema: …").
func TestIssue13ErrorsWithoutPackages(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{schema.Errorf(schema.NotFound, "name", "token %q not found", "x"), `token "x" not found`},
		{fmt.Errorf("revoke: %w", schema.Errorf(schema.NotFound, "name", "token %q not found", "x")), `token "x" not found`},
		{errors.New("exchange: the CSV file has a problem: schema: bad"), "the CSV file has a problem: bad"},
	} {
		if got := errorText(tt.err); got != tt.want {
			t.Errorf("errorText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	db := filepath.Join(t.TempDir(), "rubric.db")
	code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": db}, "token", "revoke", "nobody")
	if code != 1 || strings.Contains(stderr, "schema:") || !strings.HasPrefix(stderr, "rubric: ") {
		t.Errorf("token revoke nobody: exit %d, %q", code, stderr)
	}
}

// TestIssue13MistypedDatabase: a command that reads or changes what is in the database refuses
// an SQLite file that does not exist rather than creating an empty one, and a command on a
// database that needs no migration leaves no <database>-migrate file behind.
func TestIssue13MistypedDatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "rubirc.db")
	csv := filepath.Join(dir, "f.csv")
	if err := os.WriteFile(csv, []byte("unit,res_actual\ndingyan,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"export", rugao}, {"token", "list"}, {"token", "revoke", "x"}, {"template", rugao}, {"import", rugao, csv}} {
		code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": missing}, args...)
		if code != 1 || !strings.Contains(stderr, "rubric: no database file "+missing) {
			t.Errorf("%s: exit %d, %q", strings.Join(args, " "), code, stderr)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("%s created %s", strings.Join(args, " "), missing)
		}
	}
	db := filepath.Join(dir, "rubric.db")
	if code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": db}, "seed"); code != 0 {
		t.Fatalf("seed: exit %d, %s", code, stderr)
	}
	os.Remove(db + "-migrate") // the seed migrated the new file under the lock
	for _, args := range [][]string{{"token", "list"}, {"export", rugao, "-format", "json"}} {
		if code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": db}, args...); code != 0 {
			t.Fatalf("%s: exit %d, %s", strings.Join(args, " "), code, stderr)
		}
		if _, err := os.Stat(db + "-migrate"); err == nil {
			t.Errorf("%s left %s-migrate", strings.Join(args, " "), db)
		}
	}
}
