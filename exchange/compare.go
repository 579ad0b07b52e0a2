package exchange

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// compareTables are the two tables of a comparison as rows of cells, headers first: every
// unit with both totals, grades and ranks and why it differs (grade, money), and every cell
// whose value differs between the two sides — what an office reconciles between a town's
// self-assessment and the assessors' score. Cells equal on both sides are left out of the
// second table; the JSON answer has them all.
func compareTables(c *schema.Comparison, l i18n.Lang) (units, cells [][]any) {
	a, b := sideName(l, c.A), sideName(l, c.B)
	units = [][]any{{
		tr(l, "Unit code"), tr(l, "Unit name"), tr(l, "Group"),
		tr(l, "Total (%s)", a), tr(l, "Total (%s)", b), tr(l, "Difference"),
		tr(l, "Grade (%s)", a), tr(l, "Grade (%s)", b), tr(l, "Rank (%s)", a), tr(l, "Rank (%s)", b),
		tr(l, "Differs in"),
	}}
	cells = [][]any{{tr(l, "Unit code"), tr(l, "Unit name"), tr(l, "Item"), a, b, tr(l, "Difference")}}
	titles := map[string]string{}
	for _, col := range c.Columns {
		titles[col.Code] = col.Title
	}
	for _, u := range c.Units {
		var why []string
		if u.GradeDiffers {
			why = append(why, tr(l, "grade"))
		}
		for _, m := range u.MoneyDiffers {
			why = append(why, titleOf(titles, m))
		}
		x, y := u.A, u.B
		if x == nil {
			x = &schema.ComparedRow{}
		}
		if y == nil {
			y = &schema.ComparedRow{}
		}
		units = append(units, []any{u.Unit, u.Name, u.Group, ptrCell(x.Total), ptrCell(y.Total), ptrCell(u.Delta),
			ptrCell(x.Grade), ptrCell(y.Grade), ptrCell(x.Rank), ptrCell(y.Rank), strings.Join(why, tr(l, ", "))})
		for _, cell := range u.Cells {
			if sameCell(cell.A, cell.B) {
				continue
			}
			cells = append(cells, []any{u.Unit, u.Name, titleOf(titles, cell.Code), comparedValue(l, cell.A), comparedValue(l, cell.B), ptrCell(cell.Delta)})
		}
	}
	return units, cells
}

// sideName names one side of a comparison: 自评, 考核 or 第2次公布.
func sideName(l i18n.Lang, s schema.DiffSide) string {
	if s.Publication > 0 {
		return tr(l, "publication %d", s.Publication)
	}
	return layerName(l, s.Layer)
}

// titleOf is a column's title, or its code when the sheets do not name it.
func titleOf(titles map[string]string, code string) string {
	if t := titles[code]; t != "" {
		return t
	}
	return code
}

// sameCell reports whether a cell has the same value on both sides (both empty included).
func sameCell(a, b any) bool {
	if x, ok := a.(float64); ok {
		y, ok := b.(float64)
		return ok && canon(x) == canon(y)
	}
	return a == b
}

// comparedValue is a cell's value in a comparison table: booleans as 是/否, numbers canonical.
func comparedValue(l i18n.Lang, v any) any {
	if x, ok := v.(bool); ok {
		return yesNo(l, x)
	}
	return xlsxCell(v)
}

// comparisonTitle is the title row of a comparison: 如皋… 自评 与 考核 对比.
func comparisonTitle(c *schema.Comparison, l i18n.Lang) string {
	return tr(l, "%s: %s compared with %s", c.Scheme, sideName(l, c.A), sideName(l, c.B))
}

// WriteComparisonCSV writes a comparison as CSV (UTF-8 with a BOM, CRLF): a title row, the
// table of units, an empty row, then the cells that differ, each table with its header.
func WriteComparisonCSV(w io.Writer, c *schema.Comparison, l i18n.Lang) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	units, cells := compareTables(c, l)
	if err := cw.Write([]string{safeText(comparisonTitle(c, l))}); err != nil {
		return err
	}
	for i, table := range [][][]any{units, cells} {
		if i > 0 {
			if err := cw.Write([]string{tr(l, "Cells that differ")}); err != nil {
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

// WriteComparisonXLSX writes a comparison as a workbook of two sheets, 对比 (the units) and
// 分项差异 (the cells that differ), each under a title row with a bold, frozen header, printed
// landscape one page wide with the header and the unit's code and name on every page.
func WriteComparisonXLSX(w io.Writer, c *schema.Comparison, l i18n.Lang) error {
	if err := writeComparisonXLSX(w, c, l); err != nil {
		return fmt.Errorf("exchange: write comparison workbook: %w", err)
	}
	return nil
}

func writeComparisonXLSX(w io.Writer, c *schema.Comparison, l i18n.Lang) error {
	f := excelize.NewFile()
	defer f.Close()
	units, cells := compareTables(c, l)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title := comparisonTitle(c, l)
	for i, t := range []struct {
		name  string
		table [][]any
	}{{tr(l, "Comparison"), units}, {tr(l, "Cells that differ"), cells}} {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", t.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(t.name); err != nil {
			return err
		}
		if err := f.SetCellValue(t.name, "A1", title); err != nil {
			return err
		}
		widths := make([]int, len(t.table[0]))
		for r, row := range t.table {
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = xlsxCell(v)
				if w := displayWidth(formatCell(v)); w > widths[j] {
					widths[j] = w
				}
			}
			if err := f.SetSheetRow(t.name, fmt.Sprintf("A%d", r+2), &vals); err != nil {
				return err
			}
		}
		last, _ := excelize.ColumnNumberToName(len(t.table[0]))
		for j, w := range widths {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetColWidth(t.name, col, col, colWidth(min(w, 60))); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(t.name, "A1", last+"2", bold); err != nil {
			return err
		}
		if err := f.SetPanes(t.name, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"}); err != nil {
			return err
		}
		if err := setPrintLayout(f, t.name, 2, 2, "B"); err != nil {
			return err
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "rubric", Keywords: c.Scheme}); err != nil {
		return err
	}
	// A comparison of two publications is as fixed as they are: the same bytes each time.
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	return writeSorted(w, buf.Bytes())
}
