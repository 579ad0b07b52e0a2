package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// SchemeDeletedReason is the reason recorded when a scheme's tokens are revoked with it.
const SchemeDeletedReason = "方案已删除"

// revokeSchemeTokens revokes the live tokens scoped to a scheme that is being deleted, in the
// deletion's transaction. Tokens are scoped by code; without this a scheme created later with
// the same code would accept the deleted one's viewers, assessors and unit tokens, which
// were granted for a different roster and rubric. Each revocation is in the token history.
func revokeSchemeTokens(ctx context.Context, tx bun.IDB, code string, now time.Time) error {
	var rows []tokenRow
	if err := tx.NewSelect().Model(&rows).Column("id", "name").
		Where("scheme_code = ? AND revoked_at IS NULL", code).Order("id").Scan(ctx); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := tx.NewUpdate().Model((*tokenRow)(nil)).Set("revoked_at = ?", now).
		Where("scheme_code = ? AND revoked_at IS NULL", code).Exec(ctx); err != nil {
		return err
	}
	l := &auditLog{who: actor(ctx, ""), reason: SchemeDeletedReason, at: now, scheme: &code}
	for _, r := range rows {
		if err := l.add(ChangeToken, ActionRevoke, r.Name, 0, map[string]any{"revoked_at": nil},
			map[string]any{"revoked_at": now}); err != nil {
			return err
		}
	}
	return l.save(ctx, tx)
}
