package schema

import (
	"context"

	"github.com/uptrace/bun"
)

// ValueChange is one change of one value of a layer, as the value history records it.
type ValueChange struct {
	DataVersion int64  // the data version the change made
	Unit        string // unit code
	Metric      string // metric code
	Value       any    // the new value; nil when it was removed or no longer fits its metric
}

// ValueChanges returns, in the order they were made, the changes of one layer's values ("" is
// final) that brought a scheme from data version from to its current one, and that version,
// if the value history can tell them all. ok is false when it cannot, and a sheet evaluated
// at from must be evaluated anew: the revision is no longer rev; something besides values
// changed in between (the roster, a replaced scheme: a data version without value changes);
// the scheme was deleted and created again (its data version starts at the time of its
// creation, a version no value change made); or there are more than limit changes, when a
// new evaluation is the cheaper way. A change of another layer counts against limit but is
// not returned.
func (s *Store) ValueChanges(ctx context.Context, code, layer string, rev int, from int64, limit int) (to int64, changes []ValueChange, ok bool, err error) {
	layer, err = checkLayer(layer)
	if err != nil {
		return 0, nil, false, err
	}
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := getScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		to = row.DataVersion
		// Every data version after from was made by at least one change: more versions than
		// limit are more changes.
		if row.Revision != rev || to < from || to-from > int64(limit) {
			return nil
		}
		if to == from {
			ok = true
			return nil
		}
		sc, err := loadRevision(ctx, tx, code, rev)
		if err != nil {
			return err
		}
		metrics := metricIndex(sc)
		rows, err := tx.QueryContext(ctx, `SELECT data_version, layer, unit_code, metric, new_value FROM value_history
			WHERE scheme_code = ? AND data_version > ? AND data_version <= ? ORDER BY data_version, id LIMIT ?`,
			code, from, to, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		n, versions, last := 0, int64(0), from
		for rows.Next() {
			var c ValueChange
			var l string
			var value *string
			if err := rows.Scan(&c.DataVersion, &l, &c.Unit, &c.Metric, &value); err != nil {
				return err
			}
			if n++; n > limit {
				return nil
			}
			if c.DataVersion != last {
				versions, last = versions+1, c.DataVersion
			}
			m := metrics[c.Metric]
			if l != layer || m == nil {
				continue
			}
			if value != nil {
				x, err := decodeValue(*value)
				if err != nil {
					return err
				}
				if x, msg := checkValue(m.Type, m.Min, m.Max, x); msg == "" {
					c.Value = x
				}
			}
			changes = append(changes, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		ok = versions == to-from
		return nil
	})
	if err != nil {
		return 0, nil, false, wrap(err, "read value changes of %q", code)
	}
	if !ok {
		changes = nil
	}
	return to, changes, ok, nil
}
