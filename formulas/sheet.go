package formulas

import (
	"fmt"
	"math"
	"sync/atomic"
)

// Sheet is a scheme evaluated for a set of units: one row per unit, one column per metric,
// item, output and internal column. A Sheet is not safe for concurrent Set; reading results
// of a sheet nobody changes is.
type Sheet struct {
	p     *Program
	units []Unit
	index map[string]int
	cols  []column
	ranks map[int]*rankState // rank columns kept sorted for updates
	text  int                // bytes of text held by computed cells (see MaxSheetText)
	layer string             // the layer evaluated: outputs of other layers are not computed

	// A clone shares its columns and rank states with the sheet it was cloned from until
	// it changes them (see Clone): shared[id] and sharedRanks[id] say which it must copy
	// before a write. frozen is set on a sheet that was cloned, which Set then refuses.
	shared      []bool
	sharedRanks map[int]bool
	frozen      atomic.Bool
}

// Evaluate computes every cell of the sheet for rows, column by column in dependency order.
// It never panics: a cell that cannot be computed holds an error, and the rest go on.
func (p *Program) Evaluate(rows []Row) *Sheet {
	return p.evaluate(rows, "")
}

// evaluate computes the sheet of rows for layer ("" computes every output).
func (p *Program) evaluate(rows []Row, layer string) *Sheet {
	sh := &Sheet{p: p, layer: layer, units: make([]Unit, len(rows)), index: make(map[string]int, len(rows)), cols: make([]column, len(p.cols))}
	for i := range sh.cols {
		sh.cols[i] = newColumn(len(rows))
	}
	for r, row := range rows {
		sh.units[r] = row.Unit
		sh.index[row.Unit.Code] = r
		sh.loadRow(r, row.Values)
	}
	for _, id := range p.order {
		sh.computeColumn(id)
	}
	return sh
}

// loadRow fills a row's input columns: unit fields, metric values (or defaults), completeness.
func (sh *Sheet) loadRow(r int, values map[string]any) {
	p := sh.p
	u := sh.units[r]
	sh.cols[p.byName[nameUnit+"code"]].set(r, str(u.Code))
	sh.cols[p.byName[nameUnit+"name"]].set(r, str(u.Name))
	sh.cols[p.group].set(r, str(u.Group))
	for _, a := range p.scheme.Attributes {
		v, ok := u.Attrs[a.Code]
		cell := null("unit.attrs." + a.Code)
		if ok && v != nil {
			cell = typed(fromGo(v), a.Type, "unit.attrs."+a.Code)
		}
		sh.cols[p.byName[nameAttr+a.Code]].set(r, cell)
	}
	for _, id := range p.metrics {
		m := p.cols[id].metric
		v, ok := values[m.Code]
		sh.cols[id].set(r, metricValue(m, v, ok))
	}
	sh.setComplete(r)
}

// metricValue is a metric's cell: the value entered, else the default, else null naming it.
func metricValue(m *Metric, v any, ok bool) val {
	if !ok || v == nil {
		if m.Default == nil {
			return null(m.Code)
		}
		v = m.Default
	}
	return typed(fromGo(v), m.Type, m.Code)
}

// typed checks an input against its declared type; a mismatch is a cell error.
func typed(v val, t, name string) val {
	if v.k == kErr || v.k == kNull {
		return v
	}
	want := kNum
	switch t {
	case TypeBoolean:
		want = kBool
	case TypeText:
		want = kStr
	}
	if v.k != want {
		return fail("%s must be %s, not %s", name, typeWord(t), v)
	}
	if t == TypeInteger && v.n != math.Trunc(v.n) {
		return fail("%s must be a whole number, not %s", name, v)
	}
	return v
}

func typeWord(t string) string {
	switch t {
	case TypeBoolean:
		return "true or false"
	case TypeText:
		return "text"
	case TypeInteger:
		return "a whole number"
	}
	return "a number"
}

// setComplete decides whether row r has every metric some formula reads.
func (sh *Sheet) setComplete(r int) {
	complete := true
	for _, id := range sh.p.read {
		if sh.cols[id].k[r] == kNull {
			complete = false
			break
		}
	}
	if c := boolean(complete); !same(sh.cols[sh.p.complete].get(r), c) {
		sh.own(sh.p.complete).set(r, c)
	}
}

func (sh *Sheet) isComplete(r int) bool { return sh.cols[sh.p.complete].n[r] != 0 }

// computeColumn computes every row of a column.
func (sh *Sheet) computeColumn(id int) {
	col := sh.p.cols[id]
	if col.role == roleCall {
		sh.computeCall(id, nil)
		return
	}
	c := &sh.cols[id]
	for r := range sh.units {
		sh.store(c, r, sh.cell(col, r))
	}
}

// cell computes one cell of a row-wise column.
func (sh *Sheet) cell(col *colDef, r int) (v val) {
	defer func() {
		if e := recover(); e != nil {
			v = fail("internal error: %v", e)
		}
	}()
	switch col.role {
	case roleItem, roleOutput, roleVeto, roleArg:
		if sh.offLayer(col) {
			return null(nullLayer)
		}
		if v, ok := sh.blocked(col.reads, r); ok {
			return v
		}
		if col.eval == nil {
			return fail("no formula")
		}
		return sh.finish(col, col.eval(sh, r))
	case roleCategory:
		v := sh.sum(col, r)
		if v.k != kNum {
			return v
		}
		return sh.finish(col, v)
	case roleTotal:
		if !sh.isComplete(r) {
			return null("incomplete")
		}
		v := sh.sum(col, r)
		if v.k != kNum {
			return v
		}
		if sh.vetoed(r) {
			return num(0)
		}
		return num(roundHalfAway(v.n, sh.p.scheme.Decimals()))
	case roleGrade:
		t := sh.cols[sh.p.total].get(r)
		if t.k != kNum {
			return null(nullNoTotal)
		}
		if sh.vetoed(r) && len(sh.p.scheme.Grades) > 0 {
			return str(sh.p.scheme.Grades[len(sh.p.scheme.Grades)-1].Label)
		}
		return gradeOf(sh.p.scheme.Grades, t.n)
	}
	return sh.cols[col.id].get(r)
}

// blocked is the null a cell takes when something it reads is null or an error.
func (sh *Sheet) blocked(reads []int, r int) (val, bool) {
	for _, d := range reads {
		switch sh.cols[d].k[r] {
		case kNull:
			return sh.nullFrom(d, r), true
		case kErr:
			if sh.p.cols[d].role == roleCall {
				// A column function's error has no cell of its own to show in: the
				// formula calling it shows it.
				return sh.cols[d].get(r), true
			}
			return null(sh.p.cols[d].name), true
		}
	}
	return val{}, false
}

// nullFrom passes on the reason of a null input: the metric that is missing.
func (sh *Sheet) nullFrom(d, r int) val {
	v := sh.cols[d].get(r)
	if v.s != "" {
		return v
	}
	return null(sh.p.cols[d].name)
}

// sum adds a category's (or the total's) children: score and bonus add, deductions subtract.
func (sh *Sheet) sum(col *colDef, r int) val {
	total := 0.0
	for i, ch := range col.children {
		v := sh.cols[ch].get(r)
		if v.k != kNum {
			if v.k == kNull {
				return sh.nullFrom(ch, r)
			}
			return null(sh.p.cols[ch].name)
		}
		total += col.signs[i] * v.n
	}
	return num(total)
}

func (sh *Sheet) vetoed(r int) bool {
	if sh.p.veto < 0 {
		return false
	}
	v := sh.cols[sh.p.veto].get(r)
	return v.k == kBool && v.n != 0
}

// finish applies a column's rules to a computed value: an item is clamped by its kind and
// rounded to the scheme's precision; an output keeps 15 significant digits or its own
// precision; a veto must be true or false.
func (sh *Sheet) finish(col *colDef, v val) val {
	if v.k == kNum && (math.IsNaN(v.n) || math.IsInf(v.n, 0)) {
		return fail("the result %v is not a finite number", v.n)
	}
	switch col.role {
	case roleItem, roleCategory:
		if v.k != kNum {
			if v.k == kNull || v.k == kErr {
				return v
			}
			return fail("a %s item must give a number, not %s", col.kind, v)
		}
		return num(roundCanon(clampPoints(canon(v.n), col.max), sh.p.scheme.Decimals()))
	case roleOutput:
		if v.k != kNum {
			return v
		}
		if col.precision >= 0 {
			return num(roundHalfAway(v.n, col.precision))
		}
		return num(canon(v.n))
	case roleVeto:
		if v.k != kBool && v.k != kNull && v.k != kErr {
			return fail("the veto must be true or false, not %s", v)
		}
	case roleArg:
		if v.k == kNum {
			return num(canon(v.n))
		}
	}
	return v
}

// clampPoints bounds an item's points, read at 15 digits, into [0, max] (扣完为止); no max
// means no upper bound.
func clampPoints(x float64, max *float64) float64 {
	if x < 0 {
		return 0
	}
	if max != nil && x > *max {
		return *max
	}
	return x
}

// row returns the index of a unit, or an error naming it.
func (sh *Sheet) row(unit string) (int, error) {
	r, ok := sh.index[unit]
	if !ok {
		return 0, fmt.Errorf("formulas: no unit %q in the sheet", unit)
	}
	return r, nil
}
