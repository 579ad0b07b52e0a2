package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestToken creates, lists and revokes tokens with `rubric token` on a seeded database: the
// secret is printed once, alone on stdout, and authenticates; the list never shows it; a
// revoked token authenticates nothing.
func TestToken(t *testing.T) {
	db := seededDB(t)
	env := map[string]string{"RUBRIC_DB": db}
	ctx := context.Background()

	code, stdout, stderr := runCmdEnv(t, env, "token", "create", "--name", "clerk", "--role", "unit",
		"--scheme", rugao, "--unit", "shizhuang")
	if code != 0 {
		t.Fatalf("create: exit %d\n%s%s", code, stdout, stderr)
	}
	secret := strings.TrimSuffix(stdout, "\n")
	if !strings.HasPrefix(secret, schema.TokenPrefix) || strings.Contains(secret, "\n") {
		t.Fatalf("create: stdout %q, want the secret alone", stdout)
	}
	if !strings.Contains(stderr, "created token clerk (unit of "+rugao+"/shizhuang)") {
		t.Errorf("create: stderr %q", stderr)
	}
	if code, stdout, stderr := runCmdEnv(t, env, "token", "create", "-name", "reader", "-role", "viewer"); code != 0 {
		t.Fatalf("create viewer: exit %d\n%s%s", code, stdout, stderr)
	}

	store, err := schema.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := store.Authenticate(ctx, secret)
	store.Close()
	if err != nil || tok.Name != "clerk" || tok.Role != schema.RoleUnit || tok.Unit != "shizhuang" {
		t.Fatalf("authenticate the new secret: %+v, %v", tok, err)
	}

	code, stdout, _ = runCmdEnv(t, env, "token", "list")
	if code != 0 || !strings.HasPrefix(stdout, "NAME ") || !strings.Contains(stdout, "clerk ") ||
		!strings.Contains(stdout, "reader ") || !strings.Contains(stdout, rugao) {
		t.Errorf("list: exit %d\n%s", code, stdout)
	}
	if strings.Contains(stdout, secret) {
		t.Error("list shows a secret")
	}

	if code, stdout, stderr := runCmdEnv(t, env, "token", "revoke", "clerk"); code != 0 || stdout != "revoked token clerk\n" {
		t.Fatalf("revoke: exit %d\n%s%s", code, stdout, stderr)
	}
	store, err = schema.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Authenticate(ctx, secret)
	store.Close()
	if schema.ErrorKind(err) != schema.Unauthorized {
		t.Errorf("authenticate a revoked secret: %v, want Unauthorized", err)
	}
	if code, stdout, _ := runCmdEnv(t, env, "token", "list"); code != 0 || !strings.Contains(stdout, "clerk ") {
		t.Errorf("list after revoke: exit %d\n%s", code, stdout)
	}

	// The revoked token's name is free again: a new clerk gets it and works, the old secret
	// stays refused, and the list shows both.
	code, stdout, stderr = runCmdEnv(t, env, "token", "create", "--name", "clerk", "--role", "viewer")
	if code != 0 {
		t.Fatalf("create clerk again: exit %d\n%s%s", code, stdout, stderr)
	}
	renewed := strings.TrimSuffix(stdout, "\n")
	store, err = schema.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	tok, err = store.Authenticate(ctx, renewed)
	_, errOld := store.Authenticate(ctx, secret)
	store.Close()
	if err != nil || tok.Name != "clerk" || tok.Role != schema.RoleViewer {
		t.Errorf("authenticate the new clerk: %+v, %v", tok, err)
	}
	if schema.ErrorKind(errOld) != schema.Unauthorized {
		t.Errorf("authenticate the revoked clerk: %v, want Unauthorized", errOld)
	}
	if code, stdout, _ := runCmdEnv(t, env, "token", "list"); code != 0 || strings.Count(stdout, "clerk ") != 2 {
		t.Errorf("list after reuse: exit %d, want two clerks\n%s", code, stdout)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"ErrNoAction", []string{"token"}, 2, "create, list or revoke"},
		{"ErrUnknownAction", []string{"token", "rotate"}, 2, "unknown action"},
		{"ErrNoName", []string{"token", "create", "--role", "viewer"}, 2, "--name and --role"},
		{"ErrRole", []string{"token", "create", "--name", "x", "--role", "boss"}, 1, "unknown role"},
		{"ErrUnitWithoutScheme", []string{"token", "create", "--name", "x", "--role", "unit", "--unit", "shizhuang"}, 1, "needs a scheme"},
		{"ErrUnknownUnit", []string{"token", "create", "--name", "x", "--role", "unit", "--scheme", rugao, "--unit", "nowhere"}, 1, "not found"},
		{"ErrNameTaken", []string{"token", "create", "--name", "clerk", "--role", "viewer"}, 1, "already exists"},
		{"ErrRevokeUnknown", []string{"token", "revoke", "nobody"}, 1, "not found"},
		{"ErrRevokeNoName", []string{"token", "revoke"}, 2, "one token name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCmdEnv(t, env, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.err) || stdout != "" {
				t.Errorf("exit %d, want %d\nstdout %q\nstderr %q, want %q in it", code, tc.code, stdout, stderr, tc.err)
			}
		})
	}
}

// TestBackupCommand copies a seeded database with `rubric backup`: the copy opens and holds
// the seeds; an existing file and PostgreSQL are refused.
func TestBackupCommand(t *testing.T) {
	db := seededDB(t)
	env := map[string]string{"RUBRIC_DB": db}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	code, stdout, stderr := runCmdEnv(t, env, "backup", copyPath)
	if code != 0 || !strings.HasPrefix(stdout, "backed up "+db+" to "+copyPath) {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	store, err := schema.Open(context.Background(), copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.GetScheme(context.Background(), rugao); err != nil {
		t.Errorf("the copy has no %s: %v", rugao, err)
	}

	t.Run("ErrExists", func(t *testing.T) {
		code, _, stderr := runCmdEnv(t, env, "backup", copyPath)
		if code != 1 || !strings.Contains(stderr, "exists") {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
	t.Run("ErrPostgres", func(t *testing.T) {
		code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": "postgres://u:secret@localhost/db"}, "backup", copyPath+"2")
		if code != 1 || !strings.Contains(stderr, "pg_dump") || strings.Contains(stderr, "secret") {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none.db")
		code, _, stderr := runCmdEnv(t, map[string]string{"RUBRIC_DB": missing}, "backup", copyPath+"3")
		if code != 1 || !strings.Contains(stderr, "no such file") {
			t.Errorf("exit %d, %q", code, stderr)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Error("backup created the database it was asked to copy")
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		if code, _, _ := runCmdEnv(t, env, "backup"); code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	})
}
