package schema

import (
	"context"

	"github.com/uptrace/bun"
)

// ValueNotes returns the notes of a layer's values ("" is final) that have one, unit code →
// metric code → note, read with one query: an import of every unit keeps the notes of the
// values it replaces without reading the units one at a time.
func (s *Store) ValueNotes(ctx context.Context, code, layer string) (map[string]map[string]string, error) {
	layer, err := checkLayer(layer)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT unit_code, metric, note FROM metric_values
			WHERE scheme_code = ? AND layer = ? AND note <> ''`, code, layer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var unit, metric, note string
			if err := rows.Scan(&unit, &metric, &note); err != nil {
				return err
			}
			if out[unit] == nil {
				out[unit] = map[string]string{}
			}
			out[unit][metric] = note
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap(err, "read notes of %q", code)
	}
	return out, nil
}
