package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// MaxUnzipSize bounds the uncompressed size of an imported XLSX file, against zip bombs.
const MaxUnzipSize = 256 << 20

// headerSearch is how many rows may precede the header row (a title, notes).
const headerSearch = 20

// maxValueText is how much of a cell's text a problem quotes.
const maxValueText = 100

// Magic numbers: an XLSX file is a zip archive; an .xls workbook, or an encrypted .xlsx, is an
// OLE compound file.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Header cells of the unit columns and of columns an import ignores, normalized (see norm).
var (
	unitCodeHeads = set("unit", "code", "unit_code", "unitcode", "单位代码", "单位编码", "单位编号", "代码", "编码", "编号")
	unitNameHeads = set("name", "unit_name", "unitname", "单位名称", "单位名", "名称", "单位")
	ignoredHeads  = set("group", "组别", "组", "分组", "序号", "no", "no.", "#")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ReadValues reads a filled-in template — or any sheet laid out like one — and returns its
// values by unit code and metric code, normalized as schema.ValidateValue does (float64, bool
// or string). An empty cell is no value: its metric is left out, nothing is deleted.
//
// The format is told by the content, not by filename or contentType (which only sharpen
// messages): an XLSX workbook is a zip archive; anything else is read as CSV — UTF-8 with or
// without a BOM, UTF-16 with a BOM, or else GBK/GB18030 (what Excel and WPS save in China),
// separated by commas, tabs or semicolons. In a workbook, the 填报 (or English Values) sheet
// is read if there is one, else the first sheet with a header row.
//
// The header row is the first row with a unit column — 单位代码 (or unit, code, …) or
// 单位名称 (or name, …) — and another; rows before it (a title) are skipped, and a row of codes
// right after it (the template's hidden row) is read as a second header. Columns are matched
// to metrics by code, then by title, with or without the "(unit)" suffix; 组别 and 序号
// columns are ignored. Units are matched by code, or by name where a row has no code. Blank
// rows and blank columns are ignored. Numbers may have thousands separators, full-width
// digits, and a "%" when the metric's unit is %; booleans are 是/否, yes/no, true/false or 1/0.
//
// All or nothing: if anything is wrong the result is nil and the error an *ImportError
// (wrapping a schema.Error of kind Invalid) listing every problem (up to MaxProblems) with its
// row and column: an unknown unit, an unknown column, a unit twice, text where a number
// belongs, a fraction where a whole number does, a number out of range, a boolean that is not
// one. A file that cannot be read at all is one such problem.
func ReadValues(data []byte, filename, contentType string, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, error) {
	return ReadValuesContext(context.Background(), data, filename, contentType, s, units)
}

// ReadValuesContext is ReadValues stopped by ctx: once ctx is done (the client went away, the
// request timed out, the server shuts down) the reading stops and ctx's error is returned.
// The work is bounded by the file as it is, not by what a spreadsheet would make of it: the
// cells an XLSX row holds (never padded to its last column) and, past the header, at most as
// many non-blank rows as the scheme has units and MaxProblems more (issue 11).
func ReadValuesContext(ctx context.Context, data []byte, filename, contentType string, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, error) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fileProblem(formatOf(filename, contentType), "the file is empty")
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(ctx, data, s, units)
	case bytes.HasPrefix(data, oleMagic):
		return nil, fileProblem("xlsx", "this is an old .xls workbook or a password-protected one: save it as .xlsx without a password, or as CSV")
	case formatOf(filename, contentType) == "xlsx":
		return nil, fileProblem("xlsx", "the file is named or sent as XLSX but is not a zip archive: it may be truncated, or not a workbook")
	}
	return readCSV(ctx, data, s, units)
}

// formatOf is the format a file's name or content type claims: "xlsx" or "csv".
func formatOf(filename, contentType string) string {
	ext := strings.ToLower(path.Ext(filename))
	if ext == ".xlsx" || ext == ".xlsm" || strings.Contains(contentType, "spreadsheetml") {
		return "xlsx"
	}
	return "csv"
}

// fileProblem is the error of a file that cannot be read at all.
func fileProblem(format, msg string) error {
	return newImportError(format, []Problem{{Message: msg}})
}

// importer reads the rows of one sheet.
type importer struct {
	format string // "xlsx" or "csv": how columns are named
	scheme *formulas.Scheme
	units  map[string]*formulas.Unit
	names  map[string][]string // normalized unit name → unit codes
	codes  map[string]int      // metric code (lower case) → index in scheme.Metrics
	titles map[string][]int    // normalized title, and title with unit → metric indexes

	problems []Problem
	more     int // problems beyond MaxProblems

	rows     int      // non-blank rows seen before the header
	head     []string // the header row, until the row after it is seen
	headRow  int
	resolved bool           // columns are resolved
	unitCol  int            // -1 when absent
	nameCol  int            // -1 when absent
	metricOf []int          // column → metric index, -1 when ignored
	heads    []string       // column → its header text (title, or code), for problems
	headed   []bool         // column → it has a heading
	unheaded map[int]bool   // columns without a heading whose value was reported
	seen     map[string]int // unit code → the row it was first in
	out      map[string]map[string]any

	ctx      context.Context // stops the reading
	dataRows int             // non-blank rows after the header
	stop     bool            // too many rows: the reading stopped
	cells    int             // cells handed to row: the work done
	dense    []string        // sparseRow's row, reused
}

// maxHeaderColumns is the widest header row an import looks for: a scheme's columns and a few
// for the unit, name, group and number columns.
const maxHeaderColumns = formulas.MaxColumns + 16

func newImporter(ctx context.Context, format string, s *formulas.Scheme, units []formulas.Unit) *importer {
	im := &importer{
		ctx: ctx, format: format, scheme: s,
		units: make(map[string]*formulas.Unit, len(units)), names: map[string][]string{},
		codes: map[string]int{}, titles: map[string][]int{},
		unitCol: -1, nameCol: -1, unheaded: map[int]bool{}, seen: map[string]int{},
		out: map[string]map[string]any{},
	}
	for i := range units {
		u := &units[i]
		im.units[u.Code] = u
		if n := norm(u.Name); n != "" {
			im.names[n] = append(im.names[n], u.Code)
		}
	}
	for i, m := range s.Metrics {
		im.codes[strings.ToLower(m.Code)] = i
		keys := []string{norm(m.Title)}
		if strings.TrimSpace(m.Unit) != "" {
			keys = append(keys, norm(withSuffix(m.Title, m.Unit)))
		}
		for _, k := range keys {
			if k != "" && !containsInt(im.titles[k], i) {
				im.titles[k] = append(im.titles[k], i)
			}
		}
	}
	return im
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// norm is a header or name as compared: full-width forms narrowed (（人） is (人)), white
// space removed, ASCII letters in lower case.
func norm(s string) string {
	s = width.Narrow.String(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		if r < utf8.RuneSelf {
			return unicode.ToLower(r)
		}
		return r
	}, s)
}

// add records a problem, up to MaxProblems.
func (im *importer) add(p Problem) {
	if len(im.problems) >= MaxProblems {
		im.more++
		return
	}
	if utf8.RuneCountInString(p.Value) > maxValueText {
		p.Value = truncate(p.Value, maxValueText)
	}
	if p.Column != "" && p.Header == "" {
		if n := columnNumber(p.Column); n > 0 && n <= len(im.heads) {
			p.Header = im.heads[n-1]
		}
	}
	im.problems = append(im.problems, p)
}

// column names column j (0-based) by its letter, in XLSX and in CSV alike: a clerk opens
// either in a spreadsheet, which shows letters (issue 13).
func (im *importer) column(j int) string {
	return columnLetter(j + 1)
}

// columnLetter is the letter of 1-based column n: 1 is A, 27 is AA.
func columnLetter(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// columnNumber is the 1-based number of column letter s (A is 1, AA 27); 0 if s is not one.
func columnNumber(s string) int {
	n := 0
	for _, r := range s {
		if r < 'A' || r > 'Z' || n > 1<<20 {
			return 0
		}
		n = n*26 + int(r-'A'+1)
	}
	return n
}

// found reports whether the header row has been found.
func (im *importer) found() bool { return im.head != nil || im.resolved }

// gaveUp reports whether too many rows went by without a header row.
func (im *importer) gaveUp() bool { return !im.found() && im.rows >= headerSearch }

// stopped reports whether the reading must stop: the context is done, or the sheet has more
// non-blank rows than a filled-in template of the scheme can have.
func (im *importer) stopped() bool { return im.stop || im.ctx.Err() != nil }

// sparseRow takes the next row of a sheet as the cells it holds: it is made a row of at most
// the columns the importer can use (the header's, or maxHeaderColumns while the header is
// looked for), and a value beyond them is reported as a value without a header.
func (im *importer) sparseRow(n int, cells []sheetCell) {
	if len(cells) == 0 {
		return
	}
	if im.head != nil && !im.resolved && cells[0].col >= maxHeaderColumns && strings.TrimSpace(cells[0].text) != "" {
		im.resolve(im.head, nil) // a row of values after the header, all beyond its columns
	}
	width := maxHeaderColumns
	if im.resolved {
		width = len(im.metricOf)
	}
	dense := im.dense[:0]
	outside := false // a value beyond the columns: the row is not blank
	for _, c := range cells {
		if c.col >= width {
			if im.resolved && strings.TrimSpace(c.text) != "" {
				outside = true
				if !im.unheaded[c.col] {
					im.unheaded[c.col] = true
					im.add(Problem{Row: n, Column: im.column(c.col), Value: strings.TrimSpace(c.text),
						msg: i18n.M("a value in a column without a header: the column matches no metric")})
				}
			}
			continue
		}
		for len(dense) < c.col {
			dense = append(dense, "")
		}
		dense = append(dense, c.text)
	}
	im.dense = dense
	if outside && blank(dense) {
		im.countRow(n)
		return
	}
	im.row(n, dense)
}

// row takes the next row of the sheet; n is its 1-based number.
func (im *importer) row(n int, cells []string) {
	im.cells += len(cells)
	if blank(cells) {
		return
	}
	switch {
	case !im.found():
		im.rows++
		if im.isHeader(cells) {
			im.head, im.headRow = append([]string(nil), cells...), n
		}
		return
	case !im.resolved:
		if im.isCodeRow(cells) {
			im.resolve(im.head, cells)
			return
		}
		im.resolve(im.head, nil)
	}
	if !im.countRow(n) {
		return
	}
	im.data(n, cells)
}

// countRow counts a non-blank row after the header; false when there are too many. Each row
// of values names a unit of its own: a sheet with many more rows than units is not a
// filled-in template, and reading on would only cost time (5 million rows of one cell each).
func (im *importer) countRow(n int) bool {
	if im.dataRows++; im.dataRows > len(im.units)+MaxProblems {
		im.add(Problem{Row: n, msg: i18n.M("more than %d rows of values: the scheme has %d units; the rest of the sheet was not read",
			len(im.units)+MaxProblems, len(im.units))})
		im.stop = true
		return false
	}
	return true
}

// finish ends the sheet: the columns are resolved even when the header was the last row.
func (im *importer) finish() {
	if im.head != nil && !im.resolved {
		im.resolve(im.head, nil)
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// isHeader reports whether a row is the header row: a unit column and at least one other
// non-blank cell. It notes the unit columns.
func (im *importer) isHeader(cells []string) bool {
	unit, name, other := -1, -1, 0
	for j, c := range cells {
		h := norm(c)
		switch {
		case h == "":
		case unit < 0 && unitCodeHeads[h]:
			unit = j
		case name < 0 && unitNameHeads[h]:
			name = j
		default:
			other++
		}
	}
	if unit < 0 && name < 0 {
		return false
	}
	if other == 0 && (unit < 0 || name < 0) {
		return false
	}
	im.unitCol, im.nameCol = unit, name
	return true
}

// isCodeRow reports whether the row after the header is a second header row of codes, as a
// template writes it: its unit cell holds a heading such as "unit", not a unit on the roster.
func (im *importer) isCodeRow(cells []string) bool {
	col, heads := im.unitCol, unitCodeHeads
	if col < 0 {
		col, heads = im.nameCol, unitNameHeads
	}
	if col >= len(cells) {
		return false
	}
	raw := strings.TrimSpace(cells[col])
	return heads[norm(raw)] && im.units[raw] == nil
}

// resolve matches the columns of the header (and of the row of codes under it) to metrics.
func (im *importer) resolve(head, codes []string) {
	im.resolved = true
	n := max(len(head), len(codes))
	im.metricOf = make([]int, n)
	im.headed = make([]bool, n)
	im.heads = make([]string, n)
	for j := range n {
		im.heads[j] = strings.TrimSpace(unguard(strings.TrimSpace(cell(head, j))))
		if im.heads[j] == "" {
			im.heads[j] = strings.TrimSpace(unguard(strings.TrimSpace(cell(codes, j))))
		}
		im.heads[j] = truncate(im.heads[j], maxValueText)
	}
	first := map[int]int{} // metric → the column it was first matched in
	for j := range n {
		im.metricOf[j] = -1
		if j == im.unitCol || j == im.nameCol {
			continue
		}
		title, code := cell(head, j), cell(codes, j)
		if strings.TrimSpace(title) == "" && strings.TrimSpace(code) == "" {
			continue
		}
		im.headed[j] = true
		m, msg := im.match(code, title)
		if !msg.IsZero() && (ignoredHeads[norm(title)] || ignoredHeads[norm(code)]) {
			continue // 序号, 组别: a metric of that name would have matched
		}
		text := strings.TrimSpace(title)
		if text == "" {
			text = strings.TrimSpace(code)
		}
		if !msg.IsZero() {
			im.add(Problem{Row: im.headRow, Column: im.column(j), Value: text, msg: msg})
			continue
		}
		if prev, dup := first[m]; dup {
			im.add(Problem{Row: im.headRow, Column: im.column(j), Metric: im.scheme.Metrics[m].Code, Value: text,
				msg: i18n.M("column %q repeats metric %s, already in column %s", text, im.scheme.Metrics[m].Code, im.column(prev))})
			continue
		}
		first[m] = j
		im.metricOf[j] = m
	}
}

// match finds the metric of a column from its code (the row of codes) or its title.
func (im *importer) match(code, title string) (int, i18n.Message) {
	code, title = unguard(strings.TrimSpace(code)), unguard(strings.TrimSpace(title))
	for _, h := range []string{code, title} {
		if h == "" {
			continue
		}
		if m, ok := im.codes[strings.ToLower(strings.TrimSpace(width.Narrow.String(h)))]; ok {
			return m, i18n.Message{}
		}
	}
	for _, h := range []string{code, title} {
		ms := im.titles[norm(h)]
		switch {
		case len(ms) == 1:
			return ms[0], i18n.Message{}
		case len(ms) > 1:
			codes := make([]string, len(ms))
			for i, m := range ms {
				codes[i] = im.scheme.Metrics[m].Code
			}
			return -1, i18n.M("column %q matches several metrics (%s): use the metric code", strings.TrimSpace(h), strings.Join(codes, ", "))
		}
	}
	text := strings.TrimSpace(title)
	if text == "" {
		text = strings.TrimSpace(code)
	}
	return -1, i18n.M("unknown column %q: not a metric code or title of the scheme", text)
}

func cell(cells []string, j int) string {
	if j < len(cells) {
		return cells[j]
	}
	return ""
}

// data reads one row of values.
func (im *importer) data(n int, cells []string) {
	hasValues := false
	for j, c := range cells {
		if strings.TrimSpace(c) == "" || j == im.unitCol || j == im.nameCol {
			continue
		}
		switch {
		case j < len(im.metricOf) && im.metricOf[j] >= 0:
			hasValues = true
		case j < len(im.headed) && im.headed[j]:
			// An ignored column, or an unknown one reported with the header.
		case !im.unheaded[j]:
			im.unheaded[j] = true
			im.add(Problem{Row: n, Column: im.column(j), Value: strings.TrimSpace(c),
				msg: i18n.M("a value in a column without a header: the column matches no metric")})
		}
	}
	unit, ok := im.unit(n, cells, hasValues)
	for j, c := range cells {
		if j >= len(im.metricOf) || im.metricOf[j] < 0 {
			continue
		}
		text := strings.TrimSpace(c)
		if text == "" {
			continue
		}
		m := &im.scheme.Metrics[im.metricOf[j]]
		v, msg := parseValue(m, text)
		if !msg.IsZero() {
			im.add(Problem{Row: n, Column: im.column(j), Metric: m.Code, Unit: unit, Value: text, msg: msg})
			continue
		}
		if ok {
			if im.out[unit] == nil {
				im.out[unit] = map[string]any{}
			}
			im.out[unit][m.Code] = v
		}
	}
}

// unit finds the unit of a row by its code, or by its name when it has no code. ok is false
// when the row's values must not be kept: no unit, an unknown one, or one seen before.
func (im *importer) unit(n int, cells []string, hasValues bool) (string, bool) {
	code, name := "", ""
	if im.unitCol >= 0 {
		code = strings.TrimSpace(width.Narrow.String(cell(cells, im.unitCol)))
	}
	if im.nameCol >= 0 {
		name = strings.TrimSpace(cell(cells, im.nameCol))
	}
	var unit string
	switch {
	case code != "":
		unit = code
		if im.units[unit] == nil {
			unit = strings.ToLower(code) // codes are lower case; a spreadsheet may capitalize
		}
		if im.units[unit] == nil {
			im.add(Problem{Row: n, Column: im.column(im.unitCol), Unit: code, Value: code,
				msg: i18n.M("unknown unit %q: not on the scheme's roster", code)})
			return code, false
		}
	case name != "":
		codes := im.names[norm(name)]
		switch {
		case len(codes) == 0:
			im.add(Problem{Row: n, Column: im.column(im.nameCol), Unit: name, Value: name,
				msg: i18n.M("unknown unit %q: no unit on the scheme's roster has this name", name)})
			return name, false
		case len(codes) > 1:
			im.add(Problem{Row: n, Column: im.column(im.nameCol), Unit: name, Value: name,
				msg: i18n.M("unit name %q is ambiguous (%s): give the unit code", name, strings.Join(codes, ", "))})
			return name, false
		}
		unit = codes[0]
	default:
		if hasValues {
			col := im.unitCol
			if col < 0 {
				col = im.nameCol
			}
			im.add(Problem{Row: n, Column: im.column(col), msg: i18n.M("a row with values but no unit code")})
		}
		return "", false
	}
	if first, dup := im.seen[unit]; dup {
		col := im.unitCol
		if code == "" {
			col = im.nameCol
		}
		im.add(Problem{Row: n, Column: im.column(col), Unit: unit, Value: cell(cells, col),
			msg: i18n.M("unit %q appears twice: first in row %d", unit, first)})
		return unit, false
	}
	im.seen[unit] = n
	return unit, true
}

// parseValue reads the text of a cell as a value of metric m and validates it. msg says what
// is wrong, "" if nothing.
func parseValue(m *formulas.Metric, text string) (any, i18n.Message) {
	var v any
	switch m.Type {
	case formulas.TypeNumber, formulas.TypeInteger:
		narrow, percent := strings.TrimSpace(width.Narrow.String(text)), strings.TrimSpace(m.Unit) == "%"
		x, ok := parseNumber(narrow, percent)
		if !ok {
			if m.Type == formulas.TypeInteger {
				return nil, i18n.M("expected a whole number, got %q", text)
			}
			return nil, i18n.M("expected a number, got %q", text)
		}
		v = x
		if math.Abs(x) >= 1<<53 {
			// Beyond 2^53 the float64 is not what the cell says (…993 reads as …992): let the
			// schema refuse the number as written.
			v, _ = numberText(narrow, percent)
			v = json.Number(v.(string))
		}
	case formulas.TypeBoolean:
		switch strings.ToLower(strings.TrimSpace(width.Narrow.String(text))) {
		case yes, "yes", "true", "1":
			v = true
		case no, "no", "false", "0":
			v = false
		default:
			return nil, i18n.M("expected %s or %s (or yes/no, true/false, 1/0), got %q", yes, no, text)
		}
	default:
		text = unguard(text) // the apostrophe safeText put before a formula character
		v = text
	}
	if x, ok := v.(float64); ok {
		// The bounds are checked here too, so that their problem is in the catalogue.
		switch {
		case m.Min != nil && x < *m.Min:
			return nil, i18n.M("%s is below the minimum %s", plainNumber(x), plainNumber(*m.Min))
		case m.Max != nil && x > *m.Max:
			return nil, i18n.M("%s is above the maximum %s", plainNumber(x), plainNumber(*m.Max))
		}
	}
	out, err := schema.ValidateValue(*m, v)
	if err != nil {
		return nil, i18n.M("%s", strings.TrimPrefix(schema.ErrorMessage(err), m.Code+": "))
	}
	return out, i18n.Message{}
}

// plainNumber writes x as the schema's messages do: shortest form, no exponent.
func plainNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// result is the values read, or the error listing every problem.
func (im *importer) result() (map[string]map[string]any, error) {
	if len(im.problems) == 0 {
		return im.out, nil
	}
	if im.more > 0 {
		more := i18n.M("and 1 more problem")
		if im.more > 1 {
			more = i18n.M("and %d more problems", im.more)
		}
		im.problems = append(im.problems, Problem{msg: more})
	}
	return nil, newImportError(im.format, im.problems)
}

// noHeader is the problem of a sheet without a header row.
func noHeader() Problem {
	return Problem{msg: i18n.M("no header row: none of the first %d rows has a column %s (or %s) or %s (or %s) beside another column",
		headerSearch, unitCodeTitle, unitCodeCode, unitNameTitle, unitNameCode)}
}
