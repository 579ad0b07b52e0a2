package exchange

import (
	"maps"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
)

// kindTitles names item kinds on the formulas sheet.
var kindTitles = map[string]string{
	formulas.KindScore:     "计分 score",
	formulas.KindBonus:     "加分 bonus",
	formulas.KindDeduction: "扣分 deduction",
}

// writeFormulas writes the formulas sheet of a results workbook: one row per item (indented
// by depth) with its code, title, kind, points, formula, criteria and evidence; then the
// outputs, the veto, the params and the grade bands.
func writeFormulas(f *excelize.File, s *formulas.Scheme, st *styles) error {
	sw, err := f.NewStreamWriter(SheetFormulas)
	if err != nil {
		return err
	}
	if err := setWidths(sw, []float64{18, 36, 16, 8, 8, 60, 60, 30}); err != nil {
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
		for i, c := range cells {
			if s, ok := c.(string); ok {
				cells[i] = nil
				if s != "" {
					cells[i] = excelize.Cell{StyleID: wrap, Value: s}
				}
			}
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
		return sw.SetRow("A"+strconv.Itoa(n), []any{excelize.Cell{StyleID: bold, Value: title}})
	}
	if err := heading("代码", "名称", "类型", "满分", "单位", "公式", "评分标准", "备查材料"); err != nil {
		return err
	}
	var walk func(items []formulas.Item, depth int) error
	walk = func(items []formulas.Item, depth int) error {
		for i := range items {
			it := &items[i]
			kind := kindTitles[it.ItemKind()]
			if len(it.Children) > 0 {
				kind = "分类 " + kind
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
		if err := section("输出 outputs"); err != nil {
			return err
		}
		for _, o := range s.Outputs {
			if err := put(o.Code, o.Title, "输出 output", nil, o.Unit, o.Formula, o.Description); err != nil {
				return err
			}
		}
	}
	if s.Veto != nil && s.Veto.Formula != "" {
		if err := section("一票否决 veto"); err != nil {
			return err
		}
		if err := put("veto", s.Veto.Label, "一票否决 veto", nil, nil, s.Veto.Formula); err != nil {
			return err
		}
	}
	if len(s.Params) > 0 {
		if err := section("参数 params"); err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(s.Params)) {
			if err := put("params."+name, nil, "参数 param", s.Params[name]); err != nil {
				return err
			}
		}
	}
	if len(s.Grades) > 0 {
		if err := section("等次 grades"); err != nil {
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
