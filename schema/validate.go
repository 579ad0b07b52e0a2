package schema

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/rubric-dev/rubric/formulas"
)

// MaxCodeLength is the longest code of a scheme, metric, item, output, attribute or unit.
const MaxCodeLength = 64

var (
	identRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// unitCodeRe is what offices use as unit codes, which formulas never name: 行政区划代码
	// (320682), roster numbers (U000020), 统一社会信用代码 (91320000MA1234567X), with - _ .
	unitCodeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	slugRe     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	paramRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// reservedNames are the names a metric, item or output code must not take: the sheet's own
// columns, the roots of a formula's environment, expr's keywords, builtins and rubric's
// helpers. The engine's own list is added to it.
var reservedNames = []string{
	"total", "rank", "group_rank", "grade", "unit", "params", "nil", "true", "false",
	"clamp", "round_to", "pct", "below", "steps", "tier", "rank_asc", "col_sum", "col_max",
	"col_min", "col_avg", "col_count", "lookup", "abs", "ceil", "floor", "round", "max", "min",
	"len", "int", "float", "string", "not", "and", "or", "in", "matches", "contains",
	"startsWith", "endsWith", "let", "if", "else",
}

// Reserved reports whether name is reserved: no metric, item or output may be called so.
func Reserved(name string) bool {
	for _, r := range reservedNames {
		if r == name {
			return true
		}
	}
	for _, r := range formulas.ReservedNames() {
		if r == name {
			return true
		}
	}
	return false
}

// Validate checks a whole scheme document before anything is saved and returns the engine's
// warnings. Every structural problem is reported (as Problems, each with the path of its
// field), then, if the scheme's structure is sound, every formula is compiled and all compile
// errors are returned together (as Errors): the error is an *Error of kind Invalid.
//
// Validate normalizes the document in place: metric defaults and unit attributes become
// float64, bool or string.
func Validate(doc *Document) ([]formulas.Warning, error) {
	if doc == nil {
		return nil, Errorf(Invalid, "", "no document")
	}
	return validate(doc, nil)
}

// validate checks doc: its scheme, its roster (doc.Units, or when it has none the stored
// roster, whose units must still fit the scheme's groups and attributes) and its values
// against that roster.
func validate(doc *Document, stored []formulas.Unit) ([]formulas.Warning, error) {
	v := &validator{}
	v.scheme(&doc.Scheme)
	// Every text of the scheme: titles, criteria, formulas, labels (the roster's and the
	// values' texts are checked with them).
	v.problems = append(v.problems, textProblems("", &doc.Scheme)...)
	schemeOK := len(v.problems) == 0
	roster := doc.Units
	if len(roster) > 0 {
		v.units(&doc.Scheme, roster, func(i int) string { return fmt.Sprintf("units[%d]", i) })
	} else {
		roster = stored
		v.units(&doc.Scheme, roster, func(i int) string { return "units." + roster[i].Code })
	}
	if schemeOK {
		// Values are checked against the metrics only when those are sound.
		v.values(&doc.Scheme, roster, doc.Values)
	}
	var warnings []formulas.Warning
	var errs []*formulas.Error
	if schemeOK {
		var err error
		warnings, err = compile(&doc.Scheme)
		errs = formulaErrors(err)
	}
	if len(v.problems) > 0 || len(errs) > 0 {
		return nil, invalid(v.problems, errs)
	}
	return warnings, nil
}

// formulaErrors unpacks the error of formulas.Compile.
func formulaErrors(err error) []*formulas.Error {
	switch e := err.(type) {
	case nil:
		return nil
	case formulas.Errors:
		return e
	case *formulas.Error:
		return []*formulas.Error{e}
	}
	return []*formulas.Error{{Message: err.Error()}}
}

// validator collects the problems of a document.
type validator struct {
	problems []Problem
	codes    map[string]string // metric, item and output codes → the path that declared them
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) scheme(s *formulas.Scheme) {
	switch {
	case s.Code == "":
		v.add("code", "code is required")
	case len(s.Code) > MaxCodeLength:
		v.add("code", "code is longer than %d characters", MaxCodeLength)
	case !slugRe.MatchString(s.Code):
		v.add("code", `%q is not a valid scheme code: use lower-case letters, digits and "-", starting with a letter`, s.Code)
	}
	if strings.TrimSpace(s.Title) == "" {
		v.add("title", "title is required")
	}
	if !finite(s.TotalPoints) || s.TotalPoints < 0 {
		v.add("total_points", "total_points %s must be a number ≥ 0", formatNum(s.TotalPoints))
	}
	if p := s.Decimals(); p < 0 || p > 6 {
		v.add("precision", "precision %d is out of range 0..6", p)
	}
	for i, g := range s.Grades {
		path := fmt.Sprintf("grades[%d]", i)
		if strings.TrimSpace(g.Label) == "" {
			v.add(path+".label", "label is required")
		}
		v.grade(s.Grades, i, path)
	}
	seen := map[string]bool{}
	for i, g := range s.Groups {
		path := fmt.Sprintf("groups[%d]", i)
		switch {
		case strings.TrimSpace(g) == "":
			v.add(path, "a group needs a name")
		case seen[g]:
			v.add(path, "group %q is listed twice", g)
		}
		seen[g] = true
	}
	for _, name := range sortedKeys(s.Params) {
		if !paramRe.MatchString(name) {
			v.add("params."+name, "%q is not a valid param name: use letters, digits and \"_\"", name)
		}
		if !finite(s.Params[name]) {
			v.add("params."+name, "param %s is not a finite number", name)
		}
	}
	attrs := map[string]bool{}
	for i, a := range s.Attributes {
		path := fmt.Sprintf("attributes[%d]", i)
		if v.ident(path+".code", a.Code, false) {
			if attrs[a.Code] {
				v.add(path+".code", "attribute %q is declared twice", a.Code)
			}
			attrs[a.Code] = true
		}
		v.typ(path+".type", a.Type)
	}
	v.codes = map[string]string{}
	for i := range s.Metrics {
		v.metric(fmt.Sprintf("metrics[%d]", i), &s.Metrics[i])
	}
	for i := range s.Items {
		v.item(fmt.Sprintf("items[%d]", i), &s.Items[i])
	}
	for i := range s.Outputs {
		o := &s.Outputs[i]
		path := fmt.Sprintf("outputs[%d]", i)
		v.code(path, o.Code)
		v.title(path, o.Title)
		if strings.TrimSpace(o.Formula) == "" {
			v.add(path+".formula", "formula is required")
		}
	}
	if s.Veto != nil && strings.TrimSpace(s.Veto.Formula) == "" {
		v.add("veto.formula", "formula is required")
	}
}

func (v *validator) metric(path string, m *formulas.Metric) {
	v.code(path, m.Code)
	v.title(path, m.Title)
	typeOK := v.typ(path+".type", m.Type)
	numeric := m.Type == formulas.TypeNumber || m.Type == formulas.TypeInteger
	if (m.Min != nil || m.Max != nil) && typeOK && !numeric {
		v.add(path, "min and max apply to number and integer metrics only")
	}
	if m.Min != nil && !finite(*m.Min) {
		v.add(path+".min", "min must be a finite number")
	}
	if m.Max != nil && !finite(*m.Max) {
		v.add(path+".max", "max must be a finite number")
	}
	boundsOK := true
	if m.Min != nil && m.Max != nil && *m.Max < *m.Min {
		v.add(path+".max", "max %s is below min %s", formatNum(*m.Max), formatNum(*m.Min))
		boundsOK = false
	}
	if m.Default != nil && typeOK && boundsOK {
		d, msg := checkValue(m.Type, m.Min, m.Max, m.Default)
		if msg != "" {
			v.add(path+".default", "%s", msg)
		} else {
			m.Default = d
		}
	}
}

func (v *validator) item(path string, it *formulas.Item) {
	v.code(path, it.Code)
	v.title(path, it.Title)
	switch it.Kind {
	case "", formulas.KindScore, formulas.KindBonus, formulas.KindDeduction:
	default:
		v.add(path+".kind", "kind %q must be score, bonus or deduction", it.Kind)
	}
	if it.MaxPoints != nil && (!finite(*it.MaxPoints) || *it.MaxPoints < 0) {
		v.add(path+".max_points", "max_points %s must be a number ≥ 0", formatNum(*it.MaxPoints))
	}
	hasFormula := strings.TrimSpace(it.Formula) != ""
	switch {
	case len(it.Children) == 0 && !hasFormula:
		v.add(path+".formula", "formula is required: a leaf item is scored by its formula")
	case len(it.Children) > 0 && hasFormula:
		v.add(path+".formula", "a category (an item with children) has no formula: it is the sum of its children")
	}
	for i := range it.Children {
		v.item(fmt.Sprintf("%s.children[%d]", path, i), &it.Children[i])
	}
}

// code checks a metric, item or output code: an identifier, not reserved, used once.
func (v *validator) code(path, code string) {
	if !v.ident(path+".code", code, true) {
		return
	}
	if prev, dup := v.codes[code]; dup {
		v.add(path+".code", "code %q is already used by %s", code, prev)
		return
	}
	v.codes[code] = path
}

// ident checks that code is an identifier (and, if reserved is set, not a reserved name).
func (v *validator) ident(path, code string, reserved bool) bool {
	switch {
	case code == "":
		v.add(path, "code is required")
	case len(code) > MaxCodeLength:
		v.add(path, "code is longer than %d characters", MaxCodeLength)
	case !identRe.MatchString(code):
		v.add(path, `%q is not a valid code: use lower-case letters, digits and "_", starting with a letter`, code)
	case reserved && Reserved(code):
		v.add(path, "%q is a reserved name", code)
	default:
		return true
	}
	return false
}

// unitCode checks the code of a unit: letters of either case and digits, then also "-", "_"
// and ".", so that an office's own codes (320682, U000020, 91320000MA1234567X) are kept.
func (v *validator) unitCode(path, code string) bool {
	switch {
	case code == "":
		v.add(path, "code is required")
	case len(code) > MaxCodeLength:
		v.add(path, "code is longer than %d characters", MaxCodeLength)
	case !unitCodeRe.MatchString(code):
		v.add(path, `%q is not a valid unit code: use letters, digits, "-", "_" and ".", starting with a letter or digit`, code)
	default:
		return true
	}
	return false
}

func (v *validator) title(path, title string) {
	if strings.TrimSpace(title) == "" {
		v.add(path+".title", "title is required")
	}
}

// knownType reports whether t is a type of metrics and attributes.
func knownType(t string) bool {
	switch t {
	case formulas.TypeNumber, formulas.TypeInteger, formulas.TypeBoolean, formulas.TypeText:
		return true
	}
	return false
}

func (v *validator) typ(path, t string) bool {
	switch {
	case knownType(t):
		return true
	case t == "":
		v.add(path, "type is required: number, integer, boolean or text")
	default:
		v.add(path, "type %q must be number, integer, boolean or text", t)
	}
	return false
}

// units checks a roster against its scheme and normalizes declared attributes.
func (v *validator) units(s *formulas.Scheme, units []formulas.Unit, pathOf func(int) string) {
	seen := map[string]bool{}
	for i := range units {
		u := &units[i]
		path := pathOf(i)
		for _, p := range unitProblems(s, u) {
			p.Field = path + "." + p.Field
			v.problems = append(v.problems, p)
		}
		if unitCodeRe.MatchString(u.Code) {
			if seen[u.Code] {
				v.add(path+".code", "unit %q is listed twice", u.Code)
			}
			seen[u.Code] = true
		}
	}
}

// unitProblems checks one unit: its code, name, group and the types of its declared
// attributes, which it normalizes. Fields are relative to the unit.
func unitProblems(s *formulas.Scheme, u *formulas.Unit) []Problem {
	v := &validator{}
	v.problems = textProblems("", u)
	v.unitCode("code", u.Code)
	if strings.TrimSpace(u.Name) == "" {
		v.add("name", "name is required")
	}
	if msg := groupProblem(s, u.Group); msg != "" {
		v.add("group", "%s", msg)
	}
	declared := make(map[string]bool, len(s.Attributes))
	for _, a := range s.Attributes {
		declared[a.Code] = true
	}
	v.problems = append(v.problems, attrsProblems(u.Attrs, declared)...)
	for _, a := range s.Attributes {
		x, ok := u.Attrs[a.Code]
		if !ok || x == nil || !knownType(a.Type) {
			continue
		}
		n, msg := checkValue(a.Type, nil, nil, x)
		if msg != "" {
			v.add("attrs."+a.Code, "%s", msg)
			continue
		}
		u.Attrs[a.Code] = n
	}
	return v.problems
}

// groupProblem says what is wrong with a unit's group, "" if nothing: a group must be one of
// the scheme's groups; no group is always allowed.
func groupProblem(s *formulas.Scheme, group string) string {
	if group == "" {
		return ""
	}
	for _, g := range s.Groups {
		if g == group {
			return ""
		}
	}
	if len(s.Groups) == 0 {
		return fmt.Sprintf("group %q is set but the scheme has no groups", group)
	}
	return fmt.Sprintf("group %q is not one of the scheme's groups: %s", group, strings.Join(s.Groups, ", "))
}

// values checks a document's example values against the scheme and the roster.
func (v *validator) values(s *formulas.Scheme, roster []formulas.Unit, values map[string]map[string]map[string]any) {
	units := map[string]bool{}
	for _, u := range roster {
		units[u.Code] = true
	}
	metrics := metricIndex(s)
	for _, layer := range sortedKeys(values) {
		path := "values." + layer
		if layer != LayerFinal && layer != LayerSelf {
			v.add(path, "unknown layer %q: use final or self", layer)
			continue
		}
		for _, unit := range sortedKeys(values[layer]) {
			if !units[unit] {
				v.problems = append(v.problems, Problem{Field: path + "." + unit, Unit: unit,
					Message: fmt.Sprintf("unknown unit %q", unit)})
				continue
			}
			for _, p := range entryProblems(metrics, unit, values[layer][unit]) {
				p.Field = path + "." + unit + "." + p.Metric
				v.problems = append(v.problems, p)
			}
		}
	}
}

// metricIndex maps metric codes to metrics.
func metricIndex(s *formulas.Scheme) map[string]*formulas.Metric {
	m := make(map[string]*formulas.Metric, len(s.Metrics))
	for i := range s.Metrics {
		m[s.Metrics[i].Code] = &s.Metrics[i]
	}
	return m
}

// entryProblems checks the raw entries of one unit: every metric known, every value of the
// right type and within bounds. A null value is allowed (it removes or leaves out the value).
// Each problem names the unit and the metric; its Field is the metric.
func entryProblems(metrics map[string]*formulas.Metric, unit string, raw map[string]any) []Problem {
	var out []Problem
	for _, code := range sortedKeys(raw) {
		p := Problem{Field: code, Unit: unit, Metric: code}
		m, ok := metrics[code]
		if !ok {
			p.Message = fmt.Sprintf("unknown metric %q", code)
			out = append(out, p)
			continue
		}
		e, err := ParseEntry(raw[code])
		if err != nil {
			p.Message = err.Error()
			out = append(out, p)
			continue
		}
		if e.Value == nil {
			continue
		}
		if _, msg := checkValue(m.Type, m.Min, m.Max, e.Value); msg != "" {
			p.Message = msg
			out = append(out, p)
		}
	}
	return out
}

func finite(x float64) bool {
	return !math.IsNaN(x) && !math.IsInf(x, 0)
}
