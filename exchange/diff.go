package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/schema"
)

// Sheets of a diff workbook.
const (
	SheetDiffUnits    = "变化"
	SheetDiffValues   = "数据变化"
	SheetDiffFormulas = "规则变化"
)

// diffTables are the three tables of a diff, as rows of cells: the units that moved (largest
// change first), the values that changed and the changes of the rules.
func diffTables(d *schema.Diff) (units, values, rules [][]any) {
	units = [][]any{{"单位代码", "单位名称", "组别", "原总分", "新总分", "变化", "原等次", "新等次", "原排名", "新排名", "原组内排名", "新组内排名", "变化明细"}}
	for _, u := range d.Units {
		var cells []string
		for _, c := range u.Cells {
			cells = append(cells, fmt.Sprintf("%s: %s → %s", c.Title, diffText(c.Old), diffText(c.New)))
		}
		units = append(units, []any{u.Unit, u.Name, u.Group, ptrCell(u.OldTotal), ptrCell(u.NewTotal), ptrCell(u.Delta),
			ptrCell(u.OldGrade), ptrCell(u.NewGrade), ptrCell(u.OldRank), ptrCell(u.NewRank), ptrCell(u.OldGroupRank),
			ptrCell(u.NewGroupRank), strings.Join(cells, "; ")})
	}
	values = [][]any{{"单位代码", "指标", "原值", "新值", "原说明", "新说明", "修改人", "原因", "时间"}}
	for _, v := range d.Values {
		values = append(values, []any{v.Unit, v.Metric, v.Old, v.New, v.OldNote, v.NewNote, v.Who, v.Reason, timeText(v.At)})
	}
	rules = [][]any{{"类型", "对象", "操作", "修订", "原", "新", "修改人", "原因", "时间"}}
	for _, f := range d.Formulas {
		rules = append(rules, []any{f.Kind, f.Target, f.Action, f.Revision, jsonText(f.Old), jsonText(f.New), f.Who, f.Reason, timeText(f.At)})
	}
	return units, values, rules
}

// diffTitle names the two sides of a diff: 第1次公布 → 当前.
func diffTitle(d *schema.Diff) string {
	name := func(s schema.DiffSide) string {
		if s.Publication == 0 {
			return "当前(" + s.Layer + ")"
		}
		return fmt.Sprintf("第%d次公布", s.Publication)
	}
	return name(d.From) + " → " + name(d.To)
}

// WriteDiffCSV writes a diff as CSV (UTF-8 with a BOM, CRLF): a title row naming the two
// sides, the table of units that moved, then, each after an empty row, the values that
// changed and the changes of the rules, each table with its own header.
func WriteDiffCSV(w io.Writer, d *schema.Diff) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	units, values, rules := diffTables(d)
	if err := cw.Write([]string{d.Scheme, diffTitle(d)}); err != nil {
		return err
	}
	for i, table := range [][][]any{units, values, rules} {
		if i > 0 {
			if err := cw.Write([]string{[]string{"", SheetDiffValues, SheetDiffFormulas}[i]}); err != nil {
				return err
			}
		}
		for _, row := range table {
			rec := make([]string, len(row))
			for j, c := range row {
				if s, ok := c.(string); ok {
					rec[j] = safeText(s)
				} else {
					rec[j] = formatCell(c)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteDiffXLSX writes a diff as a workbook of three sheets: 变化 (the units that moved),
// 数据变化 (the values) and 规则变化 (the rules), each with a bold, frozen header.
func WriteDiffXLSX(w io.Writer, d *schema.Diff) error {
	f := excelize.NewFile()
	defer f.Close()
	units, values, rules := diffTables(d)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("exchange: write diff workbook: %w", err)
	}
	for i, t := range []struct {
		name  string
		table [][]any
	}{{SheetDiffUnits, units}, {SheetDiffValues, values}, {SheetDiffFormulas, rules}} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.name); err != nil {
				return fmt.Errorf("exchange: write diff workbook: %w", err)
			}
		} else if _, err := f.NewSheet(t.name); err != nil {
			return fmt.Errorf("exchange: write diff workbook: %w", err)
		}
		for r, row := range t.table {
			cells := make([]any, len(row))
			for j, c := range row {
				cells[j] = xlsxCell(c)
			}
			if err := f.SetSheetRow(t.name, fmt.Sprintf("A%d", r+1), &cells); err != nil {
				return fmt.Errorf("exchange: write diff workbook: %w", err)
			}
		}
		last, _ := excelize.ColumnNumberToName(len(t.table[0]))
		if err := f.SetCellStyle(t.name, "A1", last+"1", bold); err != nil {
			return fmt.Errorf("exchange: write diff workbook: %w", err)
		}
		if err := f.SetPanes(t.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("exchange: write diff workbook: %w", err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: d.Scheme + " " + diffTitle(d), Creator: "rubric", Keywords: d.Scheme}); err != nil {
		return fmt.Errorf("exchange: write diff workbook: %w", err)
	}
	// The diff of two publications is as fixed as they are: the same bytes each time.
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("exchange: write diff workbook: %w", err)
	}
	if err := writeSorted(w, buf.Bytes()); err != nil {
		return fmt.Errorf("exchange: write diff workbook: %w", err)
	}
	return nil
}

// xlsxCell is a cell value for excelize: numbers canonical, nil empty.
func xlsxCell(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case float64:
		return canon(x)
	case string:
		return x
	}
	return v
}

// ptrCell is the value a pointer holds, or nil.
func ptrCell[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// diffText writes a cell value in the details column: null as 空.
func diffText(v any) string {
	if v == nil {
		return "空"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return formatCell(v)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// jsonText writes the fields of a rule change compactly: formula: 4 - late.
func jsonText(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return ""
		}
		data, _ := json.Marshal(v)
		return string(data)
	}
	var parts []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		data, _ := json.Marshal(m[k])
		s := string(data)
		if t, ok := m[k].(string); ok {
			s = t
		}
		parts = append(parts, k+": "+s)
	}
	return strings.Join(parts, "; ")
}
