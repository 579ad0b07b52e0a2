package formulas

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
)

// Explanation shows how every cell of one unit's row was computed, so that a town can check
// its score: each formula, the values it read, the raw result, the clamp, the rounding, the
// veto, and for column functions the group it was ranked in and who tied.
type Explanation struct {
	Unit      Unit              `json:"unit"`
	Complete  bool              `json:"complete"`
	Missing   []string          `json:"missing"`
	Vetoed    bool              `json:"vetoed"`
	Veto      *CellExplanation  `json:"veto,omitempty"`
	Total     *CellExplanation  `json:"total"`
	Grade     *string           `json:"grade"`
	Rank      *RankExplanation  `json:"rank,omitempty"`
	GroupRank *RankExplanation  `json:"group_rank,omitempty"`
	Cells     []CellExplanation `json:"cells"`
}

// CellExplanation explains one cell.
type CellExplanation struct {
	Code      string              `json:"code"`
	Title     string              `json:"title,omitempty"`
	Kind      string              `json:"kind"`
	MaxPoints *float64            `json:"max_points,omitempty"`
	Formula   string              `json:"formula,omitempty"`
	Inputs    []Input             `json:"inputs,omitempty"`
	Columns   []ColumnExplanation `json:"columns,omitempty"`
	Children  []Input             `json:"children,omitempty"`
	Raw       any                 `json:"raw"`
	Value     any                 `json:"value"`
	Clamp     string              `json:"clamp,omitempty"`
	Rounding  string              `json:"rounding,omitempty"`
	Null      string              `json:"null,omitempty"`
	Error     string              `json:"error,omitempty"`
	Text      string              `json:"text"`

	// The texts before they are written in a language (In): Explain writes them in English.
	clamp, rounding, null i18n.Message
	text                  []i18n.Message
}

// Input is one value a formula read.
type Input struct {
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	Value any    `json:"value"`
	Null  string `json:"null,omitempty"`
}

// ColumnExplanation explains one column-function call of a formula.
type ColumnExplanation struct {
	Call      string   `json:"call"`
	Function  string   `json:"function"`
	Column    string   `json:"column"`
	Key       any      `json:"key,omitempty"`
	Value     any      `json:"value"`
	GroupSize int      `json:"group_size"`
	Ties      []string `json:"ties,omitempty"`
	// Detail says how the value was found where the function has steps of its own (apportion).
	Detail string `json:"detail,omitempty"`
}

// RankExplanation explains the overall or group rank of the total.
type RankExplanation struct {
	Rank      *int     `json:"rank"`
	Group     string   `json:"group,omitempty"`
	GroupSize int      `json:"group_size"`
	Ties      []string `json:"ties,omitempty"`
}

// Explain explains every cell of one unit's row. It recomputes that row's raw values, so it
// costs one row, not a sheet.
func (sh *Sheet) Explain(unit string) (ex *Explanation, err error) {
	r, err := sh.row(unit)
	if err != nil {
		return nil, err
	}
	defer func() {
		if e := recover(); e != nil {
			ex, err = nil, fmt.Errorf("formulas: explain %s: internal error: %v", unit, e)
		}
	}()
	p := sh.p
	res := sh.result(r)
	ex = &Explanation{Unit: res.Unit, Complete: res.Complete, Missing: res.Missing, Vetoed: res.Vetoed, Grade: res.Grade}
	for _, c := range p.columns {
		ex.Cells = append(ex.Cells, sh.explainCell(p.cols[p.byName[c.Code]], r))
	}
	if p.veto >= 0 {
		v := sh.explainCell(p.cols[p.veto], r)
		v.Code, v.Kind = "veto", "veto"
		ex.Veto = &v
	}
	t := sh.explainCell(p.cols[p.total], r)
	ex.Total = &t
	ex.Rank = sh.explainRank(p.rank, r)
	ex.GroupRank = sh.explainRank(p.groupRank, r)
	return ex, nil
}

func (sh *Sheet) explainCell(col *colDef, r int) CellExplanation {
	p := sh.p
	v := sh.cols[col.id].get(r)
	e := CellExplanation{Code: col.name, Title: col.title, Kind: col.kind, MaxPoints: col.max, Formula: col.source, Value: v.any()}
	switch col.role {
	case roleOutput:
		e.Kind = "output"
	case roleTotal:
		e.Kind = "total"
	}
	for _, d := range col.reads {
		dc := p.cols[d]
		if dc.role == roleCall {
			e.Columns = append(e.Columns, sh.explainCall(dc, r))
			continue
		}
		in := sh.cols[d].get(r)
		e.Inputs = append(e.Inputs, Input{Name: sh.publicName(dc), Title: dc.title, Value: in.any(), Null: nullReason(in)})
	}
	for _, ch := range col.children {
		in := sh.cols[ch].get(r)
		e.Children = append(e.Children, Input{Name: p.cols[ch].name, Title: p.cols[ch].title, Value: in.any(), Null: nullReason(in)})
	}
	switch v.k {
	case kNull:
		e.null = describeNull(v.s)
	case kErr:
		e.Error = v.s
	}
	raw := v
	switch col.role {
	case roleItem, roleOutput, roleVeto:
		// A text is its own raw value (no clamp, no rounding): it is not built again.
		if _, blocked := sh.blocked(col.reads, r); !blocked && col.eval != nil && v.k != kStr {
			raw = col.eval(sh, r)
		}
	case roleCategory, roleTotal:
		raw = sh.sum(col, r)
	}
	if raw.k == kNum && (math.IsNaN(raw.n) || math.IsInf(raw.n, 0)) {
		// An overflow (x * 1e308) is the cell's error, in the explanation as in the sheet: a
		// non-finite number has no JSON (issue 11).
		raw = sh.finish(col, raw)
	}
	e.Raw = raw.any()
	if raw.k == kNum && v.k == kNum {
		x := canon(raw.n)
		switch {
		case col.role == roleTotal && sh.vetoed(r):
			e.clamp = i18n.M("raw %s, set to 0 by the veto (%s)", fmtNum(x), vetoLabel(p.scheme))
		case (col.role == roleItem || col.role == roleCategory) && x < 0:
			e.clamp = i18n.M("raw %s, floor 0 of a %s item", fmtNum(x), i18n.M(col.kind))
		case (col.role == roleItem || col.role == roleCategory) && col.max != nil && x > *col.max:
			e.clamp = i18n.M("raw %s, capped at max_points %s of a %s item", fmtNum(x), fmtNum(*col.max), i18n.M(col.kind))
		}
		if e.clamp.IsZero() && x != v.n {
			e.rounding = i18n.M("%s rounded half away from zero to %s", fmtNum(x), fmtNum(v.n))
		}
	}
	switch {
	case e.Error != "":
		e.text = append(e.text, i18n.M("error: %s", e.Error))
	case !e.null.IsZero():
		e.text = append(e.text, i18n.M("no value: %s", e.null))
	default:
		e.text = append(e.text, i18n.M("%s = %s", col.name, v.String()))
		if !e.clamp.IsZero() {
			e.text = append(e.text, e.clamp)
		}
		if !e.rounding.IsZero() {
			e.text = append(e.text, e.rounding)
		}
	}
	e.write(i18n.EN)
	return e
}

// write writes the cell's texts in l.
func (e *CellExplanation) write(l i18n.Lang) {
	e.Clamp, e.Rounding, e.Null = "", "", ""
	if !e.clamp.IsZero() {
		e.Clamp = e.clamp.In(l)
	}
	if !e.rounding.IsZero() {
		e.Rounding = e.rounding.In(l)
	}
	if !e.null.IsZero() {
		e.Null = e.null.In(l)
	}
	parts := make([]string, len(e.text))
	for i, m := range e.text {
		parts[i] = m.In(l)
	}
	sep := "; "
	if l == i18n.ZH {
		sep = "；"
	}
	e.Text = strings.Join(parts, sep)
}

// In returns the explanation with its texts (each cell's text, clamp, rounding and why it has
// no value) written in l; Explain writes them in English. ex is not changed.
func (ex *Explanation) In(l i18n.Lang) *Explanation {
	out := *ex
	out.Cells = make([]CellExplanation, len(ex.Cells))
	for i := range ex.Cells {
		out.Cells[i] = ex.Cells[i]
		out.Cells[i].write(l)
	}
	for _, c := range []**CellExplanation{&out.Veto, &out.Total} {
		if *c != nil {
			cp := **c
			cp.write(l)
			*c = &cp
		}
	}
	return &out
}

// vetoLabel names the veto in a text: its label, or the word for it.
func vetoLabel(s *Scheme) any {
	if s.Veto != nil && s.Veto.Label != "" {
		return s.Veto.Label
	}
	return i18n.M("veto")
}

// publicName is the name a formula used for a column.
func (sh *Sheet) publicName(c *colDef) string {
	switch {
	case c.name == nameRank:
		return "rank"
	case c.name == nameGrade:
		return "grade"
	case strings.HasPrefix(c.name, nameAttr):
		return "unit.attrs." + strings.TrimPrefix(c.name, nameAttr)
	case strings.HasPrefix(c.name, nameUnit):
		return "unit." + strings.TrimPrefix(c.name, nameUnit)
	}
	return c.name
}

func nullReason(v val) string {
	if v.k == kNull {
		return describeNull(v.s).In(i18n.EN)
	}
	return ""
}

func describeNull(why string) i18n.Message {
	switch why {
	case "":
		return i18n.M("no value (nil)")
	case "incomplete":
		return i18n.M("the unit is incomplete")
	}
	return i18n.M("needs %s", why)
}

// explainCall explains one column-function call in row r.
func (sh *Sheet) explainCall(c *colDef, r int) ColumnExplanation {
	call := c.call
	v := sh.cols[c.id].get(r)
	e := ColumnExplanation{Function: call.fn, Value: v.any()}
	if call.node != nil {
		e.Call = call.node.String()
	}
	if call.src >= 0 {
		e.Column = sh.publicName(sh.p.cols[call.src])
	}
	var key val
	if call.arg >= 0 {
		key = sh.cols[call.arg].get(r)
		e.Key = key.any()
	}
	if call.src < 0 || !sh.isComplete(r) {
		return e
	}
	src := &sh.cols[call.src]
	mine := src.get(r)
	for o := range sh.units {
		if !sh.isComplete(o) {
			continue
		}
		if call.arg >= 0 && call.fn != "lookup" && !equal(sh.cols[call.arg].get(o), key) {
			continue
		}
		ov := src.get(o)
		if ov.k == kNull || ov.k == kErr {
			continue
		}
		e.GroupSize++
		if o != r && (call.fn == "rank" || call.fn == "rank_asc") && tie(ov, mine) {
			e.Ties = append(e.Ties, sh.units[o].Code)
		}
	}
	sort.Strings(e.Ties)
	if call.share != nil {
		e.Detail = sh.explainApportion(call, r)
	}
	return e
}

// tie is equal(a, b), first rejecting two numbers too far apart for reading both at 15
// significant digits to make them one (that rounding moves a number by less than 1e-14 of it):
// explaining a rank compares the unit's value with every other unit's, and reading each at
// 15 digits was most of the cost of GET /results/{unit} at 10,000 units.
func tie(a, b val) bool {
	if a.k == kNum && b.k == kNum && math.Abs(a.n-b.n) > 1e-9*math.Max(math.Abs(a.n), math.Abs(b.n)) {
		return false
	}
	return equal(a, b)
}

// explainRank explains the overall or group rank of row r's total.
func (sh *Sheet) explainRank(id, r int) *RankExplanation {
	ce := sh.explainCall(sh.p.cols[id], r)
	out := &RankExplanation{GroupSize: ce.GroupSize, Ties: ce.Ties}
	if v, ok := ce.Value.(float64); ok {
		k := int(v)
		out.Rank = &k
	}
	if s, ok := ce.Key.(string); ok {
		out.Group = s
	}
	return out
}
