package schema

import (
	"context"
	"fmt"
	"time"
)

// lockSQLiteMigrations takes an exclusive lock on the file <database>-migrate next to the
// store's SQLite file and returns the function that releases it. Stores (in one process or
// several) that open one file at the same moment then migrate it in turn, and each
// migration runs once, as on PostgreSQL. It polls, like lockMigrations, and gives up when
// ctx is done. The lock is the operating system's (flock): a process that dies releases it.
// An in-memory database, which no one else can open, takes no lock; neither do systems
// without flock, where the migrations, which only create what does not exist yet, may run
// twice harmlessly.
func (s *Store) lockSQLiteMigrations(ctx context.Context) (unlock func(), err error) {
	var file string
	rows, err := s.wdb.QueryContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'")
	if err != nil {
		return nil, fmt.Errorf("schema: lock migrations: %w", err)
	}
	for rows.Next() {
		if err := rows.Scan(&file); err != nil {
			rows.Close()
			return nil, fmt.Errorf("schema: lock migrations: %w", err)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("schema: lock migrations: %w", err)
	}
	if file == "" {
		return func() {}, nil
	}
	for {
		unlock, ok, err := tryLockFile(file + "-migrate")
		if err != nil {
			return nil, fmt.Errorf("schema: lock migrations: %w", err)
		}
		if ok {
			return unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("schema: lock migrations: another process is migrating: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
