package schema

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// migrations lists the schema's migrations in order. Each is Go code, named with a sortable
// timestamp, written with bun's query builders so that it runs on SQLite and PostgreSQL alike;
// each runs in a transaction and only creates what does not exist yet. Processes starting
// together on one PostgreSQL database take turns (see migrate), so each migration runs once.
// A migration never changes once released: the next change is a new migration.
func migrations() *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{
		Name:    "20261127000001",
		Comment: "create_tables",
		Up:      txMigration(createTables),
		Down:    txMigration(dropTables),
	})
	ms.Add(migrationTokensAudit())
	ms.Add(migrationSchemeHistoryEpoch())
	ms.Add(migrationLayerWindows())
	ms.Add(migrationPublications())
	ms.Add(migrationWebhooks())
	ms.Add(migrationHistoryDataVersion())
	ms.Add(migrationTokenNames())
	return ms
}

// txMigration runs a migration in one transaction.
func txMigration(fn func(ctx context.Context, tx bun.Tx) error) func(context.Context, *migrate.Migrator, *migrate.Migration) error {
	return func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
		return m.DB().RunInTx(ctx, nil, fn)
	}
}

// migrationLock is the key of the PostgreSQL advisory lock under which a process migrates a
// database ("rubric" in ASCII). Advisory locks belong to one database, so the key only has to
// be unique among the users of rubric's database.
const migrationLock int64 = 0x727562726963

// migrate brings the database's tables up to date. On PostgreSQL it holds migrationLock, so
// that processes starting together migrate one after the other and each migration runs once:
// the first applies them, the others find them applied. On SQLite a lock on the file
// <database>-migrate does the same for the stores and processes that open one file together
// (see lockSQLiteMigrations).
func (s *Store) migrate(ctx context.Context) error {
	switch s.wdb.Dialect().Name() {
	case dialect.PG:
		unlock, err := s.lockMigrations(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	case dialect.SQLite:
		if s.migrated(ctx) {
			return nil // nothing to do: no lock, so no <database>-migrate file left behind
		}
		unlock, err := s.lockSQLiteMigrations(ctx)
		if err != nil {
			return err
		}
		defer unlock()
	}
	m := migrate.NewMigrator(s.wdb, migrations(), migrate.WithMarkAppliedOnSuccess(true), migrate.WithUpsert(true))
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("schema: init migrations: %w", err)
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("schema: migrate: %w", err)
	}
	return nil
}

// lockMigrations takes migrationLock, a session lock, on a connection of its own and returns
// the function that releases it. It polls pg_try_advisory_lock rather than waiting in
// pg_advisory_lock, whose wait the driver's read timeout would cut short when another process
// migrates for long, and gives up when ctx is done.
func (s *Store) lockMigrations(ctx context.Context) (unlock func(), err error) {
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("schema: lock migrations: %w", err)
	}
	for {
		var locked bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(?)", migrationLock).Scan(&locked); err != nil {
			conn.Close()
			return nil, fmt.Errorf("schema: lock migrations: %w", err)
		}
		if locked {
			break
		}
		select {
		case <-ctx.Done():
			conn.Close()
			return nil, fmt.Errorf("schema: lock migrations: another process is migrating: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock(?)", migrationLock); err != nil {
			// The session might still hold the lock: close the connection instead of
			// returning it to the pool, which ends the session and releases the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// The tables as the first migration creates them. These types belong to the migration and
// never change; the store's own models live beside the code that uses them.
type (
	v1Scheme struct {
		bun.BaseModel `bun:"table:schemes"`
		Code          string    `bun:"code,pk"`
		Title         string    `bun:"title,notnull"`
		Period        string    `bun:"period,notnull"`
		Issuer        string    `bun:"issuer,notnull"`
		Revision      int       `bun:"revision,notnull"`
		DataVersion   int64     `bun:"data_version,notnull"`
		CreatedAt     time.Time `bun:"created_at,notnull"`
		UpdatedAt     time.Time `bun:"updated_at,notnull"`
	}
	v1Revision struct {
		bun.BaseModel `bun:"table:scheme_revisions"`
		SchemeCode    string    `bun:"scheme_code,pk"`
		Revision      int       `bun:"revision,pk"`
		Document      string    `bun:"document,type:text,notnull"`
		Who           string    `bun:"who,notnull"`
		Message       string    `bun:"message,notnull"`
		CreatedAt     time.Time `bun:"created_at,notnull"`
	}
	v1Unit struct {
		bun.BaseModel `bun:"table:units"`
		SchemeCode    string `bun:"scheme_code,pk"`
		Code          string `bun:"code,pk"`
		Name          string `bun:"name,notnull"`
		GroupName     string `bun:"group_name,notnull"`
		Attrs         string `bun:"attrs,type:text,notnull"`
		Position      int    `bun:"position,notnull"`
	}
	v1Value struct {
		bun.BaseModel `bun:"table:metric_values"`
		SchemeCode    string    `bun:"scheme_code,pk"`
		UnitCode      string    `bun:"unit_code,pk"`
		Layer         string    `bun:"layer,pk"`
		Metric        string    `bun:"metric,pk"`
		Value         string    `bun:"value,type:text,notnull"`
		Note          string    `bun:"note,type:text,notnull"`
		Who           string    `bun:"who,notnull"`
		UpdatedAt     time.Time `bun:"updated_at,notnull"`
	}
	v1History struct {
		bun.BaseModel `bun:"table:value_history"`
		ID            int64     `bun:"id,pk,autoincrement"`
		SchemeCode    string    `bun:"scheme_code,notnull"`
		UnitCode      string    `bun:"unit_code,notnull"`
		Layer         string    `bun:"layer,notnull"`
		Metric        string    `bun:"metric,notnull"`
		OldValue      *string   `bun:"old_value,type:text"`
		NewValue      *string   `bun:"new_value,type:text"`
		Note          string    `bun:"note,type:text,notnull"`
		Who           string    `bun:"who,notnull"`
		At            time.Time `bun:"at,notnull"`
	}
)

func createTables(ctx context.Context, tx bun.Tx) error {
	tables := []struct {
		model any
		fks   []string
	}{
		{(*v1Scheme)(nil), nil},
		{(*v1Revision)(nil), []string{`("scheme_code") REFERENCES "schemes" ("code") ON DELETE CASCADE`}},
		{(*v1Unit)(nil), []string{`("scheme_code") REFERENCES "schemes" ("code") ON DELETE CASCADE`}},
		{(*v1Value)(nil), []string{`("scheme_code", "unit_code") REFERENCES "units" ("scheme_code", "code") ON DELETE CASCADE`}},
		{(*v1History)(nil), []string{`("scheme_code") REFERENCES "schemes" ("code") ON DELETE CASCADE`}},
	}
	for _, t := range tables {
		q := tx.NewCreateTable().Model(t.model).IfNotExists()
		for _, fk := range t.fks {
			q = q.ForeignKey(fk)
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
	}
	indexes := []struct {
		model   any
		name    string
		columns []string
	}{
		{(*v1Unit)(nil), "units_roster_idx", []string{"scheme_code", "position"}},
		{(*v1History)(nil), "value_history_scheme_idx", []string{"scheme_code", "id"}},
		{(*v1History)(nil), "value_history_unit_idx", []string{"scheme_code", "unit_code", "metric"}},
	}
	for _, ix := range indexes {
		if _, err := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Column(ix.columns...).IfNotExists().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func dropTables(ctx context.Context, tx bun.Tx) error {
	for _, model := range []any{(*v1History)(nil), (*v1Value)(nil), (*v1Unit)(nil), (*v1Revision)(nil), (*v1Scheme)(nil)} {
		if _, err := tx.NewDropTable().Model(model).IfExists().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// migrated reports whether every migration of this build is applied to the SQLite database;
// false when that cannot be told, so that migrate takes the lock and finds out.
func (s *Store) migrated(ctx context.Context) bool {
	var exists bool
	q := "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'bun_migrations'"
	if err := s.wdb.QueryRowContext(ctx, q).Scan(&exists); err != nil || !exists {
		return false
	}
	all, err := migrate.NewMigrator(s.wdb, migrations()).MigrationsWithStatus(ctx)
	if err != nil {
		return false
	}
	for _, m := range all {
		if !m.IsApplied() {
			return false
		}
	}
	return true
}
