package schema

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/uptrace/bun/dialect"
)

// Backup writes a consistent copy of an SQLite database to the new file path while the store
// keeps serving: SQLite's VACUUM INTO, run on a read connection, copies one snapshot of the
// database (every transaction committed before it began, none after) and never blocks the
// writer. The copy is written beside path, synced, then linked to path, so that path is
// either the whole copy or absent. A path that exists is a Conflict; a PostgreSQL store is
// Invalid (use pg_dump).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.db.Dialect().Name() == dialect.PG {
		return Errorf(Invalid, "", "backup copies SQLite databases: back up PostgreSQL with pg_dump")
	}
	abs, err := filepath.Abs(path) // never a file: URI
	if err != nil {
		return wrap(err, "backup to %s", path)
	}
	if _, err := os.Lstat(abs); err == nil {
		return backupExists(path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return wrap(err, "backup to %s", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return wrap(err, "backup to %s", path)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName) // VACUUM INTO needs the file absent or empty; a no-op once done
	if err := os.Remove(tmpName); err != nil {
		return wrap(err, "backup to %s", path)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return wrap(err, "backup to %s", path)
	}
	if err := syncFile(tmpName); err != nil {
		return wrap(err, "backup to %s", path)
	}
	// Link, unlike rename, never replaces a file that appeared meanwhile.
	if err := os.Link(tmpName, abs); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return backupExists(path)
		}
		return wrap(err, "backup to %s", path)
	}
	return wrap(syncFile(filepath.Dir(abs)), "backup to %s", path)
}

func backupExists(path string) error {
	return Errorf(Conflict, "", "backup: %s exists: choose a new file", path)
}

// syncFile flushes a file (or a directory's entries) to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
