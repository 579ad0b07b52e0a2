package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// States of a layer's entry window.
const (
	WindowOpen   = "open"
	WindowClosed = "closed"
)

// ChangeLayer is the kind of the audit entries of a layer's entry window: closed, opened again,
// given a deadline.
const ChangeLayer = "layer"

// Actions of a layer's window in the audit log.
const (
	ActionClose = "close"
	ActionOpen  = "open"
)

// windowRow is a row of layer_windows: the entry window of one layer of a scheme.
type windowRow struct {
	bun.BaseModel `bun:"table:layer_windows,alias:w"`
	SchemeCode    string     `bun:"scheme_code,pk"`
	Layer         string     `bun:"layer,pk"`
	Closed        bool       `bun:"closed"`
	ClosesAt      *string    `bun:"closes_at"`
	ClosedAt      *time.Time `bun:"closed_at"`
	Who           string     `bun:"who"`
	Reason        string     `bun:"reason"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

// Window is the entry window of one layer of a scheme (自评 or 考核 entry): open or closed, with
// an optional deadline. State is what holds now: a layer whose deadline has passed is closed.
// ClosesAt is the deadline as the administrator gave it (RFC 3339 with its zone); ClosedAt is
// when the layer closed, by an administrator or by its deadline. Who, Reason and UpdatedAt
// say who last set the window and why; a layer never set has none.
type Window struct {
	Layer     string     `json:"layer"`
	State     string     `json:"state"`
	ClosesAt  *string    `json:"closes_at"`
	ClosedAt  *time.Time `json:"closed_at"`
	Who       string     `json:"who,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// WindowSpec is what an administrator sets on a layer's window: its state (open or closed) and
// an optional deadline, an RFC 3339 time with a zone ("2026-12-15T17:00:00+08:00"), after
// which an open layer is closed. A nil ClosesAt removes the deadline.
type WindowSpec struct {
	State    string  `json:"state"`
	ClosesAt *string `json:"closes_at"`
}

// window is the state of a row at now (nil row: open, never set).
func (r *windowRow) window(layer string, now time.Time) Window {
	w := Window{Layer: layer, State: WindowOpen}
	if r == nil {
		return w
	}
	w.ClosesAt, w.Who, w.Reason = r.ClosesAt, r.Who, r.Reason
	at := r.UpdatedAt.UTC()
	w.UpdatedAt = &at
	if r.Closed && r.ClosedAt != nil {
		t := r.ClosedAt.UTC()
		w.State, w.ClosedAt = WindowClosed, &t
	}
	if r.ClosesAt != nil {
		if deadline, err := time.Parse(time.RFC3339, *r.ClosesAt); err == nil && !now.Before(deadline) {
			if w.ClosedAt == nil || deadline.Before(*w.ClosedAt) {
				d := deadline.UTC()
				w.ClosedAt = &d
			}
			w.State = WindowClosed
		}
	}
	return w
}

// Windows returns the entry windows of a scheme's layers: self, then final.
func (s *Store) Windows(ctx context.Context, code string) ([]Window, error) {
	var out []Window
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		now := s.now()
		for _, layer := range []string{LayerSelf, LayerFinal} {
			row, err := getWindow(ctx, tx, code, layer)
			if err != nil {
				return err
			}
			out = append(out, row.window(layer, now))
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "get windows of %q", code)
	}
	return out, nil
}

// SetWindow opens or closes a layer of a scheme for entry, with an optional deadline, as who
// (or the context's author). Opening a layer that is closed (reopening it) needs a reason
// (WithReason): without one it is Invalid. A deadline that has already passed cannot be set on
// an open layer. The change is recorded in the audit log (kind layer, action close or open).
func (s *Store) SetWindow(ctx context.Context, code, layer string, spec WindowSpec, who string) (Window, error) {
	var out Window
	if layer != LayerSelf && layer != LayerFinal {
		return out, Errorf(Invalid, "layer", "unknown layer %q: use final or self", layer)
	}
	if spec.State != WindowOpen && spec.State != WindowClosed {
		return out, Errorf(Invalid, "state", "unknown state %q: use open or closed", spec.State)
	}
	now := s.now()
	if spec.ClosesAt != nil {
		deadline, err := time.Parse(time.RFC3339, *spec.ClosesAt)
		if err != nil {
			return out, Errorf(Invalid, "closes_at", "closes_at %q is not a time with a zone such as 2026-12-15T17:00:00+08:00", *spec.ClosesAt)
		}
		if spec.State == WindowOpen && !now.Before(deadline) {
			return out, Errorf(Invalid, "closes_at", "closes_at %s has passed: an open layer needs a later deadline or none", *spec.ClosesAt)
		}
	}
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockScheme(ctx, tx, code); err != nil {
			return err
		}
		old, err := getWindow(ctx, tx, code, layer)
		if err != nil {
			return err
		}
		before := old.window(layer, now)
		l, err := newAuditLog(ctx, code, who, "", now)
		if err != nil {
			return err
		}
		if spec.State == WindowOpen && before.State == WindowClosed && l.reason == "" {
			return Errorf(Invalid, "reason", "the %s layer of %q closed at %s: reopening it needs a reason (X-Reason)",
				layer, code, before.ClosedAt.Format(time.RFC3339))
		}
		row := &windowRow{SchemeCode: code, Layer: layer, Closed: spec.State == WindowClosed, ClosesAt: spec.ClosesAt,
			Who: l.who, Reason: l.reason, UpdatedAt: now}
		if row.Closed {
			row.ClosedAt = &now
			if before.State == WindowClosed {
				row.ClosedAt = before.ClosedAt
			}
		}
		if _, err := tx.NewInsert().Model(row).
			On("CONFLICT (scheme_code, layer) DO UPDATE").
			Set("closed = EXCLUDED.closed").Set("closes_at = EXCLUDED.closes_at").Set("closed_at = EXCLUDED.closed_at").
			Set("who = EXCLUDED.who").Set("reason = EXCLUDED.reason").Set("updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return err
		}
		out = row.window(layer, now)
		action := ActionOpen
		if out.State == WindowClosed {
			action = ActionClose
		}
		if err := l.add(ChangeLayer, action, layer, 0, windowChange(before), windowChange(out)); err != nil {
			return err
		}
		if err := l.save(ctx, tx); err != nil {
			return err
		}
		if out.State == WindowClosed && before.State != WindowClosed {
			return enqueueEvent(ctx, tx, EventLayerClosed, code, map[string]any{"layer": layer, "closed_at": out.ClosedAt,
				"who": l.who}, now)
		}
		return nil
	})
	if err != nil {
		return Window{}, wrap(err, "set the %s window of %q", layer, code)
	}
	return out, nil
}

// windowChange is what the audit log keeps of a window.
func windowChange(w Window) map[string]any {
	return map[string]any{"state": w.State, "closes_at": w.ClosesAt, "closed_at": w.ClosedAt}
}

// getWindow reads the window row of a layer; nil when it was never set.
func getWindow(ctx context.Context, db bun.IDB, code, layer string) (*windowRow, error) {
	row := new(windowRow)
	err := db.NewSelect().Model(row).Where("scheme_code = ? AND layer = ?", code, layer).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row, nil
}

// checkOpen refuses a write of values to a layer that is closed at now: a Conflict naming the
// layer and when it closed.
func checkOpen(ctx context.Context, db bun.IDB, code, layer string, now time.Time) error {
	row, err := getWindow(ctx, db, code, layer)
	if err != nil || row == nil {
		return err
	}
	w := row.window(layer, now)
	if w.State != WindowClosed {
		return nil
	}
	when := w.ClosedAt.Format(time.RFC3339)
	if w.ClosesAt != nil {
		if deadline, err := time.Parse(time.RFC3339, *w.ClosesAt); err == nil && deadline.Equal(*w.ClosedAt) {
			when = *w.ClosesAt
		}
	}
	name := map[string]string{LayerSelf: "自评", LayerFinal: "考核"}[layer]
	return &Error{Kind: Conflict, Field: "layer", Message: fmt.Sprintf(
		"the %s layer (%s) of scheme %q closed for entry at %s: an administrator can reopen it", layer, name, code, when)}
}
