package schema

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// MigrationStatus is one migration of the database's tables and whether a database has it.
type MigrationStatus struct {
	// Name is the migration's sortable name, a timestamp (20261127000001).
	Name string
	// Comment says what it does (create_tables).
	Comment string
	// Applied reports whether the database has it; Group is the batch it was applied in and
	// AppliedAt when (zero if it is pending).
	Applied   bool
	Group     int64
	AppliedAt time.Time
	// Unknown marks a migration the database has but this build of rubric does not know: a
	// newer rubric migrated the database.
	Unknown bool
}

// Migrations reports the migrations of the database named by dsn (as Open takes it) without
// changing it: every migration this build has, in order, applied or pending, then those the
// database has that this build does not know. A database never migrated has them all pending;
// an SQLite file that does not exist is NotFound, and is not created.
func Migrations(ctx context.Context, dsn string) ([]MigrationStatus, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	if err := mustExist(dsn); err != nil {
		return nil, err
	}
	s, err := open(ctx, dsn, Options{})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var exists bool
	q := "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'bun_migrations'"
	if s.db.Dialect().Name() == dialect.PG {
		q = "SELECT to_regclass('bun_migrations') IS NOT NULL"
	}
	if err := s.db.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return nil, fmt.Errorf("schema: migrations: %w", err)
	}
	var out []MigrationStatus
	if !exists {
		for _, m := range migrations().Sorted() {
			out = append(out, MigrationStatus{Name: m.Name, Comment: m.Comment})
		}
		return out, nil
	}
	m := migrate.NewMigrator(s.db, migrations())
	all, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("schema: migrations: %w", err)
	}
	unknown, err := m.MissingMigrations(ctx)
	if err != nil {
		return nil, fmt.Errorf("schema: migrations: %w", err)
	}
	for _, m := range all {
		out = append(out, MigrationStatus{Name: m.Name, Comment: m.Comment, Applied: m.IsApplied(), Group: m.GroupID, AppliedAt: appliedAt(m)})
	}
	for i := len(unknown) - 1; i >= 0; i-- { // oldest first
		m := unknown[i]
		out = append(out, MigrationStatus{Name: m.Name, Applied: true, Group: m.GroupID, AppliedAt: appliedAt(m), Unknown: true})
	}
	return out, nil
}

// appliedAt is when m was applied, in UTC, or zero.
func appliedAt(m migrate.Migration) time.Time {
	if !m.IsApplied() {
		return time.Time{}
	}
	return m.MigratedAt.UTC()
}

// sqliteFile returns the path of the SQLite file dsn names; ok is false for a postgres:// URL
// or an in-memory database.
func sqliteFile(dsn string) (path string, ok bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		dsn == ":memory:" || strings.Contains(dsn, "mode=memory") {
		return "", false
	}
	path, _, _ = strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path, true
}

// mustExist is NotFound when dsn names an SQLite file that does not exist.
func mustExist(dsn string) error {
	if dsn == "" {
		dsn = DefaultDSN
	}
	if path, ok := sqliteFile(dsn); ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return Errorf(NotFound, "", "no database file %s (check -db or RUBRIC_DB)", path)
		}
	}
	return nil
}
