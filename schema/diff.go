package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// Live names the current sheet as a side of a diff or a comparison.
const Live = "live"

// DiffSide is one side of a diff: a publication (Publication ≥ 1, with its hash and time) or the
// live sheet (Publication 0), of one layer at one scheme revision.
type DiffSide struct {
	Publication int        `json:"publication"`
	Layer       string     `json:"layer"`
	Revision    int        `json:"revision"`
	Hash        string     `json:"hash,omitempty"`
	At          *time.Time `json:"at,omitempty"`
}

// Diff is what changed between two sheets of a scheme: the units that moved, largest change
// first, and why — the values that changed (old → new, who, reason) and the changes of the
// scheme document (formulas, points, params, grades) made between the two revisions.
type Diff struct {
	Scheme    string            `json:"scheme"`
	From      DiffSide          `json:"from"`
	To        DiffSide          `json:"to"`
	Units     []UnitDiff        `json:"units"`
	Unchanged int               `json:"unchanged"`
	Values    []ValueCause      `json:"values"`
	Formulas  []FormulaCause    `json:"formulas"`
	Columns   []formulas.Column `json:"columns"`
}

// UnitDiff is how one unit's row moved: total, grade, rank and group rank before and after,
// and every cell (item or output, money included) whose value changed. Delta is new − old
// total when both are known.
type UnitDiff struct {
	Unit         string       `json:"unit"`
	Name         string       `json:"name"`
	Group        string       `json:"group,omitempty"`
	OldTotal     *float64     `json:"old_total"`
	NewTotal     *float64     `json:"new_total"`
	Delta        *float64     `json:"delta"`
	OldGrade     *string      `json:"old_grade"`
	NewGrade     *string      `json:"new_grade"`
	OldRank      *int         `json:"old_rank"`
	NewRank      *int         `json:"new_rank"`
	OldGroupRank *int         `json:"old_group_rank"`
	NewGroupRank *int         `json:"new_group_rank"`
	Cells        []CellChange `json:"cells"`
	Added        bool         `json:"added,omitempty"`   // only in the new sheet
	Removed      bool         `json:"removed,omitempty"` // only in the old sheet
}

// CellChange is one cell whose value changed; Delta is new − old when both are numbers.
type CellChange struct {
	Code  string   `json:"code"`
	Title string   `json:"title"`
	Old   any      `json:"old"`
	New   any      `json:"new"`
	Delta *float64 `json:"delta,omitempty"`
}

// ValueCause is one value that differs between the two sides (nil: no value), with the note
// of each side and the author, time and reason of its last change between them.
type ValueCause struct {
	Unit    string    `json:"unit"`
	Metric  string    `json:"metric"`
	Old     any       `json:"old"`
	New     any       `json:"new"`
	OldNote string    `json:"old_note,omitempty"`
	NewNote string    `json:"new_note,omitempty"`
	Who     string    `json:"who,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// FormulaCause is one change of the scheme document between the two revisions, as the audit
// log recorded it: an item, output, metric or the scheme's own fields (params, grades, veto),
// with the fields that changed, who, why and in which revision.
type FormulaCause struct {
	Kind     string    `json:"kind"`
	Target   string    `json:"target"`
	Action   string    `json:"action"`
	Revision int       `json:"revision"`
	Old      any       `json:"old"`
	New      any       `json:"new"`
	Who      string    `json:"who"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

// side is one side of a diff as read from the store, evaluated.
type side struct {
	DiffSide
	content *PublicationContent
	eval    *Evaluation
	at      time.Time // the publication's time; the read's time for live
}

// readSide reads a side: "live" is the current sheet of layer, anything else a publication
// number (whose own layer counts).
func (s *Store) readSide(ctx context.Context, tx bun.IDB, code, name, layer string) (*side, error) {
	if name == Live {
		c, err := freeze(ctx, tx, code, layer)
		if err != nil {
			return nil, err
		}
		ev, err := c.Evaluate()
		if err != nil {
			return nil, err
		}
		return &side{DiffSide: DiffSide{Layer: layer, Revision: c.Revision}, content: c, eval: ev, at: s.now()}, nil
	}
	n, err := publicationNumber(name)
	if err != nil {
		return nil, err
	}
	row, err := getPublication(ctx, tx, code, n)
	if err != nil {
		return nil, err
	}
	c, err := row.content()
	if err != nil {
		return nil, err
	}
	ev, err := c.Evaluate()
	if err != nil {
		return nil, err
	}
	at := c.CreatedAt
	return &side{DiffSide: DiffSide{Publication: n, Layer: c.Layer, Revision: c.Revision, Hash: c.Hash, At: &at},
		content: c, eval: ev, at: c.CreatedAt}, nil
}

// publicationNumber reads a publication number given as text.
func publicationNumber(name string) (int, error) {
	var n int
	if _, err := fmt.Sscan(name, &n); err != nil || n < 1 || fmt.Sprint(n) != name {
		return 0, Errorf(Invalid, "publication", "%q is not a publication number (1, 2, …) or live", name)
	}
	return n, nil
}

// freeze reads what a publication of one layer would hold now: the document at the current
// revision with the roster and every value of the layer.
func freeze(ctx context.Context, tx bun.IDB, code, layer string) (*PublicationContent, error) {
	row, err := getScheme(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	sc, err := loadRevision(ctx, tx, code, row.Revision)
	if err != nil {
		return nil, err
	}
	units, err := loadRoster(ctx, tx, code, Page{}, false)
	if err != nil {
		return nil, err
	}
	values, err := layerValues(ctx, tx, code, layer)
	if err != nil {
		return nil, err
	}
	return &PublicationContent{Publication: Publication{Scheme: code, Layer: layer, Revision: row.Revision,
		DataVersion: row.DataVersion}, Document: &Document{Scheme: *sc, Units: units}, Values: values}, nil
}

// Diff compares two sheets of a scheme: from and to are each a publication number ("1") or
// "live", the current sheet of layer ("" is the layer of the publication named, or final).
func (s *Store) Diff(ctx context.Context, code, from, to, layer string) (*Diff, error) {
	var out *Diff
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		l, err := sideLayer(ctx, tx, code, layer, from, to)
		if err != nil {
			return err
		}
		a, err := s.readSide(ctx, tx, code, from, l)
		if err != nil {
			return err
		}
		b, err := s.readSide(ctx, tx, code, to, l)
		if err != nil {
			return err
		}
		out = diffSheets(a, b)
		if out.Values, err = valueCauses(ctx, tx, code, a, b); err != nil {
			return err
		}
		out.Formulas, err = formulaCauses(ctx, tx, code, a.Revision, b.Revision)
		return err
	})
	if err != nil {
		return nil, wrap(err, "diff %s and %s of %q", from, to, code)
	}
	return out, nil
}

// sideLayer is the layer a live side takes: the one asked for, else that of a publication named.
func sideLayer(ctx context.Context, tx bun.IDB, code, layer string, names ...string) (string, error) {
	if layer != "" {
		return checkLayer(layer)
	}
	for _, name := range names {
		if name == Live {
			continue
		}
		n, err := publicationNumber(name)
		if err != nil {
			return "", err
		}
		row, err := getPublication(ctx, tx, code, n)
		if err != nil {
			return "", err
		}
		return row.Layer, nil
	}
	return LayerFinal, nil
}

// diffSheets lists the units whose rows differ, largest change of total first.
func diffSheets(a, b *side) *Diff {
	d := &Diff{Scheme: a.content.Scheme, From: a.DiffSide, To: b.DiffSide, Units: []UnitDiff{},
		Values: []ValueCause{}, Formulas: []FormulaCause{}, Columns: b.eval.Program.Columns()}
	titles := map[string]string{}
	for _, p := range []*formulas.Program{a.eval.Program, b.eval.Program} {
		for _, c := range p.Columns() {
			titles[c.Code] = c.Title
		}
	}
	old := map[string]*formulas.Result{}
	for i := range a.eval.Results {
		old[a.eval.Results[i].Unit.Code] = &a.eval.Results[i]
	}
	order := map[string]int{}
	seen := map[string]bool{}
	add := func(o, n *formulas.Result) {
		r := n
		if r == nil {
			r = o
		}
		u := UnitDiff{Unit: r.Unit.Code, Name: r.Unit.Name, Group: r.Unit.Group, Cells: []CellChange{},
			Added: o == nil, Removed: n == nil}
		if o != nil {
			u.OldTotal, u.OldGrade, u.OldRank, u.OldGroupRank = o.Total, o.Grade, o.Rank, o.GroupRank
		}
		if n != nil {
			u.NewTotal, u.NewGrade, u.NewRank, u.NewGroupRank = n.Total, n.Grade, n.Rank, n.GroupRank
		}
		if u.OldTotal != nil && u.NewTotal != nil {
			u.Delta = numberDelta(*u.NewTotal, *u.OldTotal)
		}
		var oc, nc map[string]any
		if o != nil {
			oc = o.Cells
		}
		if n != nil {
			nc = n.Cells
		}
		codes := map[string]bool{}
		for c := range oc {
			codes[c] = true
		}
		for c := range nc {
			codes[c] = true
		}
		for _, col := range append(b.eval.Program.Columns(), a.eval.Program.Columns()...) {
			if !codes[col.Code] {
				continue
			}
			delete(codes, col.Code)
			ov, nv := oc[col.Code], nc[col.Code]
			if sameCell(ov, nv) {
				continue
			}
			cc := CellChange{Code: col.Code, Title: titles[col.Code], Old: ov, New: nv}
			if x, ok := ov.(float64); ok {
				if y, ok := nv.(float64); ok {
					cc.Delta = numberDelta(y, x)
				}
			}
			u.Cells = append(u.Cells, cc)
		}
		if len(u.Cells) == 0 && !u.Added && !u.Removed && equalPtr(u.OldTotal, u.NewTotal) && equalPtr(u.OldGrade, u.NewGrade) &&
			equalPtr(u.OldRank, u.NewRank) && equalPtr(u.OldGroupRank, u.NewGroupRank) {
			d.Unchanged++
			return
		}
		order[u.Unit] = len(order)
		d.Units = append(d.Units, u)
	}
	for i := range b.eval.Results {
		n := &b.eval.Results[i]
		seen[n.Unit.Code] = true
		add(old[n.Unit.Code], n)
	}
	for i := range a.eval.Results {
		if o := &a.eval.Results[i]; !seen[o.Unit.Code] {
			add(o, nil)
		}
	}
	sort.SliceStable(d.Units, func(i, j int) bool {
		si, sj := changeSize(&d.Units[i]), changeSize(&d.Units[j])
		if si != sj {
			return si > sj
		}
		if len(d.Units[i].Cells) != len(d.Units[j].Cells) {
			return len(d.Units[i].Cells) > len(d.Units[j].Cells)
		}
		return order[d.Units[i].Unit] < order[d.Units[j].Unit]
	})
	return d
}

// changeSize is how much a unit moved, for sorting: |Δ total|, and a unit that became (or
// stopped being) complete, or was added or removed, before any number.
func changeSize(u *UnitDiff) float64 {
	if u.Delta != nil {
		return math.Abs(*u.Delta)
	}
	if (u.OldTotal == nil) != (u.NewTotal == nil) {
		return math.Inf(1)
	}
	return 0
}

// numberDelta is new − old as a decimal calculator shows it (9.8 − 9.5 = 0.3): the difference
// rounded to the decimals of the more precise operand.
func numberDelta(n, o float64) *float64 {
	d := max(decimals(n), decimals(o))
	x, err := strconv.ParseFloat(strconv.FormatFloat(n-o, 'f', d, 64), 64)
	if err != nil {
		x = n - o
	}
	if x == 0 {
		x = 0 // never -0
	}
	return &x
}

// decimals is the number of decimals of x written as the shortest decimal that reads back as x.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return min(len(s)-i-1, 15)
	}
	return 0
}

func sameCell(a, b any) bool {
	return reflect.DeepEqual(a, b)
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// valueCauses lists the values that differ between the sides, each with the author, time and
// reason of its last change between the two.
func valueCauses(ctx context.Context, db bun.IDB, code string, a, b *side) ([]ValueCause, error) {
	out := []ValueCause{}
	keys := map[[2]string]bool{}
	for u, ms := range a.content.Values {
		for m := range ms {
			keys[[2]string{u, m}] = true
		}
	}
	for u, ms := range b.content.Values {
		for m := range ms {
			keys[[2]string{u, m}] = true
		}
	}
	for k := range keys {
		ov, oOK := a.content.Values[k[0]][k[1]]
		nv, nOK := b.content.Values[k[0]][k[1]]
		if oOK && nOK && reflect.DeepEqual(ov.Value, nv.Value) && ov.Note == nv.Note {
			continue
		}
		c := ValueCause{Unit: k[0], Metric: k[1]}
		if oOK {
			c.Old, c.OldNote = ov.Value, ov.Note
		}
		if nOK {
			c.New, c.NewNote = nv.Value, nv.Note
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return out, nil
	}
	lo, hi := a.at, b.at
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	var rows []historyRow
	if err := db.NewSelect().Model(&rows).
		Where("scheme_code = ? AND layer = ? AND at > ? AND at <= ?", code, b.Layer, lo, hi).
		Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	last := map[[2]string]*historyRow{}
	for i := range rows {
		last[[2]string{rows[i].UnitCode, rows[i].Metric}] = &rows[i]
	}
	for i := range out {
		if h := last[[2]string{out[i].Unit, out[i].Metric}]; h != nil {
			out[i].Who, out[i].Reason, out[i].At = h.Who, h.Reason, h.At.UTC()
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Unit != out[j].Unit {
			return out[i].Unit < out[j].Unit
		}
		return out[i].Metric < out[j].Metric
	})
	return out, nil
}

// formulaCauses lists the changes of the scheme document saved in the revisions between the
// two sides' (after the older, up to the newer), as the audit log has them.
func formulaCauses(ctx context.Context, db bun.IDB, code string, ra, rb int) ([]FormulaCause, error) {
	out := []FormulaCause{}
	if ra == rb {
		return out, nil
	}
	lo, hi := min(ra, rb), max(ra, rb)
	var rows []auditRow
	if err := db.NewSelect().Model(&rows).
		Where("scheme_code = ? AND kind IN (?) AND revision > ? AND revision <= ?", code,
			bun.List([]string{ChangeScheme, ChangeItem, ChangeOutput, ChangeMetric}), lo, hi).
		Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		c := FormulaCause{Kind: r.Kind, Target: r.Target, Action: r.Action, Who: r.Who, Reason: r.Reason, At: r.At.UTC()}
		if r.Revision != nil {
			c.Revision = *r.Revision
		}
		for _, p := range []struct {
			src *string
			dst *any
		}{{r.OldValue, &c.Old}, {r.NewValue, &c.New}} {
			if p.src != nil {
				if err := json.Unmarshal([]byte(*p.src), p.dst); err != nil {
					return nil, fmt.Errorf("decode audit entry %d: %w", r.ID, err)
				}
			}
		}
		out = append(out, c)
	}
	return out, nil
}
