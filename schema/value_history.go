package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// historyRow is a row of value_history, the append-only log of value changes.
type historyRow struct {
	bun.BaseModel `bun:"table:value_history,alias:h"`
	ID            int64     `bun:"id,pk,autoincrement"`
	SchemeCode    string    `bun:"scheme_code"`
	UnitCode      string    `bun:"unit_code"`
	Layer         string    `bun:"layer"`
	Metric        string    `bun:"metric"`
	OldValue      *string   `bun:"old_value"`
	NewValue      *string   `bun:"new_value"`
	Note          string    `bun:"note"`
	Reason        string    `bun:"reason"`
	Who           string    `bun:"who"`
	At            time.Time `bun:"at"`
	// DataVersion is the scheme's data version the change made, on changes of values only
	// (PATCH/PUT of a unit's values, an import): a sheet cached at an earlier version catches
	// up by applying them (Store.ValueChanges). NULL on changes made with the roster or the
	// scheme, and on changes saved before the column existed.
	DataVersion *int64 `bun:"data_version"`
}

// HistoryEntry is one change of one value: Old is nil when the value was first entered, New
// when it was removed.
type HistoryEntry struct {
	ID     int64     `json:"id"`
	Unit   string    `json:"unit"`
	Layer  string    `json:"layer"`
	Metric string    `json:"metric"`
	Old    any       `json:"old_value"`
	New    any       `json:"new_value"`
	Note   string    `json:"note,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Who    string    `json:"who"`
	At     time.Time `json:"at"`
}

// HistoryFilter selects entries of the value history; an empty field selects all.
type HistoryFilter struct {
	Unit   string
	Metric string
	Layer  string
}

// ValueHistory lists the changes of a scheme's values, newest first, a page at a time, with
// their total count.
func (s *Store) ValueHistory(ctx context.Context, code string, f HistoryFilter, page Page) ([]HistoryEntry, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	if f.Layer != "" {
		if _, err := checkLayer(f.Layer); err != nil {
			return nil, 0, err
		}
	}
	var out []HistoryEntry
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := getScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		var rows []historyRow
		// The scheme's own history: not that of a deleted scheme of the same code.
		q := tx.NewSelect().Model(&rows).Where("scheme_code = ? AND id > ?", code, row.ValuesAfter)
		if f.Unit != "" {
			q = q.Where("unit_code = ?", f.Unit)
		}
		if f.Metric != "" {
			q = q.Where("metric = ?", f.Metric)
		}
		if f.Layer != "" {
			q = q.Where("layer = ?", f.Layer)
		}
		n, err := q.Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		if err := q.Order("id DESC").Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx); err != nil {
			return err
		}
		out = make([]HistoryEntry, len(rows))
		for i, r := range rows {
			e := HistoryEntry{ID: r.ID, Unit: r.UnitCode, Layer: r.Layer, Metric: r.Metric, Note: r.Note, Reason: r.Reason, Who: r.Who, At: r.At.UTC()}
			if r.OldValue != nil {
				if e.Old, err = decodeValue(*r.OldValue); err != nil {
					return err
				}
			}
			if r.NewValue != nil {
				if e.New, err = decodeValue(*r.NewValue); err != nil {
					return err
				}
			}
			out[i] = e
		}
		return nil
	})
	if err != nil {
		return nil, 0, wrap(err, "list value history of %q", code)
	}
	return out, total, nil
}
