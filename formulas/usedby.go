package formulas

import "slices"

// UsedBy lists the items, outputs and the veto whose formulas read name (a metric, item or
// output code), directly or through a column function, in the order of the sheet's columns:
// what must change before name can be removed.
func (p *Program) UsedBy(name string) []string {
	var out []string
	for _, col := range p.cols {
		if col.source == "" || (col.role != roleItem && col.role != roleOutput && col.role != roleVeto) || col.name == name {
			continue
		}
		if p.reads(col, name, map[int]bool{}) {
			out = append(out, ownerName(col))
		}
	}
	return out
}

// reads reports whether col's formula reads name, following the column-function calls and
// their arguments it computes through internal columns.
func (p *Program) reads(col *colDef, name string, seen map[int]bool) bool {
	if slices.Contains(col.refNames, name) {
		return true
	}
	next := append([]int(nil), col.reads...)
	if col.call != nil {
		if col.call.src >= 0 {
			next = append(next, col.call.src)
		}
		if col.call.arg >= 0 {
			next = append(next, col.call.arg)
		}
	}
	for _, id := range next {
		d := p.cols[id]
		if d.name == name {
			return true
		}
		if (d.role == roleCall || d.role == roleArg) && !seen[id] {
			seen[id] = true
			if p.reads(d, name, seen) {
				return true
			}
		}
	}
	return false
}
