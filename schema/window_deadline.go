package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// DeadlineReason is the reason recorded when a layer closes by its deadline.
const DeadlineReason = "截止时间已到"

// CloseDueWindows records the layers whose deadline has passed as closed: each is written
// closed at its deadline, with an audit entry (kind layer, action close, by SystemWho) and a
// layer.closed event, so webhooks hear of a deadline as they hear of an administrator closing
// a layer. Entry is refused from the deadline on whether or not this has run; it only makes
// the closing a recorded event. Each layer is closed in its own transaction and only if it is
// still open with the same deadline, so several processes on one database announce it once.
// It returns how many layers it closed.
func (s *Store) CloseDueWindows(ctx context.Context) (int, error) {
	var rows []windowRow
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&rows).Where("closed = ?", false).Where("closes_at IS NOT NULL").Scan(ctx)
	})
	if err != nil {
		return 0, wrap(err, "read the layers' deadlines")
	}
	now := s.now()
	closed := 0
	for _, r := range rows {
		deadline, err := time.Parse(time.RFC3339, *r.ClosesAt)
		if err != nil || now.Before(deadline) {
			continue // SetWindow only stores parsable deadlines; a future one is not due
		}
		ok, err := s.closeByDeadline(ctx, r, deadline, now)
		if err != nil {
			return closed, wrap(err, "close the %s layer of %q by its deadline", r.Layer, r.SchemeCode)
		}
		if ok {
			closed++
		}
	}
	return closed, nil
}

// closeByDeadline closes one layer whose deadline has passed, unless another process or an
// administrator changed its window meanwhile; it says whether it did.
func (s *Store) closeByDeadline(ctx context.Context, r windowRow, deadline, now time.Time) (bool, error) {
	done := false
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		before := r.window(r.Layer, deadline.Add(-time.Nanosecond))
		at := deadline.UTC()
		res, err := tx.NewUpdate().Model((*windowRow)(nil)).
			Set("closed = ?", true).Set("closed_at = ?", at).
			Where("scheme_code = ? AND layer = ?", r.SchemeCode, r.Layer).
			Where("closed = ?", false).Where("closes_at = ?", *r.ClosesAt).
			Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // changed meanwhile: nothing to announce
		}
		done = true
		after := r
		after.Closed, after.ClosedAt = true, &at
		out := after.window(r.Layer, now)
		l := &auditLog{who: SystemWho, reason: DeadlineReason, at: now, scheme: &r.SchemeCode}
		if err := l.add(ChangeLayer, ActionClose, r.Layer, 0, windowChange(before), windowChange(out)); err != nil {
			return err
		}
		if err := l.save(ctx, tx); err != nil {
			return err
		}
		return enqueueEvent(ctx, tx, EventLayerClosed, r.SchemeCode, map[string]any{"layer": r.Layer,
			"closed_at": out.ClosedAt, "who": SystemWho, "closes_at": *r.ClosesAt}, now)
	})
	if err != nil {
		return false, err
	}
	return done, nil
}
