package schema

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// The migration history_dv: value_history.data_version, the data version a change of
// values made, and an index to read the changes after a version in order. With them a process
// that holds a sheet evaluated at data version v brings it up to date by applying the changes
// after v instead of evaluating the sheet again (Store.ValueChanges).
func migrationHistoryDataVersion() migrate.Migration {
	return migrate.Migration{Name: "20261203001500", Comment: "history_dv",
		Up: txMigration(addHistoryDataVersion), Down: txMigration(dropHistoryDataVersion)}
}

func addHistoryDataVersion(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() == dialect.PG {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE value_history ADD COLUMN IF NOT EXISTS data_version BIGINT`); err != nil {
			return err
		}
	} else {
		var done int
		if err := tx.NewRaw(`SELECT COUNT(*) FROM pragma_table_info('value_history') WHERE name = 'data_version'`).Scan(ctx, &done); err != nil {
			return err
		}
		if done == 0 {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE value_history ADD COLUMN data_version BIGINT`); err != nil {
				return err
			}
		}
	}
	_, err := tx.NewCreateIndex().Table("value_history").Index("value_history_data_version_idx").
		Column("scheme_code", "data_version").IfNotExists().Exec(ctx)
	return err
}

func dropHistoryDataVersion(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.NewDropIndex().Index("value_history_data_version_idx").IfExists().Exec(ctx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `ALTER TABLE value_history DROP COLUMN data_version`)
	return err
}
