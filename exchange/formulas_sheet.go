package exchange

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// kindTitles names item kinds on the formulas sheet (catalogue keys: 计分 score, …).
var kindTitles = map[string]string{
	formulas.KindScore:     "Score",
	formulas.KindBonus:     "Bonus",
	formulas.KindDeduction: "Deduction",
}

// formulasWidths are the widths of the formulas sheet's columns: code, title, kind, points,
// unit, formula, criteria, evidence. Long texts (formula, criteria, evidence) wrap within
// them, and each row is as high as its longest text needs.
var formulasWidths = []float64{18, 36, 16, 8, 8, 50, 60, 30}

// writeFormulas writes the formulas sheet of a results workbook: one row per item (indented
// by depth) with its code, title, kind, points, formula, criteria and evidence; then the
// outputs, the veto, the params and the grade bands.
func writeFormulas(f *excelize.File, sheet string, s *formulas.Scheme, st *styles, l i18n.Lang) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, formulasWidths); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hs, err := st.id(styleKey{header: true})
	if err != nil {
		return err
	}
	wrap, err := st.id(styleKey{wrap: true})
	if err != nil {
		return err
	}
	bold, err := st.id(styleKey{bold: true})
	if err != nil {
		return err
	}
	n := 0
	put := func(cells ...any) error {
		n++
		height := 1
		for i, c := range cells {
			if s, ok := c.(string); ok {
				cells[i] = nil
				if s != "" {
					cells[i] = excelize.Cell{StyleID: wrap, Value: s}
					height = max(height, wrappedLines(s, formulasWidths[i]))
				}
			}
		}
		if height > 1 {
			// A stream writes no row heights of its own: without one, a wrapped criterion
			// would print as its first line.
			return sw.SetRow("A"+strconv.Itoa(n), cells, excelize.RowOpts{Height: rowHeight(height)})
		}
		return sw.SetRow("A"+strconv.Itoa(n), cells)
	}
	heading := func(titles ...string) error {
		n++
		cells := make([]any, len(titles))
		for i, t := range titles {
			cells[i] = excelize.Cell{StyleID: hs, Value: t}
		}
		return sw.SetRow("A"+strconv.Itoa(n), cells)
	}
	section := func(title string) error {
		n += 2 // a blank row before
		return sw.SetRow("A"+strconv.Itoa(n), []any{excelize.Cell{StyleID: bold, Value: tr(l, title)}})
	}
	if err := heading(tr(l, "Code"), tr(l, "Name"), tr(l, "Kind"), tr(l, "Points"), tr(l, "Unit"), tr(l, "Formula"), tr(l, "Criteria"), tr(l, "Evidence")); err != nil {
		return err
	}
	var walk func(items []formulas.Item, depth int) error
	walk = func(items []formulas.Item, depth int) error {
		for i := range items {
			it := &items[i]
			kind := tr(l, kindTitles[it.ItemKind()])
			if len(it.Children) > 0 {
				kind = tr(l, "Category, %s", kind)
			}
			var points any
			if it.MaxPoints != nil {
				points = *it.MaxPoints
			}
			indent := ""
			for range depth {
				indent += "　"
			}
			if err := put(it.Code, indent+it.Title, kind, points, nil, it.Formula, it.Criteria, it.Evidence); err != nil {
				return err
			}
			if err := walk(it.Children, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(s.Items, 0); err != nil {
		return err
	}
	if len(s.Outputs) > 0 {
		if err := section("Outputs"); err != nil {
			return err
		}
		for _, o := range s.Outputs {
			if err := put(o.Code, o.Title, tr(l, "Output"), nil, o.Unit, o.Formula, o.Description); err != nil {
				return err
			}
		}
	}
	if s.Veto != nil && s.Veto.Formula != "" {
		if err := section("Veto"); err != nil {
			return err
		}
		if err := put("veto", s.Veto.Label, tr(l, "Veto"), nil, nil, s.Veto.Formula); err != nil {
			return err
		}
	}
	if len(s.Params) > 0 {
		if err := section("Params"); err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(s.Params)) {
			if err := put("params."+name, nil, tr(l, "Param"), s.Params[name]); err != nil {
				return err
			}
		}
	}
	if len(s.Grades) > 0 {
		if err := section("Grades"); err != nil {
			return err
		}
		for _, g := range s.Grades {
			bound, _ := g.Bound()
			if err := put(nil, g.Label, g.String(), bound); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// wrappedLines is how many lines text takes wrapped in a column of width cw: each of its
// lines wrapped on its own.
func wrappedLines(text string, cw float64) int {
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		n += lines(displayWidth(line), cw)
	}
	return n
}
