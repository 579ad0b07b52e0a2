package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// valueRow is a row of metric_values: the current value of one metric of one unit in one layer.
type valueRow struct {
	bun.BaseModel `bun:"table:metric_values,alias:v"`
	SchemeCode    string    `bun:"scheme_code,pk"`
	UnitCode      string    `bun:"unit_code,pk"`
	Layer         string    `bun:"layer,pk"`
	Metric        string    `bun:"metric,pk"`
	Value         string    `bun:"value"`
	Note          string    `bun:"note"`
	Who           string    `bun:"who"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// checkLayer returns the layer a request names: "" is final.
func checkLayer(layer string) (string, error) {
	switch layer {
	case "":
		return LayerFinal, nil
	case LayerFinal, LayerSelf:
		return layer, nil
	}
	return "", Errorf(Invalid, "layer", "unknown layer %q: use final or self", layer)
}

// GetValues returns the values of one unit in one layer ("" is final), by metric code.
func (s *Store) GetValues(ctx context.Context, code, unit, layer string) (map[string]Value, error) {
	layer, err := checkLayer(layer)
	if err != nil {
		return nil, err
	}
	var out map[string]Value
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		if _, err := getUnit(ctx, tx, code, unit); err != nil {
			return err
		}
		out, err = unitValueMap(ctx, tx, code, unit, layer)
		return err
	})
	if err != nil {
		return nil, wrap(err, "get values of %q in %q", unit, code)
	}
	return out, nil
}

// unitValueMap reads the stored values of one unit in one layer, by metric code.
func unitValueMap(ctx context.Context, db bun.IDB, code, unit, layer string) (map[string]Value, error) {
	var rows []valueRow
	if err := db.NewSelect().Model(&rows).
		Where("scheme_code = ? AND unit_code = ? AND layer = ?", code, unit, layer).Scan(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]Value, len(rows))
	for _, r := range rows {
		v, err := decodeValue(r.Value)
		if err != nil {
			return nil, err
		}
		out[r.Metric] = Value{Value: v, Note: r.Note, Who: r.Who, UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// PutValues replaces the values of one unit in one layer: the metrics of values get theirs
// (a scalar or {value, note}; null leaves the metric without a value), every other metric of the
// unit loses its value. An unknown metric, a value of the wrong type or out of range is an
// Invalid error naming the metric, and nothing is saved.
func (s *Store) PutValues(ctx context.Context, code, unit, layer string, values map[string]any, who string) error {
	_, err := s.WriteUnitValues(ctx, code, unit, layer, values, who, true)
	return err
}

// PatchValues merges values into the stored values of one unit in one layer: a scalar or
// {value, note} sets a metric's value, null removes it, metrics not named keep theirs. Errors
// are those of PutValues, and nothing is saved.
func (s *Store) PatchValues(ctx context.Context, code, unit, layer string, values map[string]any, who string) error {
	_, err := s.WriteUnitValues(ctx, code, unit, layer, values, who, false)
	return err
}

// UnitWrite is what a write of one unit's values did, as of its transaction.
type UnitWrite struct {
	Layer    string // the layer written ("final" or "self")
	Revision int    // the scheme's revision
	// From and To are the scheme's data version before and after the write: To is From+1
	// when something changed, From when nothing did.
	From, To int64
	// Changes are the value changes the write made, as ValueChanges(…, From, …) returns them
	// once the write is committed: a sheet cached at From is brought to To by applying them,
	// without reading them back.
	Changes []ValueChange
	Values  map[string]Value // the unit's values after the write, as GetValues returns them
}

// WriteUnitValues is PatchValues, or PutValues with replace, and says what the write did: the
// data versions, the changes and the unit's values after it, read in the write's own
// transaction (a service answers with them and brings its cached sheet up to date with
// them, without a transaction more for each).
func (s *Store) WriteUnitValues(ctx context.Context, code, unit, layer string, values map[string]any, who string, replace bool) (*UnitWrite, error) {
	layer, err := checkLayer(layer)
	if err != nil {
		return nil, err
	}
	var w *UnitWrite
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		if _, err := getUnit(ctx, tx, code, unit); err != nil {
			return err
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		batch, problems := parseEntries(metricIndex(sc), unit, values)
		if len(problems) > 0 {
			return invalid(problems, nil)
		}
		now := s.now()
		w = &UnitWrite{Layer: layer, Revision: row.Revision, From: row.DataVersion, To: row.DataVersion}
		changed, err := saveValues(ctx, tx, code, layer, map[string]map[string]Entry{unit: batch}, replace, who, now, row.DataVersion+1, &w.Changes)
		if err != nil {
			return err
		}
		if changed {
			w.To = row.DataVersion + 1
			if err := bumpData(ctx, tx, code, now); err != nil {
				return err
			}
		}
		w.Values, err = unitValueMap(ctx, tx, code, unit, layer)
		return err
	})
	if err != nil {
		return nil, wrap(err, "save values of %q in %q", unit, code)
	}
	return w, nil
}

// SetValues merges the values of many units of one layer at once (unit code → metric code →
// value, as PatchValues), all or nothing: one unknown unit or metric, one bad value and nothing
// is saved. The error's Problems name every unit and metric at fault.
func (s *Store) SetValues(ctx context.Context, code, layer string, values map[string]map[string]any, who string) error {
	layer, err := checkLayer(layer)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		known, err := unitCodes(ctx, tx, code)
		if err != nil {
			return err
		}
		metrics := metricIndex(sc)
		batch := make(map[string]map[string]Entry, len(values))
		var problems []Problem
		for _, unit := range sortedKeys(values) {
			if !known[unit] {
				problems = append(problems, Problem{Field: unit, Unit: unit, Message: fmt.Sprintf("unknown unit %q", unit)})
				continue
			}
			entries, ps := parseEntries(metrics, unit, values[unit])
			for _, p := range ps {
				p.Field = unit + "." + p.Field
				problems = append(problems, p)
			}
			batch[unit] = entries
		}
		if len(problems) > 0 {
			return invalid(problems, nil)
		}
		now := s.now()
		changed, err := saveValues(ctx, tx, code, layer, batch, false, who, now, row.DataVersion+1, nil)
		if err != nil {
			return err
		}
		if source, ok := importSource(ctx); ok {
			n := 0
			for _, entries := range batch {
				n += len(entries)
			}
			if err := auditImport(ctx, tx, code, layer, source, len(batch), n, who, now); err != nil {
				return err
			}
		}
		if !changed {
			return nil
		}
		return bumpData(ctx, tx, code, now)
	})
	return wrap(err, "save values of %q", code)
}

// parseEntries checks the raw values of one unit and returns them normalized. Problems name
// the metric (Field) and the unit.
func parseEntries(metrics map[string]*formulas.Metric, unit string, raw map[string]any) (map[string]Entry, []Problem) {
	problems := entryProblems(metrics, unit, raw)
	if len(problems) > 0 {
		return nil, problems
	}
	out := make(map[string]Entry, len(raw))
	for code, r := range raw {
		e, _ := ParseEntry(r)
		if e.Value != nil {
			e.Value, _ = checkValue(metrics[code].Type, metrics[code].Min, metrics[code].Max, e.Value)
		}
		out[code] = e
	}
	return out, nil
}

// saveDocumentValues merges a document's values (checked by validate) into the store.
func saveDocumentValues(ctx context.Context, tx bun.IDB, sc *formulas.Scheme, values map[string]map[string]map[string]any, who string, now time.Time) (bool, error) {
	metrics := metricIndex(sc)
	changed := false
	for _, layer := range sortedKeys(values) {
		batch := map[string]map[string]Entry{}
		for unit, raw := range values[layer] {
			entries, problems := parseEntries(metrics, unit, raw)
			if len(problems) > 0 {
				return false, invalid(problems, nil)
			}
			batch[unit] = entries
		}
		c, err := saveValues(ctx, tx, sc.Code, layer, batch, false, who, now, 0, nil)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

// saveValues writes checked entries of one layer (unit → metric → entry) and records every
// change in the value history. With replace, the other stored values of those units are
// removed. It reports whether anything changed. dataVersion, when not 0, is the data version
// the write makes, recorded with each change; the caller holds the scheme's row locked and
// bumps it by one, and nothing but values changes in its transaction. With out, the changes
// are appended to it as ValueChanges reads them back (the write's data version is dataVersion).
func saveValues(ctx context.Context, tx bun.IDB, code, layer string, batch map[string]map[string]Entry, replace bool, who string, now time.Time, dataVersion int64, out *[]ValueChange) (bool, error) {
	if len(batch) == 0 {
		return false, nil
	}
	if err := checkOpen(ctx, tx, code, layer, now); err != nil {
		return false, err
	}
	who = actor(ctx, who)
	reason, err := reasonOf(ctx, "")
	if err != nil {
		return false, err
	}
	var dv *int64
	if dataVersion != 0 {
		dv = &dataVersion
	}
	sortedUnits := sortedKeys(batch)
	stored, err := storedValues(ctx, tx, code, layer, sortedUnits)
	if err != nil {
		return false, err
	}
	old := make(map[[2]string]*valueRow, len(stored))
	for i := range stored {
		old[[2]string{stored[i].UnitCode, stored[i].Metric}] = &stored[i]
	}
	// Rows are written a chunk at a time as they are made, not gathered first: an import of
	// 1.3 million values would otherwise hold every row twice over (value and history).
	var (
		upserts = make([]valueRow, 0, batchSize)
		history = make([]historyRow, 0, batchSize)
		deletes []*valueRow
		changes int
		units   = map[string]bool{} // units with a change
		checked bool
	)
	flush := func(all bool) error {
		if !checked && changes > 0 && reason == "" {
			if err := needReason(ctx, tx, code); err != nil {
				return err
			}
		}
		checked = checked || changes > 0
		if len(upserts) > 0 && (all || len(upserts) >= batchSize) {
			if _, err := tx.NewInsert().Model(&upserts).
				On("CONFLICT (scheme_code, unit_code, layer, metric) DO UPDATE").
				Set("value = EXCLUDED.value").Set("note = EXCLUDED.note").
				Set("who = EXCLUDED.who").Set("updated_at = EXCLUDED.updated_at").
				Exec(ctx); err != nil {
				return err
			}
			upserts = upserts[:0]
		}
		if len(history) > 0 && (all || len(history) >= batchSize) {
			if _, err := tx.NewInsert().Model(&history).Exec(ctx); err != nil {
				return err
			}
			history = history[:0]
		}
		return nil
	}
	record := func(h historyRow) error {
		if out != nil {
			c := ValueChange{DataVersion: dataVersion, Unit: h.UnitCode, Metric: h.Metric}
			if h.NewValue != nil {
				var err error
				if c.Value, err = decodeValue(*h.NewValue); err != nil {
					return err
				}
			}
			*out = append(*out, c)
		}
		history = append(history, h)
		changes++
		units[h.UnitCode] = true
		return flush(false)
	}
	remove := func(r *valueRow) error {
		deletes = append(deletes, r)
		return record(historyRow{SchemeCode: code, UnitCode: r.UnitCode, Layer: layer, Metric: r.Metric,
			OldValue: &r.Value, Who: who, Reason: reason, At: now, DataVersion: dv})
	}
	for _, unit := range sortedUnits {
		entries := batch[unit]
		for _, metric := range sortedKeys(entries) {
			e := entries[metric]
			prev := old[[2]string{unit, metric}]
			if e.Value == nil {
				if prev != nil {
					if err := remove(prev); err != nil {
						return false, err
					}
				}
				continue
			}
			value, err := encodeValue(e.Value)
			if err != nil {
				return false, fmt.Errorf("encode value of %s: %w", metric, err)
			}
			if prev != nil && prev.Value == value && prev.Note == e.Note {
				continue
			}
			upserts = append(upserts, valueRow{SchemeCode: code, UnitCode: unit, Layer: layer, Metric: metric,
				Value: value, Note: e.Note, Who: who, UpdatedAt: now})
			h := historyRow{SchemeCode: code, UnitCode: unit, Layer: layer, Metric: metric, NewValue: &value,
				Note: e.Note, Who: who, Reason: reason, At: now, DataVersion: dv}
			if prev != nil {
				h.OldValue = &prev.Value
			}
			if err := record(h); err != nil {
				return false, err
			}
		}
		if replace {
			for i := range stored {
				r := &stored[i]
				if _, named := entries[r.Metric]; r.UnitCode == unit && !named {
					if err := remove(r); err != nil {
						return false, err
					}
				}
			}
		}
	}
	if err := flush(true); err != nil {
		return false, err
	}
	for _, r := range deletes {
		if _, err := tx.NewDelete().Model(r).WherePK().Exec(ctx); err != nil {
			return false, err
		}
	}
	if changes > 0 {
		if err := enqueueEvent(ctx, tx, EventValuesChanged, code, map[string]any{"layer": layer, "units": sortedKeys(units),
			"values": changes, "who": who, "reason": reason}, now); err != nil {
			return false, err
		}
	}
	return changes > 0, nil
}

// storedValues reads the stored values of a layer — of the listed units when they are few,
// else all — scanned plainly: an import of every unit reads 1.3 million rows at 100,000
// units, and bun's model reflection cost more than the database.
func storedValues(ctx context.Context, tx bun.IDB, code, layer string, units []string) ([]valueRow, error) {
	query := "SELECT unit_code, metric, value, note FROM metric_values WHERE scheme_code = ? AND layer = ?"
	args := []any{code, layer}
	if len(units) <= batchSize {
		query += " AND unit_code IN (?)"
		args = append(args, bun.List(units))
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []valueRow
	for rows.Next() {
		r := valueRow{SchemeCode: code, Layer: layer}
		if err := rows.Scan(&r.UnitCode, &r.Metric, &r.Value, &r.Note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// unitCodes is the set of a scheme's unit codes.
func unitCodes(ctx context.Context, db bun.IDB, code string) (map[string]bool, error) {
	var codes []string
	if err := db.NewSelect().Model((*unitRow)(nil)).Column("code").Where("scheme_code = ?", code).
		Scan(ctx, &codes); err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(codes))
	for _, c := range codes {
		set[c] = true
	}
	return set, nil
}

// encodeValue writes a value as it is stored: its JSON. Numbers in encoding/json's 'f' range
// are formatted directly, as encoding/json formats them, without its reflection.
func encodeValue(v any) (string, error) {
	if f, ok := v.(float64); ok {
		if a := math.Abs(f); a == 0 || a >= 1e-6 && a < 1e21 {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	}
	data, err := json.Marshal(v)
	return string(data), err
}

// decodeValue reads a stored value: a number (float64), a boolean or text.
func decodeValue(s string) (any, error) {
	// Values are written by encoding/json: most are plain numbers, read without a decoder.
	if len(s) > 0 && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, nil
		}
	}
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("decode value %q: %w", s, err)
	}
	return v, nil
}
