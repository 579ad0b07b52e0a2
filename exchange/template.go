package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// Sheets of a fill-in template, in Chinese and (Meta.Lang i18n.EN) in English. ReadValues
// reads the values sheet of either first.
const (
	SheetTemplate   = "填报"
	SheetNotes      = "说明"
	SheetTemplateEN = "Values"
	SheetNotesEN    = "Notes"
)

// templateSheets are the names of a template's values and notes sheets in l.
func templateSheets(l i18n.Lang) (values, notes string) {
	if l == i18n.EN {
		return SheetTemplateEN, SheetNotesEN
	}
	return SheetTemplate, SheetNotes
}

// Rows of the template sheet: a title, the titles of the columns, their codes (hidden), then
// one row per unit.
const (
	templateTitleRow = 1
	templateHeadRow  = 2
	templateCodeRow  = 3
	templateFirstRow = 4
)

// The header cells of the unit columns of a template, as titles (in Chinese, as a problem
// names them; unitTitles gives them in a language) and as codes.
const (
	unitCodeTitle = "单位代码"
	unitNameTitle = "单位名称"
	unitCodeCode  = "unit"
	unitNameCode  = "name"
)

// unitTitles are the titles of the unit columns in l.
func unitTitles(l i18n.Lang) (code, name string) {
	return tr(l, fixedTitles[fieldUnit]), tr(l, fixedTitles[fieldName])
}

// Yes and no as a Chinese template writes them (an English one writes yes/no); ReadValues
// accepts both, true/false and 1/0.
const (
	yes = "是"
	no  = "否"
)

// unbounded stands in for a missing min or max in a template's data validation.
const unbounded = 999999999999999

// WriteTemplateXLSX writes a fill-in template for the metrics of s: on the 填报 sheet, a
// title row, a header row with each metric's title and unit (城乡居民参保人数(人)), a hidden
// row with the codes (unit, name and the metric codes, which ReadValues matches first), then
// one row per unit with its code and name — locked: the sheet is protected, only the metric
// cells are editable — and the values it already has. Each metric column validates what is
// typed: whole numbers or decimals within the metric's min and max, 是/否 from a list for a
// boolean. The 说明 sheet explains how to fill it and lists every metric's code, title, type,
// unit, range, default and description. values maps unit code → metric code → value
// (float64 or another number, bool, string, or a schema.Value or schema.Entry). The fixed
// texts (sheet names, notes, column titles of the units, validation messages) are in
// meta.Lang: Chinese by default; the scheme's titles stay as the scheme writes them.
func WriteTemplateXLSX(w io.Writer, s *formulas.Scheme, units []formulas.Unit, values map[string]map[string]any, meta Meta) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := writeTemplate(f, s, units, values, meta); err != nil {
		return fmt.Errorf("exchange: write template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("exchange: write template: %w", err)
	}
	return nil
}

func writeTemplate(f *excelize.File, s *formulas.Scheme, units []formulas.Unit, values map[string]map[string]any, meta Meta) error {
	l := meta.Lang
	valuesSheet, notesSheet := templateSheets(l)
	if err := f.SetSheetName("Sheet1", valuesSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(notesSheet); err != nil {
		return err
	}
	st := newStyles(f)
	ncols := 2 + len(s.Metrics)
	last, _ := excelize.ColumnNumberToName(ncols)
	codeTitle, nameTitle := unitTitles(l)

	// Widths: codes and names from the roster, metrics from their headers.
	widths := []float64{colWidth(max(displayWidth(codeTitle), 8)), colWidth(displayWidth(nameTitle))}
	for _, u := range units {
		widths[0] = max(widths[0], colWidth(displayWidth(u.Code)))
		widths[1] = max(widths[1], colWidth(displayWidth(u.Name)))
	}
	heads := make([]string, len(s.Metrics))
	headLines := 1
	for i, m := range s.Metrics {
		heads[i] = withSuffix(m.Title, m.Unit)
		widths = append(widths, colWidth(max(displayWidth(heads[i]), numColWidth)))
		headLines = max(headLines, lines(displayWidth(heads[i]), widths[2+i]))
	}

	sw, err := f.NewStreamWriter(valuesSheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, widths); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: templateCodeRow, TopLeftCell: "C4", ActivePane: "bottomRight"}); err != nil {
		return err
	}

	bold, err := st.id(styleKey{bold: true})
	if err != nil {
		return err
	}
	hs, err := st.id(styleKey{header: true})
	if err != nil {
		return err
	}
	locked, err := st.id(styleKey{locked: true, format: "@"})
	if err != nil {
		return err
	}
	title := meta.Title
	if title == "" {
		title = s.Title
	}
	title = tr(l, "%s — %s data entry (revision %d)", title, layerName(l, meta.Layer), meta.Revision)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: bold, Value: title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	if ncols > 1 {
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return err
		}
	}
	head := []any{excelize.Cell{StyleID: hs, Value: codeTitle}, excelize.Cell{StyleID: hs, Value: nameTitle}}
	codes := []any{excelize.Cell{StyleID: locked, Value: unitCodeCode}, excelize.Cell{StyleID: locked, Value: unitNameCode}}
	for i, m := range s.Metrics {
		head = append(head, excelize.Cell{StyleID: hs, Value: heads[i]})
		codes = append(codes, excelize.Cell{StyleID: locked, Value: m.Code})
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: rowHeight(headLines)}); err != nil {
		return err
	}
	if err := sw.SetRow("A3", codes, excelize.RowOpts{Hidden: true}); err != nil {
		return err
	}

	inputs := make([]int, len(s.Metrics))
	for i, m := range s.Metrics {
		format := "General"
		switch m.Type {
		case formulas.TypeInteger:
			format = "0"
		case formulas.TypeText, formulas.TypeBoolean:
			format = "@"
		}
		if inputs[i], err = st.id(styleKey{format: format, unlocked: true}); err != nil {
			return err
		}
	}
	row := make([]any, ncols)
	for r, u := range units {
		row[0] = excelize.Cell{StyleID: locked, Value: u.Code}
		row[1] = excelize.Cell{StyleID: locked, Value: u.Name}
		for i, m := range s.Metrics {
			row[2+i] = excelize.Cell{StyleID: inputs[i], Value: templateValue(l, values[u.Code][m.Code])}
		}
		if err := sw.SetRow("A"+strconv.Itoa(templateFirstRow+r), row); err != nil {
			return err
		}
	}
	if len(units) > 0 {
		lastRow := strconv.Itoa(templateFirstRow + len(units) - 1)
		for i, m := range s.Metrics {
			col, _ := excelize.ColumnNumberToName(3 + i)
			dv, err := validation(l, &m)
			if err != nil {
				return err
			}
			dv.Sqref = col + strconv.Itoa(templateFirstRow) + ":" + col + lastRow
			if err := f.AddDataValidation(valuesSheet, dv); err != nil {
				return err
			}
		}
	}
	// No password: the protection keeps clerks from changing codes by accident.
	if err := f.ProtectSheet(valuesSheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeNotes(f, notesSheet, s, st, l); err != nil {
		return err
	}
	return setProps(f, s, meta, tr(l, "Data entry template"))
}

// validation is the data validation of a metric's column: its type and range, its messages
// in l.
func validation(l i18n.Lang, m *formulas.Metric) (*excelize.DataValidation, error) {
	dv := excelize.NewDataValidation(true)
	rng := rangeText(m)
	switch m.Type {
	case formulas.TypeBoolean:
		y, n := yesNo(l, true), yesNo(l, false)
		if err := dv.SetDropList([]string{y, n}); err != nil {
			return nil, err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, y+"/"+n, tr(l, "Choose %s or %s.", y, n))
	case formulas.TypeText:
		dv.Type, dv.Operator = "textLength", "lessThanOrEqual"
		dv.Formula1 = strconv.Itoa(schema.MaxTextLength)
		dv.SetError(excelize.DataValidationErrorStyleStop, tr(l, "Text too long"), tr(l, "At most %d characters.", schema.MaxTextLength))
	default:
		dv.Type = "decimal"
		what := tr(l, "number")
		if m.Type == formulas.TypeInteger {
			dv.Type, what = "whole", tr(l, "whole number")
		}
		switch {
		case m.Min != nil && m.Max != nil:
			dv.Operator, dv.Formula1, dv.Formula2 = "between", formatNumber(*m.Min), formatNumber(*m.Max)
		case m.Min != nil:
			dv.Operator, dv.Formula1 = "greaterThanOrEqual", formatNumber(*m.Min)
		case m.Max != nil:
			dv.Operator, dv.Formula1 = "lessThanOrEqual", formatNumber(*m.Max)
		default:
			dv.Operator, dv.Formula1, dv.Formula2 = "between", strconv.Itoa(-unbounded), strconv.Itoa(unbounded)
		}
		msg := tr(l, "Enter a %s.", what)
		if rng != "" {
			msg = tr(l, "Enter a %s in %s.", what, rng)
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, what, msg)
	}
	prompt := m.Description
	if rng != "" {
		prompt = strings.TrimSpace(prompt + " " + tr(l, "range %s", rng))
	}
	if prompt != "" {
		dv.SetInput(truncate(m.Title, 32), truncate(prompt, 255))
	}
	return dv, nil
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// rangeText is a metric's range for people: "0 ~ 100", "≥ 0", "≤ 100", or "".
func rangeText(m *formulas.Metric) string {
	switch {
	case m.Min != nil && m.Max != nil:
		return formatNumber(*m.Min) + " ~ " + formatNumber(*m.Max)
	case m.Min != nil:
		return "≥ " + formatNumber(*m.Min)
	case m.Max != nil:
		return "≤ " + formatNumber(*m.Max)
	}
	return ""
}

// typeTitlesZH name metric types on a Chinese notes sheet, with the type's code beside
// (数值 number), so that a clerk can match them to the scheme; an English sheet writes the code.
var typeTitlesZH = map[string]string{
	formulas.TypeNumber:  "数值 number",
	formulas.TypeInteger: "整数 integer",
	formulas.TypeBoolean: "是/否 boolean",
	formulas.TypeText:    "文本 text",
}

// typeTitle names a metric type on the notes sheet in l.
func typeTitle(l i18n.Lang, typ string) string {
	if l == i18n.EN {
		return typ
	}
	return typeTitlesZH[typ]
}

// notes are the instructions at the top of the notes sheet, in l.
func notes(l i18n.Lang) []string {
	values, _ := templateSheets(l)
	y, n := yesNo(l, true), yesNo(l, false)
	return []string{
		tr(l, "How to fill in"),
		tr(l, "1. On the sheet %s, each unit has a row and each metric a column; the unit codes and names cannot be changed.", values),
		tr(l, "2. An empty cell means the metric is not reported; it deletes nothing already entered."),
		tr(l, "3. Numbers and whole numbers must be within the range listed below; yes/no items take %s or %s.", y, n),
		tr(l, "4. The sheet may also be saved as CSV (UTF-8 or GBK) and imported; a file with any error is not imported at all, and every error is listed with its row and column."),
	}
}

// writeNotes writes the notes sheet of a template, in l.
func writeNotes(f *excelize.File, sheet string, s *formulas.Scheme, st *styles, l i18n.Lang) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, []float64{18, 30, 14, 8, 16, 10, 60}); err != nil {
		return err
	}
	bold, err := st.id(styleKey{bold: true})
	if err != nil {
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
	n := 0
	for i, line := range notes(l) {
		n++
		var cell any = line
		if i == 0 {
			cell = excelize.Cell{StyleID: bold, Value: line}
		}
		if err := sw.SetRow("A"+strconv.Itoa(n), []any{cell}); err != nil {
			return err
		}
	}
	n += 2
	head := []any{}
	for _, t := range []string{"Code", "Title", "Type", "Unit", "Range", "Default", "Description"} {
		head = append(head, excelize.Cell{StyleID: hs, Value: tr(l, t)})
	}
	if err := sw.SetRow("A"+strconv.Itoa(n), head); err != nil {
		return err
	}
	for _, m := range s.Metrics {
		n++
		rng := rangeText(&m)
		if m.Type == formulas.TypeBoolean {
			rng = yesNo(l, true) + " / " + yesNo(l, false)
		}
		row := []any{m.Code, m.Title, typeTitle(l, m.Type), m.Unit, rng, csvValue(l, &m, m.Default),
			excelize.Cell{StyleID: wrap, Value: m.Description}}
		if err := sw.SetRow("A"+strconv.Itoa(n), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// templateValue is the cell of an existing value in an XLSX template: a number as a number,
// a boolean as 是/否 (yes/no in English), text as text.
func templateValue(l i18n.Lang, v any) any {
	v = plainValue(v)
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return yesNo(l, x)
	case string:
		return x
	}
	if f, ok := schema.Number(v); ok {
		return f
	}
	return fmt.Sprint(v)
}

// csvValue is an existing value as the text of a CSV template: numbers exactly, booleans as
// 是/否 (yes/no), text guarded against formulas.
func csvValue(l i18n.Lang, m *formulas.Metric, v any) string {
	switch x := templateValue(l, v).(type) {
	case nil:
		return ""
	case float64:
		return formatNumber(x)
	case string:
		if m.Type == formulas.TypeText {
			return safeText(x)
		}
		return x
	}
	return ""
}

// plainValue unwraps a stored value (schema.Value, schema.Entry) to its scalar.
func plainValue(v any) any {
	switch x := v.(type) {
	case schema.Value:
		return x.Value
	case *schema.Value:
		if x == nil {
			return nil
		}
		return x.Value
	case schema.Entry:
		return x.Value
	case *schema.Entry:
		if x == nil {
			return nil
		}
		return x.Value
	}
	return v
}

// WriteTemplateCSV writes the fill-in template as CSV (UTF-8 with a BOM, CRLF): a header row
// with each metric's title and unit, a second header row with the codes (unit, name, the
// metric codes), then one row per unit with its code, name and existing values (numbers
// exactly, booleans as 是/否). ReadValues reads it back, saved by Excel or WPS as UTF-8 or GBK.
// The titles of the unit columns, and booleans, are in l (单位代码, Unit code; 是, yes).
func WriteTemplateCSV(w io.Writer, s *formulas.Scheme, units []formulas.Unit, values map[string]map[string]any, l i18n.Lang) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	codeTitle, nameTitle := unitTitles(l)
	head := []string{codeTitle, nameTitle}
	codes := []string{unitCodeCode, unitNameCode}
	for _, m := range s.Metrics {
		head = append(head, safeText(withSuffix(m.Title, m.Unit)))
		codes = append(codes, safeText(m.Code))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	if err := cw.Write(codes); err != nil {
		return err
	}
	record := make([]string, len(head))
	for _, u := range units {
		record[0], record[1] = u.Code, safeText(u.Name)
		for i := range s.Metrics {
			record[2+i] = csvValue(l, &s.Metrics[i], values[u.Code][s.Metrics[i].Code])
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
