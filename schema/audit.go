package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// auditRow is a row of audit_log, the append-only log of every change that is not a value
// (values have value_history): scheme documents, items, outputs, metrics, units, tokens and
// imports. SchemeCode is nil for a change that belongs to no scheme (a token without a scheme
// scope); Revision is the scheme revision a change of the document made. OldValue and NewValue
// are JSON: nil when there was nothing before (create) or is nothing after (delete).
type auditRow struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`
	ID            int64     `bun:"id,pk,autoincrement"`
	SchemeCode    *string   `bun:"scheme_code"`
	Revision      *int      `bun:"revision"`
	Kind          string    `bun:"kind"`
	Target        string    `bun:"target"`
	Action        string    `bun:"action"`
	OldValue      *string   `bun:"old_value"`
	NewValue      *string   `bun:"new_value"`
	Who           string    `bun:"who"`
	Reason        string    `bun:"reason"`
	At            time.Time `bun:"at"`
}

// Kinds of change, the Kind of a Change and the kinds HistoryQuery.Kind selects.
const (
	ChangeValue  = "value"  // a metric value of a unit (value_history)
	ChangeScheme = "scheme" // the scheme itself: created, deleted, restored, or fields such as title, params, grades
	ChangeItem   = "item"   // one rubric item: its formula, max_points, criteria, place in the tree
	ChangeOutput = "output" // one output formula
	ChangeMetric = "metric" // one metric (input column)
	ChangeUnit   = "unit"   // one unit of the roster
	ChangeToken  = "token"  // an API token created, revoked or given a new secret
	ChangeImport = "import" // a file of values imported (its values are value changes of their own)
)

// Actions of a change.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionRestore = "restore" // an old revision of a scheme made current again
	ActionRevoke  = "revoke"  // a token revoked
)

// changeKinds are the kinds of change, in the order of the constants.
var changeKinds = []string{ChangeValue, ChangeScheme, ChangeItem, ChangeOutput, ChangeMetric, ChangeUnit, ChangeToken, ChangeImport, ChangeLayer, ChangePublication}

// MaxReasonLength is the longest reason of a change, in characters.
const MaxReasonLength = 2000

// SystemWho is the author of the changes rubric makes by itself (the bootstrap admin token).
const SystemWho = "rubric"

type contextKey int

const (
	whoKey contextKey = iota
	reasonKey
	importKey
)

// WithWho returns a copy of ctx whose writes are recorded as made by who, a token's name. It
// is the author of the writes that take no who (units, DeleteScheme) and of those given an
// empty one; a who passed to a write takes precedence.
func WithWho(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, whoKey, who)
}

// Who is the author set on ctx by WithWho, or "".
func Who(ctx context.Context) string {
	who, _ := ctx.Value(whoKey).(string)
	return who
}

// WithReason returns a copy of ctx whose writes record reason (an X-Reason header) as the why
// of every change they make, value or not. Without one, a change of the scheme document
// records the revision's message as its reason. A reason is at most MaxReasonLength
// characters of UTF-8: a longer one fails the write with an Invalid error.
func WithReason(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, reasonKey, reason)
}

// Reason is the reason set on ctx by WithReason, or "".
func Reason(ctx context.Context) string {
	reason, _ := ctx.Value(reasonKey).(string)
	return reason
}

// WithImport returns a copy of ctx that marks its SetValues as the import of a file: besides
// the value changes, the audit log records one import entry whose target is source (the
// file's name) and whose new value says the layer and how many units and values it held.
func WithImport(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, importKey, source)
}

// importSource is the source set by WithImport, if any.
func importSource(ctx context.Context) (string, bool) {
	source, ok := ctx.Value(importKey).(string)
	return source, ok
}

// actor is the author of a write: who if set, else the context's.
func actor(ctx context.Context, who string) string {
	if who != "" {
		return who
	}
	return Who(ctx)
}

// reasonOf is the reason of a write: the context's, checked, or else fallback (a revision's
// message).
func reasonOf(ctx context.Context, fallback string) (string, error) {
	reason := Reason(ctx)
	if reason == "" {
		if msg := textProblem(fallback); msg != "" {
			return "", Errorf(Invalid, "message", "message: %s", msg)
		}
		return fallback, nil
	}
	if !utf8.ValidString(reason) {
		return "", Errorf(Invalid, "reason", "the reason is not valid UTF-8")
	}
	if msg := textProblem(reason); msg != "" {
		return "", Errorf(Invalid, "reason", "reason: %s", msg)
	}
	if n := utf8.RuneCountInString(reason); n > MaxReasonLength {
		return "", Errorf(Invalid, "reason", "the reason has %d characters, more than %d", n, MaxReasonLength)
	}
	return reason, nil
}

// auditLog collects the entries of one write, to be saved in its transaction.
type auditLog struct {
	scheme *string
	who    string
	reason string
	at     time.Time
	rows   []*auditRow
}

// newAuditLog starts the entries of a write to scheme ("" for none) made at at by who (or the
// context's author), with the context's reason or message.
func newAuditLog(ctx context.Context, scheme, who, message string, at time.Time) (*auditLog, error) {
	reason, err := reasonOf(ctx, message)
	if err != nil {
		return nil, err
	}
	l := &auditLog{who: actor(ctx, who), reason: reason, at: at}
	if scheme != "" {
		l.scheme = &scheme
	}
	return l, nil
}

// add records one change; rev 0 is no revision, a nil old or new nothing.
func (l *auditLog) add(kind, action, target string, rev int, old, new any) error {
	r := &auditRow{SchemeCode: l.scheme, Kind: kind, Target: target, Action: action, Who: l.who, Reason: l.reason, At: l.at}
	if rev != 0 {
		r.Revision = &rev
	}
	var err error
	if r.OldValue, err = encodeChange(old); err != nil {
		return err
	}
	if r.NewValue, err = encodeChange(new); err != nil {
		return err
	}
	l.rows = append(l.rows, r)
	return nil
}

// save inserts the entries.
func (l *auditLog) save(ctx context.Context, db bun.IDB) error {
	for start := 0; start < len(l.rows); start += batchSize {
		chunk := l.rows[start:min(start+batchSize, len(l.rows))]
		if _, err := db.NewInsert().Model(&chunk).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func encodeChange(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode change: %w", err)
	}
	s := string(data)
	return &s, nil
}

// jsonFields are the JSON fields of one thing (a scheme's own fields, an item, a unit).
type jsonFields map[string]json.RawMessage

// entry is one coded thing of a scheme with its fields.
type entry struct {
	code   string
	fields jsonFields
}

func toFields(v any) (jsonFields, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode change: %w", err)
	}
	var f jsonFields
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("encode change: %w", err)
	}
	return f, nil
}

// diff returns the fields that differ between a and b, with their values on each side (null
// where a side has none).
func diff(a, b jsonFields) (old, new map[string]any) {
	old, new = map[string]any{}, map[string]any{}
	for k, av := range a {
		if bv, ok := b[k]; !ok || string(av) != string(bv) {
			old[k], new[k] = av, nil
			if ok {
				new[k] = bv
			}
		}
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok {
			old[k], new[k] = nil, bv
		}
	}
	return old, new
}

// schemeFields are a scheme's own fields: all but its code, revision, items, outputs and
// metrics (which have entries of their own).
func schemeFields(sc *formulas.Scheme) (jsonFields, error) {
	f, err := toFields(sc)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"code", "revision", "items", "outputs", "metrics"} {
		delete(f, k)
	}
	return f, nil
}

// itemEntries flattens an item tree depth-first: each item without its children, with the
// codes of its children and the code of its parent, so that a changed formula changes one
// entry and a moved item the entries of its old and new parents.
func itemEntries(items []formulas.Item, parent string, out []entry) ([]entry, error) {
	for _, it := range items {
		flat := it
		flat.Children = nil
		f, err := toFields(flat)
		if err != nil {
			return nil, err
		}
		if parent != "" {
			f["parent"], _ = json.Marshal(parent)
		}
		if len(it.Children) > 0 {
			codes := make([]string, len(it.Children))
			for i, c := range it.Children {
				codes[i] = c.Code
			}
			f["children"], _ = json.Marshal(codes)
		}
		out = append(out, entry{it.Code, f})
		if out, err = itemEntries(it.Children, it.Code, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// entriesOf lists coded things with their fields.
func entriesOf[T any](list []T, code func(*T) string) ([]entry, error) {
	out := make([]entry, len(list))
	for i := range list {
		f, err := toFields(&list[i])
		if err != nil {
			return nil, err
		}
		out[i] = entry{code(&list[i]), f}
	}
	return out, nil
}

// addEntries records the differences between two lists of one kind: an entry only in after
// is created (new: all its fields), one only in before deleted (old: all its fields), one in
// both with different fields updated (old and new: the fields that differ).
func (l *auditLog) addEntries(kind string, rev int, before, after []entry) error {
	old := make(map[string]jsonFields, len(before))
	for _, e := range before {
		old[e.code] = e.fields
	}
	seen := make(map[string]bool, len(after))
	for _, e := range after {
		seen[e.code] = true
		prev, ok := old[e.code]
		if !ok {
			if err := l.add(kind, ActionCreate, e.code, rev, nil, e.fields); err != nil {
				return err
			}
			continue
		}
		if o, n := diff(prev, e.fields); len(o) > 0 {
			if err := l.add(kind, ActionUpdate, e.code, rev, o, n); err != nil {
				return err
			}
		}
	}
	for _, e := range before {
		if !seen[e.code] {
			if err := l.add(kind, ActionDelete, e.code, rev, e.fields, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// addScheme records a change of a scheme's document from before to after, saved as revision
// rev (before is nil when the scheme is created): one scheme entry with the action, whose old
// and new hold the revisions and the scheme's own fields that changed (all of them on
// create), then one entry per item, output and metric created, updated or deleted.
func (l *auditLog) addScheme(action string, before, after *formulas.Scheme, rev int) error {
	empty := &formulas.Scheme{}
	var oldRev any
	if before == nil {
		before = empty
	} else {
		oldRev = before.Revision
	}
	bf, err := schemeFields(before)
	if err != nil {
		return err
	}
	af, err := schemeFields(after)
	if err != nil {
		return err
	}
	o, n := diff(bf, af)
	var old any = o
	if before == empty {
		old, n = nil, map[string]any{}
		for k, v := range af {
			n[k] = v
		}
	} else {
		o["revision"] = oldRev
	}
	n["revision"] = rev
	if err := l.add(ChangeScheme, action, after.Code, rev, old, n); err != nil {
		return err
	}
	of := func(kind string, sc *formulas.Scheme) ([]entry, error) {
		switch kind {
		case ChangeItem:
			return itemEntries(sc.Items, "", nil)
		case ChangeOutput:
			return entriesOf(sc.Outputs, func(o *formulas.Output) string { return o.Code })
		default:
			return entriesOf(sc.Metrics, func(m *formulas.Metric) string { return m.Code })
		}
	}
	for _, kind := range []string{ChangeItem, ChangeOutput, ChangeMetric} {
		b, err := of(kind, before)
		if err != nil {
			return err
		}
		a, err := of(kind, after)
		if err != nil {
			return err
		}
		if err := l.addEntries(kind, rev, b, a); err != nil {
			return err
		}
	}
	return nil
}

// addUnits records the changes from one roster to another.
func (l *auditLog) addUnits(before, after []formulas.Unit) error {
	code := func(u *formulas.Unit) string { return u.Code }
	b, err := entriesOf(before, code)
	if err != nil {
		return err
	}
	a, err := entriesOf(after, code)
	if err != nil {
		return err
	}
	return l.addEntries(ChangeUnit, 0, b, a)
}

// schemeSaved is a scheme document saved as a revision, for the audit log.
type schemeSaved struct {
	action        string           // ActionCreate, ActionUpdate or ActionRestore
	before, after *formulas.Scheme // before is nil on create
	rev           int              // the revision saved
	restored      int              // the revision restored
	roster, units []formulas.Unit  // the roster before and after, when units is not nil
	who, message  string
	at            time.Time
}

// auditScheme records a scheme document saved: its scheme entry (with "restored" when an old
// revision is restored), its items', outputs' and metrics' entries, and the changes of the
// roster if it changed.
func auditScheme(ctx context.Context, tx bun.IDB, c schemeSaved) error {
	l, err := newAuditLog(ctx, c.after.Code, c.who, c.message, c.at)
	if err != nil {
		return err
	}
	if err := l.addScheme(c.action, c.before, c.after, c.rev); err != nil {
		return err
	}
	if c.restored != 0 {
		if err := l.setNew(0, "restored", c.restored); err != nil {
			return err
		}
	}
	if c.units != nil {
		if err := l.addUnits(c.roster, c.units); err != nil {
			return err
		}
	}
	return l.save(ctx, tx)
}

// setNew sets one field of the new value of entry i.
func (l *auditLog) setNew(i int, field string, v any) error {
	m := jsonFields{}
	if p := l.rows[i].NewValue; p != nil {
		if err := json.Unmarshal([]byte(*p), &m); err != nil {
			return fmt.Errorf("encode change: %w", err)
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode change: %w", err)
	}
	m[field] = data
	l.rows[i].NewValue, err = encodeChange(m)
	return err
}

// auditSchemeDeleted records the deletion of a scheme: its last document and roster, whole,
// as the old value of one entry.
func auditSchemeDeleted(ctx context.Context, tx bun.IDB, doc *Document, now time.Time) error {
	l, err := newAuditLog(ctx, doc.Code, "", "", now)
	if err != nil {
		return err
	}
	if err := l.add(ChangeScheme, ActionDelete, doc.Code, 0, doc, nil); err != nil {
		return err
	}
	return l.save(ctx, tx)
}

// auditUnit records a change of one unit of a scheme's roster: before or after is nil when
// the unit is created or deleted. An update that changes nothing records nothing.
func auditUnit(ctx context.Context, tx bun.IDB, code string, before, after *formulas.Unit, now time.Time) error {
	l, err := newAuditLog(ctx, code, "", "", now)
	if err != nil {
		return err
	}
	var b, a []formulas.Unit
	if before != nil {
		b = []formulas.Unit{*before}
	}
	if after != nil {
		a = []formulas.Unit{*after}
	}
	if err := l.addUnits(b, a); err != nil {
		return err
	}
	return l.save(ctx, tx)
}

// auditImport records the import of a file of values into one layer of a scheme.
func auditImport(ctx context.Context, tx bun.IDB, code, layer, source string, units, values int, who string, now time.Time) error {
	l, err := newAuditLog(ctx, code, who, "", now)
	if err != nil {
		return err
	}
	if source == "" {
		source = "import"
	}
	if err := l.add(ChangeImport, ActionCreate, source, 0, nil,
		map[string]any{"layer": layer, "units": units, "values": values}); err != nil {
		return err
	}
	return l.save(ctx, tx)
}
