package schema

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// The second migration, tokens_audit: API tokens, the audit log of every change that is not a
// value, and a value history that outlives its scheme and says why a value changed.
//
//   - tokens: one row per API token, its secret kept only as a SHA-256 hash, looked up by the
//     hash's first 16 hex digits (lookup) and then compared in full.
//   - audit_log: append-only; no foreign key, so that deleting a scheme keeps its entries.
//   - value_history: gains reason and loses its foreign key to schemes (which deleted the
//     history with its scheme). SQLite cannot drop a foreign key, so there the table is
//     rebuilt, keeping every row and id; PostgreSQL drops the constraint.
//   - triggers make value_history and audit_log append-only in the database itself: an
//     UPDATE or DELETE of one of their rows fails, whoever sends it.
func migrationTokensAudit() migrate.Migration {
	return migrate.Migration{Name: "20261127000002", Comment: "tokens_audit",
		Up: txMigration(createTokensAudit), Down: txMigration(dropTokensAudit)}
}

// The tables as the second migration creates them; like v1's, they never change.
type (
	v2Token struct {
		bun.BaseModel `bun:"table:tokens"`
		ID            int64      `bun:"id,pk,autoincrement"`
		Name          string     `bun:"name,notnull,unique"`
		Role          string     `bun:"role,notnull"`
		SchemeCode    string     `bun:"scheme_code,notnull"`
		UnitCode      string     `bun:"unit_code,notnull"`
		Lookup        string     `bun:"lookup,notnull"`
		Hash          string     `bun:"hash,notnull,unique"`
		CreatedAt     time.Time  `bun:"created_at,notnull"`
		LastUsedAt    *time.Time `bun:"last_used_at"`
		RevokedAt     *time.Time `bun:"revoked_at"`
	}
	v2Audit struct {
		bun.BaseModel `bun:"table:audit_log"`
		ID            int64     `bun:"id,pk,autoincrement"`
		SchemeCode    *string   `bun:"scheme_code"`
		Revision      *int      `bun:"revision"`
		Kind          string    `bun:"kind,notnull"`
		Target        string    `bun:"target,notnull"`
		Action        string    `bun:"action,notnull"`
		OldValue      *string   `bun:"old_value,type:text"`
		NewValue      *string   `bun:"new_value,type:text"`
		Who           string    `bun:"who,notnull"`
		Reason        string    `bun:"reason,type:text,notnull"`
		At            time.Time `bun:"at,notnull"`
	}
	// v2History is value_history without its foreign key and with reason; SQLite builds it
	// under a temporary name, then renames it.
	v2History struct {
		bun.BaseModel `bun:"table:value_history_v2"`
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
		Reason        string    `bun:"reason,type:text,notnull,default:''"`
	}
)

func createTokensAudit(ctx context.Context, tx bun.Tx) error {
	for _, model := range []any{(*v2Token)(nil), (*v2Audit)(nil)} {
		if _, err := tx.NewCreateTable().Model(model).IfNotExists().Exec(ctx); err != nil {
			return err
		}
	}
	if err := historyWithoutForeignKey(ctx, tx); err != nil {
		return err
	}
	if err := appendOnly(ctx, tx); err != nil {
		return err
	}
	indexes := []struct {
		table, name string
		columns     []string
	}{
		{"tokens", "tokens_lookup_idx", []string{"lookup"}},
		{"audit_log", "audit_log_scheme_idx", []string{"scheme_code", "at"}},
		{"audit_log", "audit_log_at_idx", []string{"at"}},
		{"value_history", "value_history_scheme_idx", []string{"scheme_code", "id"}},
		{"value_history", "value_history_unit_idx", []string{"scheme_code", "unit_code", "metric"}},
		{"value_history", "value_history_at_idx", []string{"scheme_code", "at"}},
	}
	for _, ix := range indexes {
		if _, err := tx.NewCreateIndex().Table(ix.table).Index(ix.name).Column(ix.columns...).IfNotExists().Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// historyWithoutForeignKey adds value_history.reason and drops the table's foreign key.
func historyWithoutForeignKey(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() == dialect.PG {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE value_history ADD COLUMN IF NOT EXISTS reason TEXT NOT NULL DEFAULT ''`); err != nil {
			return err
		}
		var names []string
		if err := tx.NewRaw(`SELECT conname FROM pg_constraint WHERE conrelid = 'value_history'::regclass AND contype = 'f'`).
			Scan(ctx, &names); err != nil {
			return err
		}
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE value_history DROP CONSTRAINT ?", bun.Ident(name)); err != nil {
				return err
			}
		}
		return nil
	}
	var done int
	if err := tx.NewRaw(`SELECT COUNT(*) FROM pragma_table_info('value_history') WHERE name = 'reason'`).Scan(ctx, &done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.NewCreateTable().Model((*v2History)(nil)).Exec(ctx); err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO value_history_v2 (id, scheme_code, unit_code, layer, metric, old_value, new_value, note, who, at, reason)
		SELECT id, scheme_code, unit_code, layer, metric, old_value, new_value, note, who, at, '' FROM value_history`,
		`DROP TABLE value_history`,
		`ALTER TABLE value_history_v2 RENAME TO value_history`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// appendOnlyTables are the tables whose rows are never updated or deleted.
var appendOnlyTables = []string{"value_history", "audit_log"}

// appendOnly adds the triggers that refuse to update or delete a row of appendOnlyTables.
func appendOnly(ctx context.Context, tx bun.Tx) error {
	return appendOnlyTriggers(ctx, tx, appendOnlyTables...)
}

// appendOnlyTriggers adds the triggers that refuse to update or delete a row of tables.
func appendOnlyTriggers(ctx context.Context, tx bun.Tx, appendOnlyTables ...string) error {
	var queries []string
	if tx.Dialect().Name() == dialect.PG {
		queries = append(queries, `CREATE OR REPLACE FUNCTION rubric_append_only() RETURNS trigger AS $$
		BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`)
		for _, table := range appendOnlyTables {
			queries = append(queries, fmt.Sprintf(`DROP TRIGGER IF EXISTS %[1]s_append_only ON %[1]s`, table),
				fmt.Sprintf(`CREATE TRIGGER %[1]s_append_only BEFORE UPDATE OR DELETE ON %[1]s
				FOR EACH ROW EXECUTE FUNCTION rubric_append_only()`, table))
		}
	} else {
		for _, table := range appendOnlyTables {
			for _, op := range []string{"update", "delete"} {
				queries = append(queries, fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS %[1]s_append_only_%[2]s
				BEFORE %[2]s ON %[1]s BEGIN SELECT RAISE(ABORT, '%[1]s is append-only'); END`, table, op))
			}
		}
	}
	for _, q := range queries {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// dropTokensAudit drops the new tables, index and triggers. value_history keeps its reasons and stays
// without a foreign key: entries of deleted schemes could not satisfy one.
func dropTokensAudit(ctx context.Context, tx bun.Tx) error {
	for _, model := range []any{(*v2Audit)(nil), (*v2Token)(nil)} {
		if _, err := tx.NewDropTable().Model(model).IfExists().Exec(ctx); err != nil {
			return err
		}
	}
	for _, table := range appendOnlyTables {
		q := fmt.Sprintf(`DROP TRIGGER IF EXISTS %[1]s_append_only ON %[1]s`, table)
		if tx.Dialect().Name() != dialect.PG {
			q = fmt.Sprintf(`DROP TRIGGER IF EXISTS %[1]s_append_only_update; DROP TRIGGER IF EXISTS %[1]s_append_only_delete`, table)
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	_, err := tx.NewDropIndex().Index("value_history_at_idx").IfExists().Exec(ctx)
	return err
}
