package schema

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestBackup copies an SQLite database that a writer keeps changing: the copy opens, passes
// PRAGMA integrity_check and holds what was written before the backup; an existing file is
// never overwritten; PostgreSQL is refused (pg_dump).
func TestBackup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		if err := s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{"res_actual": 96}, "bob"); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "copy.db")
		if e == testdb.Postgres {
			if err := s.Backup(ctx, path); ErrorKind(err) != Invalid {
				t.Fatalf("backup of PostgreSQL: %v, want Invalid", err)
			}
			return
		}

		t.Run("OK", func(t *testing.T) {
			// A writer keeps writing during the backup.
			stop := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						done <- nil
						return
					default:
					}
					if err := s.PatchValues(ctx, "test-medical", "dongcheng", LayerFinal, map[string]any{"res_target": i}, "carol"); err != nil {
						done <- err
						return
					}
				}
			}()
			err := s.Backup(ctx, path)
			close(stop)
			if werr := <-done; werr != nil {
				t.Fatal(werr)
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var check string
			if err := c.db.NewRaw("PRAGMA integrity_check").Scan(ctx, &check); err != nil || check != "ok" {
				t.Fatalf("integrity_check of the copy: %q, %v", check, err)
			}
			values, err := c.GetValues(ctx, "test-medical", "xinbei", LayerFinal)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := values["res_actual"]; !ok || fmt.Sprint(v.Value) != "96" {
				t.Errorf("the copy's xinbei res_actual: %#v", values["res_actual"])
			}
			if _, err := os.Stat(path + "-wal"); err == nil {
				t.Logf("the copy has a WAL beside it (opened by the test)")
			}
		})
		t.Run("ErrExists", func(t *testing.T) {
			existing := filepath.Join(t.TempDir(), "existing.db")
			if err := os.WriteFile(existing, []byte("keep me"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.Backup(ctx, existing); ErrorKind(err) != Conflict {
				t.Fatalf("backup onto an existing file: %v, want Conflict", err)
			}
			if data, _ := os.ReadFile(existing); string(data) != "keep me" {
				t.Errorf("the existing file was changed: %q", data)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(existing), ".*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	})
}
