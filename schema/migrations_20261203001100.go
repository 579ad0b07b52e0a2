package schema

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// The migration history_epoch gives every scheme the point where its history begins, so
// that a scheme created with the code of a deleted one does not show the deleted one's
// history (issue 11): schemes.audit_after and schemes.values_after are the largest ids of the
// audit log and of the value history its code had when it was created; its history is the
// rows of its code after them. The history of earlier schemes of the code stays, for the
// auditor (History with HistoryQuery.Deleted).
//
// Existing schemes start after the last deletion of their code, if any: the audit log's
// delete entry, and the value changes made up to its time.
func migrationSchemeHistoryEpoch() migrate.Migration {
	return migrate.Migration{Name: "20261203001100", Comment: "history_epoch",
		Up: txMigration(addSchemeHistoryEpoch), Down: txMigration(dropSchemeHistoryEpoch)}
}

func addSchemeHistoryEpoch(ctx context.Context, tx bun.Tx) error {
	for _, q := range []string{
		`ALTER TABLE schemes ADD COLUMN audit_after BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE schemes ADD COLUMN values_after BIGINT NOT NULL DEFAULT 0`,
		`UPDATE schemes SET audit_after = COALESCE((SELECT MAX(a.id) FROM audit_log a
			WHERE a.scheme_code = schemes.code AND a.kind = 'scheme' AND a.action = 'delete'), 0)`,
		`UPDATE schemes SET values_after = COALESCE((SELECT MAX(v.id) FROM value_history v
			WHERE v.scheme_code = schemes.code AND v.at <= (SELECT a.at FROM audit_log a WHERE a.id = schemes.audit_after)), 0)
			WHERE audit_after > 0`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func dropSchemeHistoryEpoch(ctx context.Context, tx bun.Tx) error {
	for _, q := range []string{`ALTER TABLE schemes DROP COLUMN audit_after`, `ALTER TABLE schemes DROP COLUMN values_after`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
