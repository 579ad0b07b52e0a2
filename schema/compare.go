package schema

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// Comparison puts two sheets of a scheme side by side — two layers (自评 and 考核), a layer and
// a publication, or two publications: per unit both totals, grades and ranks and every cell,
// with the differences, and the units whose grade or money differs.
type Comparison struct {
	Scheme  string            `json:"scheme"`
	A       DiffSide          `json:"a"`
	B       DiffSide          `json:"b"`
	Columns []formulas.Column `json:"columns"`
	Units   []UnitComparison  `json:"units"`
	// Differing lists the units graded differently on the two sides, or with a different
	// amount of a money output (unit 元); a side without a grade or amount (an incomplete
	// unit, a fee not computed on the self layer) differs in nothing.
	Differing []string `json:"differing"`
}

// ComparedRow is one unit's row on one side.
type ComparedRow struct {
	Complete  bool     `json:"complete"`
	Total     *float64 `json:"total"`
	Grade     *string  `json:"grade"`
	Rank      *int     `json:"rank"`
	GroupRank *int     `json:"group_rank"`
}

// ComparedCell is one cell on both sides; Delta is b − a when both are numbers.
type ComparedCell struct {
	Code  string   `json:"code"`
	A     any      `json:"a"`
	B     any      `json:"b"`
	Delta *float64 `json:"delta"`
}

// UnitComparison is one unit on both sides: Delta is b − a of the totals; GradeDiffers and
// MoneyDiffers (the money outputs, unit 元, computed on both sides with different amounts)
// say why it is in Differing.
type UnitComparison struct {
	Unit         string         `json:"unit"`
	Name         string         `json:"name"`
	Group        string         `json:"group,omitempty"`
	A            *ComparedRow   `json:"a"`
	B            *ComparedRow   `json:"b"`
	Delta        *float64       `json:"delta"`
	Cells        []ComparedCell `json:"cells"`
	GradeDiffers bool           `json:"grade_differs"`
	MoneyDiffers []string       `json:"money_differs"`
}

// Compare compares two sheets of a scheme; a and b are each a layer (final, self: the live
// sheet of that layer) or a publication number.
func (s *Store) Compare(ctx context.Context, code, a, b string) (*Comparison, error) {
	var out *Comparison
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		var sides [2]*side
		for i, name := range []string{a, b} {
			var err error
			if name == LayerFinal || name == LayerSelf {
				sides[i], err = s.readSide(ctx, tx, code, Live, name)
			} else {
				field := []string{"a", "b"}[i]
				if _, perr := publicationNumber(name); perr != nil {
					return Errorf(Invalid, field, "%s=%q: use final, self or a publication number", field, name)
				}
				sides[i], err = s.readSide(ctx, tx, code, name, "")
			}
			if err != nil {
				return err
			}
		}
		out = compareSheets(sides[0], sides[1])
		return nil
	})
	if err != nil {
		return nil, wrap(err, "compare %s and %s of %q", a, b, code)
	}
	return out, nil
}

func compareSheets(a, b *side) *Comparison {
	cols := b.eval.Program.Columns()
	known := map[string]bool{}
	for _, c := range cols {
		known[c.Code] = true
	}
	for _, c := range a.eval.Program.Columns() {
		if !known[c.Code] {
			cols = append(cols, c)
		}
	}
	money := map[string]bool{}
	for _, p := range []*formulas.Program{a.eval.Program, b.eval.Program} {
		for _, o := range p.Scheme().Outputs {
			if o.Unit == "元" {
				money[o.Code] = true
			}
		}
	}
	out := &Comparison{Scheme: b.content.Scheme, A: a.DiffSide, B: b.DiffSide, Columns: cols, Units: []UnitComparison{}, Differing: []string{}}
	ra := map[string]*formulas.Result{}
	for i := range a.eval.Results {
		ra[a.eval.Results[i].Unit.Code] = &a.eval.Results[i]
	}
	seen := map[string]bool{}
	row := func(r *formulas.Result) *ComparedRow {
		if r == nil {
			return nil
		}
		return &ComparedRow{Complete: r.Complete, Total: r.Total, Grade: r.Grade, Rank: r.Rank, GroupRank: r.GroupRank}
	}
	add := func(x, y *formulas.Result) {
		u := y
		if u == nil {
			u = x
		}
		uc := UnitComparison{Unit: u.Unit.Code, Name: u.Unit.Name, Group: u.Unit.Group, A: row(x), B: row(y),
			Cells: make([]ComparedCell, 0, len(cols)), MoneyDiffers: []string{}}
		var xc, yc map[string]any
		if x != nil {
			xc = x.Cells
		}
		if y != nil {
			yc = y.Cells
		}
		for _, c := range cols {
			cell := ComparedCell{Code: c.Code, A: xc[c.Code], B: yc[c.Code]}
			if p, ok := cell.A.(float64); ok {
				if q, ok := cell.B.(float64); ok {
					cell.Delta = numberDelta(q, p)
					if money[c.Code] && p != q {
						uc.MoneyDiffers = append(uc.MoneyDiffers, c.Code)
					}
				}
			}
			uc.Cells = append(uc.Cells, cell)
		}
		if uc.A != nil && uc.B != nil {
			if uc.A.Total != nil && uc.B.Total != nil {
				uc.Delta = numberDelta(*uc.B.Total, *uc.A.Total)
			}
			uc.GradeDiffers = uc.A.Grade != nil && uc.B.Grade != nil && *uc.A.Grade != *uc.B.Grade
		}
		if uc.GradeDiffers || len(uc.MoneyDiffers) > 0 {
			out.Differing = append(out.Differing, uc.Unit)
		}
		out.Units = append(out.Units, uc)
	}
	for i := range b.eval.Results {
		y := &b.eval.Results[i]
		seen[y.Unit.Code] = true
		add(ra[y.Unit.Code], y)
	}
	for i := range a.eval.Results {
		if x := &a.eval.Results[i]; !seen[x.Unit.Code] {
			add(x, nil)
		}
	}
	return out
}
