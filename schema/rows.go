package schema

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// Rows returns what the engine evaluates for one layer of a scheme ("" is final), read in one
// consistent snapshot: the current revision and data version, the scheme, and one row per
// unit in roster order with that layer's values. Nothing is filled in: a metric without a
// value is absent from Values (the engine applies defaults). Values of metrics the scheme no
// longer has, or that no longer fit their metric's type or bounds, are left out too.
func (s *Store) Rows(ctx context.Context, code, layer string) (rev int, dataVersion int64, scheme *formulas.Scheme, rows []formulas.Row, err error) {
	layer, err = checkLayer(layer)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := getScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		rev, dataVersion = row.Revision, row.DataVersion
		if scheme, err = loadRevision(ctx, tx, code, row.Revision); err != nil {
			return err
		}
		units, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		// 10,000 units are 100,000+ value rows: scan them plainly, without bun's model reflection.
		stored, err := tx.QueryContext(ctx,
			"SELECT unit_code, metric, value FROM metric_values WHERE scheme_code = ? AND layer = ?", code, layer)
		if err != nil {
			return err
		}
		defer stored.Close()
		metrics := metricIndex(scheme)
		index := make(map[string]int, len(units))
		rows = make([]formulas.Row, len(units))
		for i, u := range units {
			index[u.Code] = i
			rows[i] = formulas.Row{Unit: u, Values: make(map[string]any, len(metrics))}
		}
		var unit, metric, value string
		for stored.Next() {
			if err := stored.Scan(&unit, &metric, &value); err != nil {
				return err
			}
			i, ok := index[unit]
			m := metrics[metric]
			if !ok || m == nil {
				continue
			}
			x, err := decodeValue(value)
			if err != nil {
				return err
			}
			if x, msg := checkValue(m.Type, m.Min, m.Max, x); msg == "" {
				rows[i].Values[m.Code] = x
			}
		}
		if err := stored.Err(); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return 0, 0, nil, nil, wrap(err, "read rows of %q", code)
	}
	return rev, dataVersion, scheme, rows, nil
}
