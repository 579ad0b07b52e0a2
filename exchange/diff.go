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

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// Sheets of a diff workbook, in Chinese and (in English) with the suffix EN.
const (
	SheetDiffUnits      = "变化"
	SheetDiffValues     = "数据变化"
	SheetDiffFormulas   = "规则变化"
	SheetDiffUnitsEN    = "Units"
	SheetDiffValuesEN   = "Values"
	SheetDiffFormulasEN = "Rules"
)

// diffSheets are the names of a diff workbook's sheets in l.
func diffSheets(l i18n.Lang) (units, values, rules string) {
	if l == i18n.EN {
		return SheetDiffUnitsEN, SheetDiffValuesEN, SheetDiffFormulasEN
	}
	return SheetDiffUnits, SheetDiffValues, SheetDiffFormulas
}

// trAll is every text of texts in l.
func trAll(l i18n.Lang, texts ...string) []any {
	out := make([]any, len(texts))
	for i, t := range texts {
		out[i] = tr(l, t)
	}
	return out
}

// diffTables are the three tables of a diff, as rows of cells, headed in l: the units that
// moved (largest change first), the values that changed and the changes of the rules.
func diffTables(d *schema.Diff, l i18n.Lang) (units, values, rules [][]any) {
	units = [][]any{trAll(l, "Unit code", "Unit name", "Group", "Old total", "New total", "Change", "Old grade", "New grade",
		"Old rank", "New rank", "Old rank in group", "New rank in group", "What changed")}
	for _, u := range d.Units {
		var cells []string
		for _, c := range u.Cells {
			cells = append(cells, fmt.Sprintf("%s: %s → %s", c.Title, diffText(l, c.Old), diffText(l, c.New)))
		}
		units = append(units, []any{u.Unit, u.Name, u.Group, ptrCell(u.OldTotal), ptrCell(u.NewTotal), ptrCell(u.Delta),
			ptrCell(u.OldGrade), ptrCell(u.NewGrade), ptrCell(u.OldRank), ptrCell(u.NewRank), ptrCell(u.OldGroupRank),
			ptrCell(u.NewGroupRank), strings.Join(cells, "; ")})
	}
	values = [][]any{trAll(l, "Unit code", "Metric", "Old value", "New value", "Old note", "New note", "Changed by", "Reason", "Time")}
	for _, v := range d.Values {
		values = append(values, []any{v.Unit, v.Metric, v.Old, v.New, v.OldNote, v.NewNote, v.Who, v.Reason, timeText(v.At)})
	}
	rules = [][]any{trAll(l, "Kind", "Target", "Action", "Revision", "Old", "New", "Changed by", "Reason", "Time")}
	for _, f := range d.Formulas {
		rules = append(rules, []any{f.Kind, f.Target, f.Action, f.Revision, jsonText(f.Old), jsonText(f.New), f.Who, f.Reason, timeText(f.At)})
	}
	return units, values, rules
}

// diffTitle names the two sides of a diff in l: 第1次公布 → 当前(final).
func diffTitle(d *schema.Diff, l i18n.Lang) string {
	name := func(s schema.DiffSide) string {
		if s.Publication == 0 {
			return tr(l, "current (%s)", s.Layer)
		}
		return tr(l, "publication %d", s.Publication)
	}
	return name(d.From) + " → " + name(d.To)
}

// WriteDiffCSV writes a diff as CSV (UTF-8 with a BOM, CRLF): a title row naming the two
// sides, the table of units that moved, then, each after a row naming it, the values that
// changed and the changes of the rules, each table with its own header. The fixed texts are
// in l.
func WriteDiffCSV(w io.Writer, d *schema.Diff, l i18n.Lang) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	units, values, rules := diffTables(d, l)
	if err := cw.Write([]string{d.Scheme, diffTitle(d, l)}); err != nil {
		return err
	}
	_, valuesName, rulesName := diffSheets(l)
	for i, table := range [][][]any{units, values, rules} {
		if i > 0 {
			if err := cw.Write([]string{[]string{"", valuesName, rulesName}[i]}); err != nil {
				return err
			}
		}
		if err := writeCSVRows(cw, table); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteDiffXLSX writes a diff as a workbook of three sheets: 变化 (the units that moved),
// 数据变化 (the values) and 规则变化 (the rules), each with a bold, frozen header; in English
// (l) Units, Values and Rules.
func WriteDiffXLSX(w io.Writer, d *schema.Diff, l i18n.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	units, values, rules := diffTables(d, l)
	unitsName, valuesName, rulesName := diffSheets(l)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("exchange: write diff workbook: %w", err)
	}
	for i, t := range []struct {
		name  string
		table [][]any
	}{{unitsName, units}, {valuesName, values}, {rulesName, rules}} {
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
	if err := f.SetDocProps(&excelize.DocProperties{Title: d.Scheme + " " + diffTitle(d, l), Creator: "rubric", Keywords: d.Scheme}); err != nil {
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

// diffText writes a cell value in the details column: null as 空 (empty).
func diffText(l i18n.Lang, v any) string {
	if v == nil {
		return tr(l, "empty")
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
