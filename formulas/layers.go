package formulas

import (
	"fmt"
	"slices"
	"strings"
)

// Layers a sheet can be evaluated for, as an output's Layers names them: the assessor's
// figures (final) and the unit's self-assessment (self).
const (
	LayerFinal = "final"
	LayerSelf  = "self"
)

// nullLayer is the reason of the null cell of an output on a layer it is not computed on.
// Like the other reasons that are not a name, it has a space, so no metric code can be taken
// for it.
const nullLayer = "not on this layer"

// Reasons of null cells besides a name (explain.go: describeNull).
const (
	nullNoGrades       = "no grade bands"   // a grade in a scheme without grade bands
	nullNoTotal        = "no total"         // a grade of a total without a value
	nullIncompleteUnit = "incomplete unit " // a lookup of an incomplete unit, followed by its code
)

// EvaluateLayer evaluates rows as the sheet of one layer: an output whose Layers does not
// name it is not computed — its cells are null (no value, not an error, and the unit stays
// complete). Evaluate computes every output, as for a layer "".
func (p *Program) EvaluateLayer(rows []Row, layer string) *Sheet {
	return p.evaluate(rows, layer)
}

// offLayer reports whether output col is not computed on the sheet's layer.
func (sh *Sheet) offLayer(col *colDef) bool {
	return col.output != nil && len(col.output.Layers) > 0 && sh.layer != "" && !slices.Contains(col.output.Layers, sh.layer)
}

// checkLayers checks the layers of outputs: each named once and known; and that no item, the
// veto, or an output computed on more layers depends on an output restricted to fewer, whose
// cell would be null there (a total must never depend on a layer's missing fee).
func (c *compiler) checkLayers() {
	restricted, bad := false, false
	for i := range c.s.Outputs {
		o := &c.s.Outputs[i]
		seen := map[string]bool{}
		for _, l := range o.Layers {
			if l != LayerFinal && l != LayerSelf {
				c.errorf(o.Code, "output %s: unknown layer %q in layers: use final or self", o.Code, l)
				bad = true
			} else if seen[l] {
				c.errorf(o.Code, "output %s: layer %s is listed twice", o.Code, l)
				bad = true
			}
			seen[l] = true
		}
		restricted = restricted || len(o.Layers) > 0
	}
	if !restricted || bad {
		return
	}
	layersOf := func(col *colDef) []string {
		if col.output == nil || len(col.output.Layers) == 0 {
			return []string{LayerFinal, LayerSelf}
		}
		return col.output.Layers
	}
	for _, col := range c.p.cols {
		if col.role != roleItem && col.role != roleVeto && col.role != roleOutput {
			continue
		}
		want := layersOf(col)
		seen := map[int]bool{}
		var walk func(id int) *colDef
		walk = func(id int) *colDef {
			if seen[id] {
				return nil
			}
			seen[id] = true
			d := c.p.cols[id]
			if d != col && d.role == roleOutput {
				for _, l := range want {
					if !slices.Contains(layersOf(d), l) {
						return d
					}
				}
			}
			next := append(append([]int(nil), d.reads...), d.children...)
			if d.call != nil {
				if d.call.src >= 0 {
					next = append(next, d.call.src)
				}
				if d.call.arg >= 0 {
					next = append(next, d.call.arg)
				}
			}
			for _, n := range next {
				if found := walk(n); found != nil {
					return found
				}
			}
			return nil
		}
		if d := walk(col.id); d != nil {
			owner := col.name
			if col.role == roleVeto {
				owner = "veto"
			}
			c.errorf(owner, "%s reads output %s, which is computed on the %s layer only: it would have no value on the %s layer",
				owner, d.name, strings.Join(layersOf(d), " and "), otherLayer(layersOf(d), want))
		}
	}
}

// otherLayer names a layer of want that have does not include.
func otherLayer(have, want []string) string {
	for _, l := range want {
		if !slices.Contains(have, l) {
			return l
		}
	}
	return fmt.Sprint(want)
}
