package schema

import "github.com/rubric-dev/rubric/formulas"

// grade checks band i of a scheme's grades: exactly one bound (min, at least; above, the
// bound excluded), finite, and below the previous band's, since bands run from the highest.
func (v *validator) grade(grades []formulas.Grade, i int, path string) {
	g := grades[i]
	field, name := path+".min", "min"
	switch {
	case g.Min != nil && g.Above != nil:
		v.add(path+".above", "a band sets min (at least) or above (the bound excluded), not both")
		return
	case g.Min == nil && g.Above == nil:
		v.add(field, "min (at least) or above (the bound excluded) is required")
		return
	case g.Above != nil:
		field, name = path+".above", "above"
	}
	b, _ := g.Bound()
	if !finite(b) {
		v.add(field, "the bound must be a finite number")
		return
	}
	if i == 0 {
		return
	}
	prev := grades[i-1]
	p, exclusive := prev.Bound()
	if finite(p) && (prev.Min == nil) != (prev.Above == nil) && !g.Below(prev) {
		was := formatNum(p)
		if exclusive {
			was = "above " + was
		}
		v.add(field, "%s %s is not below the previous band's %s: list bands from the highest", name, formatNum(b), was)
	}
}
