package main

import (
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rubric-dev/rubric/schema"
)

// runBackup runs `rubric backup FILE`: a consistent copy of the SQLite database of -db or
// RUBRIC_DB, made while rubric serve keeps writing to it, into FILE, which must not exist.
// A PostgreSQL database is backed up with pg_dump.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("backup", stderr)
	db := dbFlag(fs, getenv)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("backup takes one file to write, got %q", rest)
	}
	file := rest[0]
	if isPostgres(*db) {
		return errorf("backup copies SQLite databases: back up %s with pg_dump", redact(*db))
	}
	if _, err := os.Stat(*db); err != nil {
		return errorf("backup: database %s: %v", *db, err) // Open would create it
	}
	store, err := schema.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	if err := store.Backup(ctx, file); err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	say(stdout, "backed up %s to %s (%d bytes in %v)\n", *db, file, info.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// isPostgres reports whether dsn names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
