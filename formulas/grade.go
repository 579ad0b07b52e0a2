package formulas

import "strconv"

// MinGrade is the band of the totals of at least min: {min: 85, label: 合格}.
func MinGrade(min float64, label string) Grade { return Grade{Min: &min, Label: label} }

// AboveGrade is the band of the totals above bound, bound excluded: {above: 75, label: 基本合格}
// for "75分（含）以下为不合格，76~84分基本合格", where 75.5 is 基本合格.
func AboveGrade(bound float64, label string) Grade { return Grade{Above: &bound, Label: label} }

// Bound is the band's lower bound, and whether the bound itself is excluded (above). A band
// with neither bound (which validation refuses) holds everything.
func (g Grade) Bound() (bound float64, exclusive bool) {
	switch {
	case g.Min != nil:
		return *g.Min, false
	case g.Above != nil:
		return *g.Above, true
	}
	return 0, false
}

// Holds reports whether a total belongs to the band, comparing as a decimal calculator does.
func (g Grade) Holds(x float64) bool {
	switch {
	case g.Min != nil:
		return compare(x, *g.Min) >= 0
	case g.Above != nil:
		return compare(x, *g.Above) > 0
	}
	return true
}

// Below reports whether band g may follow band prev in a list running from the highest: its
// bound is lower, or the same bound with prev excluding it and g including it ({above: 75}
// then {min: 75} gives 75 its own band).
func (g Grade) Below(prev Grade) bool {
	b, bx := g.Bound()
	p, px := prev.Bound()
	switch compare(b, p) {
	case -1:
		return true
	case 0:
		return px && !bx
	}
	return false
}

// String is the band's condition as a clerk reads it: "≥ 76" or "> 75".
func (g Grade) String() string {
	b, exclusive := g.Bound()
	op := "≥ "
	if exclusive {
		op = "> "
	}
	return op + strconv.FormatFloat(b, 'f', -1, 64)
}
