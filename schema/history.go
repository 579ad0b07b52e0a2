package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Change is one entry of a scheme's history: a change of a value (Kind "value", from the
// value history) or any other change (from the audit log). Old and New are what was before
// and after: a value, or for the audit log an object of the fields that changed (all of them
// when a thing is created or deleted); nil when there was nothing. Unit, Metric and Item name
// what changed where that applies; Revision is the scheme revision a change of the document
// made. Note is a value's note, Reason why the change was made.
type Change struct {
	ID       string    `json:"id"`
	Scheme   string    `json:"scheme,omitempty"`
	Kind     string    `json:"kind"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	Unit     string    `json:"unit,omitempty"`
	Layer    string    `json:"layer,omitempty"`
	Metric   string    `json:"metric,omitempty"`
	Item     string    `json:"item,omitempty"`
	Revision int       `json:"revision,omitempty"`
	Old      any       `json:"old"`
	New      any       `json:"new"`
	Note     string    `json:"note,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Who      string    `json:"who"`
	At       time.Time `json:"at"`
}

// HistoryQuery selects entries of a history; an empty field selects all.
//
// Unit selects the unit's value changes and the changes of the unit itself; Metric the
// metric's value changes and the changes of the metric; Item the changes of an item or
// output. Layer selects value changes of one layer. Who selects the changes of one author,
// Since and Until those made at or after Since and before Until. Kind selects one kind of
// change (ChangeValue, ChangeScheme, …).
type HistoryQuery struct {
	Unit   string
	Metric string
	Item   string
	Layer  string
	Who    string
	Since  time.Time
	Until  time.Time
	Kind   string
	// Deleted adds the history of the deleted schemes that had the code before the current
	// one (or, when the code has no scheme now, lists theirs): for auditors. Without it a
	// scheme's history begins when the scheme was created.
	Deleted bool
	// NoTokens leaves out the entries about tokens (ChangeToken): for anyone but an admin.
	NoTokens bool
}

// historyRecord is a row of History's query: a value_history row ("v") or an audit_log row
// ("a") in one shape.
type historyRecord struct {
	Src        string    `bun:"src"`
	ID         int64     `bun:"id"`
	SchemeCode *string   `bun:"scheme_code"`
	Kind       string    `bun:"kind"`
	Action     string    `bun:"action"`
	Target     string    `bun:"target"`
	UnitCode   string    `bun:"unit_code"`
	Layer      string    `bun:"layer"`
	Metric     string    `bun:"metric"`
	OldValue   *string   `bun:"old_value"`
	NewValue   *string   `bun:"new_value"`
	Note       string    `bun:"note"`
	Reason     string    `bun:"reason"`
	Who        string    `bun:"who"`
	At         time.Time `bun:"at"`
	Revision   *int64    `bun:"revision"`
}

const (
	historyValues = `SELECT 'v' AS src, id, scheme_code, 'value' AS kind,
	CASE WHEN old_value IS NULL THEN 'create' WHEN new_value IS NULL THEN 'delete' ELSE 'update' END AS action,
	metric AS target, unit_code, layer, metric, old_value, new_value, note, reason, who, at,
	CAST(NULL AS INTEGER) AS revision FROM value_history`
	historyAudit = `SELECT 'a' AS src, id, scheme_code, kind, action, target, '' AS unit_code, '' AS layer,
	'' AS metric, old_value, new_value, '' AS note, reason, who, at, revision FROM audit_log`
)

// History lists the changes of a scheme, its values' and all others', newest first, a page at
// a time, with their total count. The history outlives its scheme, but a scheme's history
// begins when it was created: the changes of a deleted scheme of the same code are listed only
// with q.Deleted, as are those of a code that has no scheme now (without it, NotFound, as is
// a code that never had a scheme). code "" lists the changes of every scheme and of the
// tokens.
//
// Nothing edits or deletes the history: it only grows.
func (s *Store) History(ctx context.Context, code string, q HistoryQuery, page Page) ([]Change, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	if q.Kind != "" && !slices.Contains(changeKinds, q.Kind) {
		return nil, 0, Errorf(Invalid, "kind", "unknown kind %q: use one of %s", q.Kind, strings.Join(changeKinds, ", "))
	}
	if q.Layer != "" {
		if _, err := checkLayer(q.Layer); err != nil {
			return nil, 0, err
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return nil, 0, Errorf(Invalid, "until", "until %s is before since %s",
			q.Until.UTC().Format(time.RFC3339), q.Since.UTC().Format(time.RFC3339))
	}
	if q.NoTokens && q.Kind == ChangeToken {
		return nil, 0, Errorf(Forbidden, "kind", "only an admin may read the history of tokens")
	}
	values, audit := historyConditions(code, q)
	if q.NoTokens && audit != nil {
		audit.add("kind <> ?", ChangeToken)
	}
	var parts []string
	var args []any
	var total int
	var records []historyRecord
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if code != "" {
			row, err := getScheme(ctx, tx, code)
			switch {
			case ErrorKind(err) == NotFound:
				gone, err := tx.NewSelect().Model((*auditRow)(nil)).Where("scheme_code = ?", code).Exists(ctx)
				if err != nil {
					return err
				}
				if !gone || !q.Deleted {
					return schemeNotFound(code)
				}
			case err != nil:
				return err
			case !q.Deleted:
				// This scheme's history only, not that of a deleted one of the same code.
				if values != nil {
					values.add("id > ?", row.ValuesAfter)
				}
				if audit != nil {
					audit.add("id > ?", row.AuditAfter)
				}
			}
		}
		for _, part := range []struct {
			table, query string
			where        *conditions
		}{{"value_history", historyValues, values}, {"audit_log", historyAudit, audit}} {
			if part.where == nil {
				continue
			}
			var n int
			if err := tx.NewRaw("SELECT COUNT(*) FROM "+part.table+part.where.sql(), part.where.args...).Scan(ctx, &n); err != nil {
				return err
			}
			total += n
			parts = append(parts, part.query+part.where.sql())
			args = append(args, part.where.args...)
		}
		if len(parts) == 0 {
			return nil
		}
		query := "SELECT * FROM (" + strings.Join(parts, " UNION ALL ") + ") AS h ORDER BY at DESC, src DESC, id DESC LIMIT ? OFFSET ?"
		return tx.NewRaw(query, append(args, page.Limit, page.Offset)...).Scan(ctx, &records)
	})
	if err != nil {
		if code == "" {
			return nil, 0, wrap(err, "list history")
		}
		return nil, 0, wrap(err, "list history of %q", code)
	}
	out := make([]Change, len(records))
	for i := range records {
		if out[i], err = records[i].change(); err != nil {
			return nil, 0, wrap(err, "list history of %q", code)
		}
	}
	return out, total, nil
}

// conditions are the WHERE clause of one table.
type conditions struct {
	where []string
	args  []any
}

func (c *conditions) add(cond string, args ...any) {
	c.where = append(c.where, cond)
	c.args = append(c.args, args...)
}

func (c *conditions) sql() string {
	if len(c.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.where, " AND ")
}

// historyConditions returns the conditions on value_history and on audit_log that q
// selects; nil when q selects nothing of that table.
func historyConditions(code string, q HistoryQuery) (values, audit *conditions) {
	values, audit = &conditions{}, &conditions{}
	if code != "" {
		values.add("scheme_code = ?", code)
		audit.add("scheme_code = ?", code)
	}
	if q.Who != "" {
		values.add("who = ?", q.Who)
		audit.add("who = ?", q.Who)
	}
	if !q.Since.IsZero() {
		values.add("at >= ?", q.Since.UTC())
		audit.add("at >= ?", q.Since.UTC())
	}
	if !q.Until.IsZero() {
		values.add("at < ?", q.Until.UTC())
		audit.add("at < ?", q.Until.UTC())
	}
	if q.Unit != "" {
		values.add("unit_code = ?", q.Unit)
		audit.add("kind = ? AND target = ?", ChangeUnit, q.Unit)
	}
	if q.Metric != "" {
		values.add("metric = ?", q.Metric)
		audit.add("kind = ? AND target = ?", ChangeMetric, q.Metric)
	}
	if q.Layer != "" {
		values.add("layer = ?", q.Layer)
		audit = nil
	}
	if q.Item != "" {
		values = nil
		if audit != nil {
			audit.add("kind IN (?, ?) AND target = ?", ChangeItem, ChangeOutput, q.Item)
		}
	}
	switch q.Kind {
	case "":
	case ChangeValue:
		audit = nil
	default:
		values = nil
		if audit != nil {
			audit.add("kind = ?", q.Kind)
		}
	}
	return values, audit
}

// change turns a record into a Change.
func (r *historyRecord) change() (Change, error) {
	c := Change{ID: fmt.Sprintf("%s%d", r.Src, r.ID), Kind: r.Kind, Action: r.Action, Target: r.Target,
		Unit: r.UnitCode, Layer: r.Layer, Metric: r.Metric, Note: r.Note, Reason: r.Reason, Who: r.Who, At: r.At.UTC()}
	if r.SchemeCode != nil {
		c.Scheme = *r.SchemeCode
	}
	if r.Revision != nil {
		c.Revision = int(*r.Revision)
	}
	switch r.Kind {
	case ChangeUnit:
		c.Unit = r.Target
	case ChangeMetric:
		c.Metric = r.Target
	case ChangeItem, ChangeOutput:
		c.Item = r.Target
	}
	for _, v := range []struct {
		raw *string
		out *any
	}{{r.OldValue, &c.Old}, {r.NewValue, &c.New}} {
		if v.raw == nil {
			continue
		}
		if err := json.Unmarshal([]byte(*v.raw), v.out); err != nil {
			return c, fmt.Errorf("decode change %s: %w", c.ID, err)
		}
	}
	return c, nil
}
