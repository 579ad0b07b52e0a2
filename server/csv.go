package server

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rubric-dev/rubric/formulas"
)

// utf8BOM starts every CSV answer, so that Excel and WPS read it as UTF-8.
const utf8BOM = "\uFEFF"

// writeCSV writes rows of a sheet as CSV: a header row of titles with their points or unit
// (or of codes), then one row per unit: its code, name and group, every item and output
// cell, total, grade, ranks, completeness and what is missing.
func writeCSV(w io.Writer, e *sheetEntry, rows []formulas.Result, byCode bool) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(utf8BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	scheme := e.program.Scheme()
	cols := e.program.Columns()
	veto := scheme.Veto != nil

	header := make([]string, 0, len(cols)+10)
	if byCode {
		header = append(header, "unit", "name", "group")
		for _, c := range cols {
			header = append(header, c.Code)
		}
		header = append(header, "total", "grade", "rank", "group_rank")
		if veto {
			header = append(header, "vetoed")
		}
		header = append(header, "complete", "missing")
	} else {
		header = append(header, "代码", "单位", "分组")
		for _, c := range cols {
			header = append(header, columnTitle(c))
		}
		total := "总分"
		if scheme.TotalPoints > 0 {
			total += "(" + formatNumber(scheme.TotalPoints) + ")"
		}
		header = append(header, total, "等次", "排名", "组内排名")
		if veto {
			label := "一票否决"
			if scheme.Veto.Label != "" {
				label = scheme.Veto.Label
			}
			header = append(header, label)
		}
		header = append(header, "完整", "缺少")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	record := make([]string, 0, len(header))
	for _, r := range rows {
		record = append(record[:0], safeText(r.Unit.Code), safeText(r.Unit.Name), safeText(r.Unit.Group))
		for _, c := range cols {
			record = append(record, csvCell(r.Cells[c.Code]))
		}
		record = append(record, csvCell(ptrValue(r.Total)), csvCell(ptrValue(r.Grade)), csvCell(ptrValue(r.Rank)), csvCell(ptrValue(r.GroupRank)))
		if veto {
			record = append(record, strconv.FormatBool(r.Vetoed))
		}
		record = append(record, strconv.FormatBool(r.Complete), safeText(strings.Join(r.Missing, " ")))
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// columnTitle is a column's title with its points (居民参保完成(5)) or, for an output, its
// unit (补助(元)).
func columnTitle(c formulas.Column) string {
	switch {
	case c.Kind == "output" && c.Unit != "":
		return c.Title + "(" + c.Unit + ")"
	case c.Kind != "output" && c.MaxPoints != nil:
		return c.Title + "(" + formatNumber(*c.MaxPoints) + ")"
	}
	return c.Title
}

// csvCell writes a cell's value: numbers as a calculator shows them, text as it is (guarded
// against spreadsheet formula injection), null as empty.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return formatNumber(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return safeText(x)
	}
	return safeText(fmt.Sprint(v))
}

// safeText keeps a spreadsheet from reading text as a formula: text starting with = + - @
// or a control character gets a leading apostrophe.
func safeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func ptrValue[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func formatNumber(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}
