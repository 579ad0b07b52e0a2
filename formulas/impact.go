package formulas

import "reflect"

// Impact is what a change of a scheme does to a sheet: for every unit its total, rank and
// grade before and after, its outputs that change and its cells that become errors, and the
// units whose grade changes. An administrator reads it
// before saving a formula (PATCH …?dry_run=true).
type Impact struct {
	Units        []UnitImpact `json:"units"`
	GradeChanges []string     `json:"grade_changes"`
}

// UnitImpact is one unit's total, rank and grade before and after a change, with its outputs
// that change (money, rates, awards) and the cells that become errors.
type UnitImpact struct {
	Unit     string   `json:"unit"`
	Name     string   `json:"name"`
	OldTotal *float64 `json:"old_total"`
	NewTotal *float64 `json:"new_total"`
	OldRank  *int     `json:"old_rank"`
	NewRank  *int     `json:"new_rank"`
	OldGrade *string  `json:"old_grade"`
	NewGrade *string  `json:"new_grade"`
	Changed  bool     `json:"changed"`
	// Outputs are the outputs whose value changes, in document order (absent when none).
	Outputs []CellChange `json:"outputs,omitempty"`
	// NewErrors are the cells (code → error) that cannot be computed after the change but
	// could before, or fail differently (absent when none).
	NewErrors map[string]string `json:"new_errors,omitempty"`
}

// CellChange is one cell's value before and after a change.
type CellChange struct {
	Code string `json:"code"`
	Old  any    `json:"old"`
	New  any    `json:"new"`
}

// Compare lists the impact of going from sheet before to sheet after, for the units of after.
func Compare(before, after *Sheet) Impact {
	out := Impact{Units: []UnitImpact{}, GradeChanges: []string{}}
	for _, a := range after.Results() {
		u := UnitImpact{Unit: a.Unit.Code, Name: a.Unit.Name, NewTotal: a.Total, NewRank: a.Rank, NewGrade: a.Grade}
		b, ok := before.Result(a.Unit.Code)
		if ok {
			u.OldTotal, u.OldRank, u.OldGrade = b.Total, b.Rank, b.Grade
		}
		for _, o := range after.p.scheme.Outputs {
			if old, nw := b.Cells[o.Code], a.Cells[o.Code]; !reflect.DeepEqual(old, nw) {
				u.Outputs = append(u.Outputs, CellChange{Code: o.Code, Old: old, New: nw})
			}
		}
		for code, msg := range a.Errors {
			if b.Errors[code] != msg {
				if u.NewErrors == nil {
					u.NewErrors = map[string]string{}
				}
				u.NewErrors[code] = msg
			}
		}
		u.Changed = !eqFloat(u.OldTotal, u.NewTotal) || !eqInt(u.OldRank, u.NewRank) || !eqStr(u.OldGrade, u.NewGrade)
		if !eqStr(u.OldGrade, u.NewGrade) {
			out.GradeChanges = append(out.GradeChanges, a.Unit.Code)
		}
		out.Units = append(out.Units, u)
	}
	return out
}

func eqFloat(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqInt(a, b *int) bool       { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
func eqStr(a, b *string) bool    { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
