package exchange

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// bom is the UTF-8 byte order mark that tells Excel and WPS a CSV file is UTF-8.
const bom = "\uFEFF"

// CSVOptions configures WriteCSV.
type CSVOptions struct {
	// HeaderCodes writes the header row with codes (unit, name, group, the item and output
	// codes, total, grade, rank, group_rank) instead of titles, for scripts.
	HeaderCodes bool
	// Stamp, when set, adds a last row that identifies the publication the results are:
	// 公布, 第N次, its time, SHA-256 and its hash.
	Stamp *Stamp
	// Lang is the language of the fixed titles (单位代码, 总分…; Unit code, Total…) and of
	// the stamp: zh-CN (zero) or en. The scheme's titles stay as the scheme writes them.
	Lang i18n.Lang
}

// WriteCSV writes results as CSV: UTF-8 with a BOM, CRLF line ends, a header row, one row per
// result. Columns: unit code, name and group, every item column (categories and leaves, in
// document order) titled with its points (居民参保完成(5)), every output titled with its unit
// (补助(元)), then 总分, 等次, 排名 and 组内排名 (in opts.Lang: Total, Grade…). Numbers are written exactly (14.7), booleans
// as true/false, a null cell as nothing. Text that Excel would take for a formula (=, +, -, @)
// is prefixed with an apostrophe.
func WriteCSV(w io.Writer, p *formulas.Program, results []formulas.Result, opts CSVOptions) error {
	cols := resultColumns(p, opts.Lang)
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	record := make([]string, len(cols))
	for i := range cols {
		// Titles come from the scheme document, which anyone who may save a scheme writes:
		// a header is guarded like a data cell (issue 11).
		record[i] = safeText(cols[i].title)
		if opts.HeaderCodes {
			record[i] = safeText(cols[i].code)
		}
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	for r := range results {
		for i := range cols {
			record[i] = csvCell(cols[i].value(&results[r]))
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	if opts.Stamp != nil {
		if err := cw.Write(opts.Stamp.recordIn(opts.Lang)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeText keeps a spreadsheet from running text as a formula (CSV injection): text starting
// with =, +, -, @, a tab, a carriage return or a line feed — or with one of =+-@ (or their
// full-width forms, which some spreadsheets read as the ASCII ones) after leading spaces —
// gets a leading apostrophe, which Excel hides. ReadValues takes it off again (unguard).
func safeText(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("\t\r\n", rune(s[0])) {
		return "'" + s
	}
	if t := strings.TrimLeft(s, " \u3000"); t != "" {
		if r, _ := utf8.DecodeRuneInString(t); strings.ContainsRune(formulaStarts, r) {
			return "'" + s
		}
	}
	return s
}

// formulaStarts are the characters that make a spreadsheet read a cell as a formula.
const formulaStarts = "=+-@＝＋－＠"

// unguard takes off the apostrophe safeText put before text.
func unguard(s string) string {
	if t, ok := strings.CutPrefix(s, "'"); ok && safeText(t) != t {
		return t
	}
	return s
}
