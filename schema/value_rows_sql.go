package schema

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// valueStatements writes the rows of a value write as plain multi-row SQL, one statement per
// table and chunk, formatted by the dialect's own quoting of texts and times (what bun's
// inserts write) but without bun's reflection over each row's fields, which allocated 1.37 GB
// over an import of 1.3 million values. The statements of a chunk go to the database in one
// round trip (execBatch).
type valueStatements struct {
	d   schema.Dialect
	buf []byte
}

// upsertValues appends the statement that writes rows into metric_values, replacing a stored
// value of the same unit, layer and metric.
func (w *valueStatements) upsertValues(rows []valueRow) {
	if len(rows) == 0 {
		return
	}
	w.sep()
	w.buf = append(w.buf, `INSERT INTO metric_values (scheme_code, unit_code, layer, metric, value, note, who, updated_at) VALUES `...)
	for i := range rows {
		r := &rows[i]
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, '(')
		w.str(r.SchemeCode, ',')
		w.str(r.UnitCode, ',')
		w.str(r.Layer, ',')
		w.str(r.Metric, ',')
		w.str(r.Value, ',')
		w.str(r.Note, ',')
		w.str(r.Who, ',')
		w.buf = w.d.AppendTime(w.buf, r.UpdatedAt)
		w.buf = append(w.buf, ')')
	}
	w.buf = append(w.buf, ` ON CONFLICT (scheme_code, unit_code, layer, metric) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note, who = EXCLUDED.who, updated_at = EXCLUDED.updated_at`...)
}

// insertHistory appends the statement that adds rows to value_history (their ids are the
// database's).
func (w *valueStatements) insertHistory(rows []historyRow) {
	if len(rows) == 0 {
		return
	}
	w.sep()
	w.buf = append(w.buf, `INSERT INTO value_history (scheme_code, unit_code, layer, metric, old_value, new_value, note, reason, who, at, data_version) VALUES `...)
	for i := range rows {
		r := &rows[i]
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, '(')
		w.str(r.SchemeCode, ',')
		w.str(r.UnitCode, ',')
		w.str(r.Layer, ',')
		w.str(r.Metric, ',')
		w.nullStr(r.OldValue)
		w.nullStr(r.NewValue)
		w.str(r.Note, ',')
		w.str(r.Reason, ',')
		w.str(r.Who, ',')
		w.buf = w.d.AppendTime(w.buf, r.At)
		w.buf = append(w.buf, ',')
		if r.DataVersion == nil {
			w.buf = append(w.buf, "NULL"...)
		} else {
			w.buf = strconv.AppendInt(w.buf, *r.DataVersion, 10)
		}
		w.buf = append(w.buf, ')')
	}
}

// deleteValue appends the statement that removes one stored value.
func (w *valueStatements) deleteValue(r *valueRow) {
	w.sep()
	w.buf = append(w.buf, `DELETE FROM metric_values WHERE scheme_code = `...)
	w.str(r.SchemeCode, ' ')
	w.buf = append(w.buf, `AND unit_code = `...)
	w.str(r.UnitCode, ' ')
	w.buf = append(w.buf, `AND layer = `...)
	w.str(r.Layer, ' ')
	w.buf = append(w.buf, `AND metric = `...)
	w.str(r.Metric, 0)
}

// bumpData appends the statement that sets a scheme's data version after a write of values
// (see bumpData; the caller holds the scheme's row locked, so the version is known).
func (w *valueStatements) bumpData(code string, dataVersion int64, at time.Time) {
	w.sep()
	w.buf = append(w.buf, `UPDATE schemes SET data_version = `...)
	w.buf = strconv.AppendInt(w.buf, dataVersion, 10)
	w.buf = append(w.buf, `, updated_at = `...)
	w.buf = w.d.AppendTime(w.buf, at)
	w.buf = append(w.buf, ` WHERE code = `...)
	w.str(code, 0)
}

func (w *valueStatements) sep() {
	if len(w.buf) > 0 {
		w.buf = append(w.buf, ";\n"...)
	}
}

// str appends a quoted text, then the byte after (0 for none).
func (w *valueStatements) str(s string, after byte) {
	w.buf = w.d.AppendString(w.buf, s)
	if after != 0 {
		w.buf = append(w.buf, after)
	}
}

// nullStr appends a quoted text or NULL, then a comma.
func (w *valueStatements) nullStr(s *string) {
	if s == nil {
		w.buf = append(w.buf, "NULL,"...)
		return
	}
	w.str(*s, ',')
}

// exec sends the statements appended since the last exec in one round trip and starts anew.
// The text is complete SQL: given no arguments, bun passes it to the driver as it is (a '?'
// in a quoted value is not a placeholder).
func (w *valueStatements) exec(ctx context.Context, db bun.IDB) error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := db.ExecContext(ctx, string(w.buf))
	w.buf = w.buf[:0]
	return err
}
