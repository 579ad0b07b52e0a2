package exchange

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// Meta describes an exported workbook; it goes into the document properties.
type Meta struct {
	Title     string    // the workbook's title; the scheme's title when empty
	Revision  int       // the scheme revision the file was made from
	Generated time.Time // when the file was made; not written when zero
	Layer     string    // the layer of the values: final (考核) or self (自评)
	Stamp     *Stamp    // the publication the results are, if they are one
	Lang      i18n.Lang // the language of the workbook's fixed texts: zh-CN (zero) or en
}

// Sheets of an exported results workbook, named in Chinese for the offices that print them:
// the results (考核结果), the cells that could not be computed (错误) and the formulas (计分公式).
const (
	SheetResults  = "考核结果"
	SheetErrors   = "错误"
	SheetFormulas = "计分公式"
)

// titleRows is the number of title rows above the header of the results sheet: the title
// (考核结果汇总表) and a line of what the results are (layer, revision, time).
const titleRows = 2

// headerRows is the number of header rows of the results sheet.
const headerRows = 2

// firstRow is the row of the first result of the results sheet.
const firstRow = titleRows + headerRows + 1

// WriteXLSX writes results as an XLSX workbook, streamed row by row so that a sheet of 100,000
// units never sits in memory as a workbook.
//
// The results sheet has a two-level header — row 1 a top-level category's title merged over
// its columns (its subtotal, 小计, and its children), row 2 each column's title with its
// points; columns that are not under a category span both rows — then one row per result:
// unit code, name and group, the items, the outputs, 总分, 等次, 排名 and 组内排名, then a
// 合计 (SUM) and a 平均 (AVERAGE) row, as formulas with their values. The header rows and the
// unit's code and name are frozen; column widths fit the titles (a Chinese character counts
// 2). Numbers are numbers, formatted with the scheme's precision ("0.00"), an output's own
// precision, or General. Cells of an incomplete unit that have no value are filled yellow,
// cells that could not be computed red; both are listed on the errors sheet (unit, column,
// cell, message). The formulas sheet lists each item's code, title, kind, points, formula,
// criteria and evidence, then the outputs, the veto, the params and the grade bands. The
// title, scheme revision, layer and time are in the document properties.
func WriteXLSX(w io.Writer, p *formulas.Program, results []formulas.Result, meta Meta) error {
	f := excelize.NewFile()
	defer f.Close()
	b := &resultsBook{f: f, p: p, s: p.Scheme(), l: meta.Lang, styles: newStyles(f)}
	b.cols = printedColumns(p, results, meta.Lang)
	if err := b.write(results, meta); err != nil {
		return fmt.Errorf("exchange: write results workbook: %w", err)
	}
	if meta.Stamp != nil { // a publication: the same bytes each time
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			return fmt.Errorf("exchange: write results workbook: %w", err)
		}
		if err := writeSorted(w, buf.Bytes()); err != nil {
			return fmt.Errorf("exchange: write results workbook: %w", err)
		}
		return nil
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("exchange: write results workbook: %w", err)
	}
	return nil
}

// resultsBook writes one results workbook.
type resultsBook struct {
	f       *excelize.File
	p       *formulas.Program
	s       *formulas.Scheme
	l       i18n.Lang
	cols    []column
	letters []string // column letters of cols
	formats []string // number formats of cols
	widths  []float64
	styles  *styles

	errs    *excelize.StreamWriter
	errRow  int
	metrics map[string]*formulas.Metric
}

func (b *resultsBook) write(results []formulas.Result, meta Meta) error {
	f := b.f
	sheetResults, sheetErrors, sheetFormulas := sheetNames(b.l)
	if err := f.SetSheetName("Sheet1", sheetResults); err != nil {
		return err
	}
	for _, name := range []string{sheetErrors, sheetFormulas} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	b.metrics = map[string]*formulas.Metric{}
	for i := range b.s.Metrics {
		b.metrics[b.s.Metrics[i].Code] = &b.s.Metrics[i]
	}
	b.letters = make([]string, len(b.cols))
	b.formats = make([]string, len(b.cols))
	for i := range b.cols {
		b.letters[i], _ = excelize.ColumnNumberToName(i + 1)
		b.formats[i] = b.cols[i].format(b.s.Decimals())
	}
	b.measure(results)

	// Before the stream writer, which writes the sheet's settings as it finds them.
	if err := setPrintLayout(f, sheetResults, titleRows+1, titleRows+headerRows, "B"); err != nil { // code and name on every page
		return err
	}
	sw, err := f.NewStreamWriter(sheetResults)
	if err != nil {
		return err
	}
	if err := setWidths(sw, b.widths); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: titleRows + headerRows, TopLeftCell: "C" + strconv.Itoa(firstRow), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	if err := b.startErrors(sheetErrors); err != nil {
		return err
	}
	if err := b.title(sw, meta); err != nil {
		return err
	}
	if err := b.header(sw); err != nil {
		return err
	}
	sums := make([]float64, len(b.cols))
	counts := make([]int, len(b.cols))
	avgSums := make([]float64, len(b.cols)) // over the units with a total (complete)
	avgCounts := make([]int, len(b.cols))
	complete := 0
	row := make([]any, len(b.cols))
	cells := make([]excelize.Cell, len(b.cols))
	for r := range results {
		res := &results[r]
		n := firstRow + r
		if err := b.row(sw, res, n, row, cells, sums, counts); err != nil {
			return err
		}
		if res.Total != nil {
			complete++
			for i := range b.cols {
				if x, ok := b.cols[i].value(res).(float64); ok && b.cols[i].numeric() {
					avgSums[i] += x
					avgCounts[i]++
				}
			}
		}
		if err := b.listErrors(res, n); err != nil {
			return err
		}
	}
	below, err := b.totals(sw, len(results), sums, counts, complete, avgSums, avgCounts)
	if err != nil {
		return err
	}
	if meta.Stamp != nil {
		// A row left blank under the totals, then the publication's number, time and hash,
		// readable on paper.
		cells := make([]any, 0, 5)
		for _, s := range meta.Stamp.recordIn(b.l) {
			cells = append(cells, s)
		}
		if err := sw.SetRow("A"+strconv.Itoa(firstRow+len(results)+below+1), cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := b.errs.Flush(); err != nil {
		return err
	}
	if err := writeFormulas(f, sheetFormulas, b.s, b.styles, b.l); err != nil {
		return err
	}
	return setProps(f, b.s, meta, sheetResults)
}

// measure sets the width of every column from its header and, for text, its widest cell.
func (b *resultsBook) measure(results []formulas.Result) {
	b.widths = make([]float64, len(b.cols))
	for i := range b.cols {
		c := &b.cols[i]
		w := displayWidth(c.title)
		if c.numeric() || c.field == fieldRank || c.field == fieldGroupRank {
			w = max(w, numColWidth-2)
		}
		if c.field == fieldItem && c.top == i {
			w = displayWidth(withPoints(tr(b.l, "Subtotal"), c.item.MaxPoints))
		}
		b.widths[i] = colWidth(w)
	}
	// Text columns grow to their widest cell, up to the limit.
	for r := range results {
		for i := range b.cols {
			c := &b.cols[i]
			if c.field == fieldUnit || c.field == fieldName || c.field == fieldGroup || c.field == fieldGrade || c.field == fieldOutput {
				if s, ok := c.value(&results[r]).(string); ok && s != "" {
					if w := colWidth(displayWidth(s)); w > b.widths[i] {
						b.widths[i] = w
					}
				}
			}
		}
	}
}

// header writes the two header rows: a top-level category merged over its columns in row 1,
// each column's title with its points in row 2; other columns span both rows.
func (b *resultsBook) header(sw *excelize.StreamWriter) error {
	hs, err := b.styles.id(styleKey{header: true})
	if err != nil {
		return err
	}
	h1, h2 := strconv.Itoa(titleRows+1), strconv.Itoa(titleRows+2)
	row1 := make([]any, len(b.cols))
	row2 := make([]any, len(b.cols))
	lines1, lines2 := 1, 1
	for i := 0; i < len(b.cols); i++ {
		c := &b.cols[i]
		switch c.top {
		case i: // a top-level category: its title over its span, 小计 below
			end := i
			for end+1 < len(b.cols) && b.cols[end+1].top == i {
				end++
			}
			span := 0.0
			for j := i; j <= end; j++ {
				span += b.widths[j]
				row1[j] = excelize.Cell{StyleID: hs}
				row2[j] = excelize.Cell{StyleID: hs, Value: b.cols[j].title}
				lines2 = max(lines2, lines(displayWidth(b.cols[j].title), b.widths[j]))
			}
			row1[i] = excelize.Cell{StyleID: hs, Value: c.title}
			row2[i] = excelize.Cell{StyleID: hs, Value: withPoints(tr(b.l, "Subtotal"), c.item.MaxPoints)}
			lines1 = max(lines1, lines(displayWidth(c.title), span))
			if end > i {
				if err := sw.MergeCell(b.letters[i]+h1, b.letters[end]+h1); err != nil {
					return err
				}
			}
			i = end
		default:
			row1[i] = excelize.Cell{StyleID: hs, Value: c.title}
			row2[i] = excelize.Cell{StyleID: hs}
			lines2 = max(lines2, lines(displayWidth(c.title), b.widths[i])-1)
			if err := sw.MergeCell(b.letters[i]+h1, b.letters[i]+h2); err != nil {
				return err
			}
		}
	}
	if err := sw.SetRow("A"+h1, row1, excelize.RowOpts{Height: rowHeight(lines1)}); err != nil {
		return err
	}
	return sw.SetRow("A"+h2, row2, excelize.RowOpts{Height: rowHeight(lines2)})
}

// rowHeight is the height in points of a row of n lines of text.
func rowHeight(n int) float64 { return 6 + 14*float64(n) }

// row writes the row of one result and adds its numbers to the sums. cells backs row: each
// element of row points into it, so that no cell is boxed on its own.
func (b *resultsBook) row(sw *excelize.StreamWriter, res *formulas.Result, n int, row []any, cells []excelize.Cell, sums []float64, counts []int) error {
	unitMark := markNone
	switch {
	case len(res.Errors) > 0:
		unitMark = markError
	case !res.Complete:
		unitMark = markIncomplete
	}
	for i := range b.cols {
		c := &b.cols[i]
		v := c.value(res)
		m := markNone
		switch c.field {
		case fieldUnit, fieldName:
			m = unitMark
		case fieldItem, fieldOutput:
			if v == nil {
				if _, bad := res.Errors[c.code]; bad {
					m = markError
				} else if !res.Complete {
					m = markIncomplete
				}
			}
		case fieldTotal, fieldGrade, fieldRank, fieldGroupRank:
			switch {
			case v != nil:
			case !res.Complete:
				m = markIncomplete
			case len(res.Errors) > 0:
				m = markError
			}
		}
		key := styleKey{mark: m}
		switch x := v.(type) {
		case float64:
			key.format = b.formats[i]
			if c.numeric() {
				sums[i] += x
				counts[i]++
			}
		case int:
			key.format = b.formats[i]
		case string:
			if x == "" {
				v = nil // an empty text output
			}
		case bool:
			v = yesNo(b.l, x) // as the templates write them, not TRUE/FALSE
		case nil:
			if c.numeric() {
				key.format = b.formats[i]
			}
		}
		cells[i] = excelize.Cell{Value: v}
		if key != (styleKey{}) {
			id, err := b.styles.id(key)
			if err != nil {
				return err
			}
			cells[i].StyleID = id
		}
		row[i] = &cells[i]
	}
	return sw.SetRow("A"+strconv.Itoa(n), row)
}

// totals writes the 合计 and 平均 rows under the results, as formulas with their values. 合计
// (SUM, over every unit) is written under additive columns only — points, money, counts —
// never under rates, ranks or numbers rubric cannot tell the meaning of. 平均 is over the
// complete units (those with a total): AVERAGEIFS on the total column being non-blank, and
// the row says how many units that is, so that the count printed is the count averaged.
// It answers how many rows it wrote.
func (b *resultsBook) totals(sw *excelize.StreamWriter, n int, sums []float64, counts []int, complete int, avgSums []float64, avgCounts []int) (int, error) {
	first, last := firstRow, firstRow+n-1
	bold, err := b.styles.id(styleKey{bold: true})
	if err != nil {
		return 0, err
	}
	total := slices.IndexFunc(b.cols, func(c column) bool { return c.field == fieldTotal })
	totals := "$" + b.letters[total] + "$" + strconv.Itoa(first) + ":$" + b.letters[total] + "$" + strconv.Itoa(last)
	for k := range 2 {
		row := make([]any, len(b.cols))
		if k == 0 {
			row[0] = excelize.Cell{StyleID: bold, Value: tr(b.l, "Sum")}
			row[1] = excelize.Cell{StyleID: bold, Value: tr(b.l, "%d units", n)}
		} else {
			row[0] = excelize.Cell{StyleID: bold, Value: tr(b.l, "Average")}
			row[1] = excelize.Cell{StyleID: bold, Value: tr(b.l, "%d complete units", complete)}
		}
		for i := range b.cols {
			c := &b.cols[i]
			if !c.numeric() {
				continue
			}
			id, err := b.styles.id(styleKey{format: b.formats[i], bold: true})
			if err != nil {
				return 0, err
			}
			rng := b.letters[i] + strconv.Itoa(first) + ":" + b.letters[i] + strconv.Itoa(last)
			switch {
			case k == 0 && counts[i] > 0 && c.measure.additive():
				row[i] = excelize.Cell{StyleID: id, Formula: "SUM(" + rng + ")", Value: canon(sums[i])}
			case k == 1 && avgCounts[i] > 0 && i == total:
				row[i] = excelize.Cell{StyleID: id, Formula: "AVERAGE(" + rng + ")", Value: canon(avgSums[i] / float64(avgCounts[i]))}
			case k == 1 && avgCounts[i] > 0:
				row[i] = excelize.Cell{StyleID: id, Formula: "AVERAGEIFS(" + rng + "," + totals + `,"<>")`, Value: canon(avgSums[i] / float64(avgCounts[i]))}
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(last+1+k), row); err != nil {
			return 0, err
		}
	}
	wrote, err := b.averagedCounts(sw, last+3, complete, avgCounts, totals)
	if wrote {
		return 3, err
	}
	return 2, err
}

// averagedCounts writes, under 平均, how many units each average is over, when a column's
// count differs from the complete units the 平均 row names: a complete unit may still lack an
// output (a cell error the total does not read), and AVERAGEIFS skips its blank cell, so
// without this row the printed count would not be the count averaged. The row is left out
// when every average is over all complete units; it answers whether it wrote the row.
func (b *resultsBook) averagedCounts(sw *excelize.StreamWriter, n, complete int, avgCounts []int, totals string) (bool, error) {
	differs := false
	for i := range b.cols {
		if b.cols[i].numeric() && avgCounts[i] > 0 && avgCounts[i] != complete {
			differs = true
		}
	}
	if !differs {
		return false, nil
	}
	bold, err := b.styles.id(styleKey{bold: true})
	if err != nil {
		return false, err
	}
	count, err := b.styles.id(styleKey{format: "0", bold: true})
	if err != nil {
		return false, err
	}
	first, last := strconv.Itoa(firstRow), strconv.Itoa(n-3)
	row := make([]any, len(b.cols))
	row[0] = excelize.Cell{StyleID: bold, Value: tr(b.l, "Units averaged")}
	for i := range b.cols {
		if !b.cols[i].numeric() || avgCounts[i] == 0 {
			continue
		}
		rng := b.letters[i] + first + ":" + b.letters[i] + last
		row[i] = excelize.Cell{StyleID: count, Formula: "COUNTIFS(" + rng + `,"<>",` + totals + `,"<>")`, Value: avgCounts[i]}
	}
	return true, sw.SetRow("A"+strconv.Itoa(n), row)
}

// startErrors begins the errors sheet: its widths and header.
func (b *resultsBook) startErrors(sheet string) error {
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	b.errs = sw
	if err := setWidths(sw, []float64{12, 16, 24, 14, 10, 60}); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	hs, err := b.styles.id(styleKey{header: true})
	if err != nil {
		return err
	}
	head := []any{}
	for _, t := range []string{"Unit code", "Unit name", "Column", "Code", "Cell", "Message"} {
		head = append(head, excelize.Cell{StyleID: hs, Value: tr(b.l, t)})
	}
	b.errRow = 1
	return sw.SetRow("A1", head)
}

// listErrors adds a result's problems to the errors sheet: the missing values of an
// incomplete unit, then every cell error in column order, metrics and the veto last.
func (b *resultsBook) listErrors(res *formulas.Result, n int) error {
	add := func(title, code, cell, msg string) error {
		b.errRow++
		return b.errs.SetRow("A"+strconv.Itoa(b.errRow), []any{res.Unit.Code, res.Unit.Name, title, code, cell, msg})
	}
	total := slices.IndexFunc(b.cols, func(c column) bool { return c.field == fieldTotal })
	if !res.Complete {
		missing := make([]string, len(res.Missing))
		for i, code := range res.Missing {
			missing[i] = code
			if m := b.metrics[code]; m != nil {
				missing[i] = m.Title + " (" + code + ")"
			}
		}
		msg := tr(b.l, "incomplete: no total, grade or rank")
		if len(missing) > 0 {
			msg = tr(b.l, "incomplete: missing %s", strings.Join(missing, ", "))
		}
		if err := add(b.cols[total].title, "total", b.letters[total]+strconv.Itoa(n), msg); err != nil {
			return err
		}
	}
	if len(res.Errors) == 0 {
		return nil
	}
	for i := range b.cols {
		c := &b.cols[i]
		if msg, ok := res.Errors[c.code]; ok && (c.field == fieldItem || c.field == fieldOutput) {
			if err := add(c.item.Title, c.code, b.letters[i]+strconv.Itoa(n), msg); err != nil {
				return err
			}
		}
	}
	for _, m := range b.s.Metrics {
		if msg, ok := res.Errors[m.Code]; ok {
			if err := add(m.Title, m.Code, "", msg); err != nil {
				return err
			}
		}
	}
	if msg, ok := res.Errors["veto"]; ok {
		title := tr(b.l, "veto")
		if b.s.Veto != nil && b.s.Veto.Label != "" {
			title = b.s.Veto.Label
		}
		return add(title, "veto", "", msg)
	}
	return nil
}

// setProps writes a workbook's document properties: title, subject, the scheme's code as a
// keyword, revision, layer and time; the same as custom properties for programs.
func setProps(f *excelize.File, s *formulas.Scheme, meta Meta, subject string) error {
	title := meta.Title
	if title == "" {
		title = s.Title
	}
	layer := meta.Layer
	if layer == "" {
		layer = "final"
	}
	props := &excelize.DocProperties{
		Title:       title,
		Subject:     subject,
		Creator:     "rubric",
		Keywords:    s.Code,
		Category:    layer,
		Revision:    strconv.Itoa(meta.Revision),
		Version:     strconv.Itoa(meta.Revision),
		Description: fmt.Sprintf("scheme %s, revision %d, layer %s", s.Code, meta.Revision, layer),
	}
	if !meta.Generated.IsZero() {
		props.Created = meta.Generated.UTC().Format(time.RFC3339)
		props.Modified = props.Created
		props.Description += ", generated " + props.Created
	}
	if st := meta.Stamp; st != nil {
		props.Description += fmt.Sprintf(", publication %d of %s, SHA-256 %s", st.Number, st.At.UTC().Format(time.RFC3339), st.Hash)
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	custom := []excelize.CustomProperty{
		{Name: "scheme", Value: s.Code},
		{Name: "revision", Value: int32(meta.Revision)},
		{Name: "layer", Value: layer},
	}
	if !meta.Generated.IsZero() {
		custom = append(custom, excelize.CustomProperty{Name: "generated", Value: meta.Generated.UTC()})
	}
	if st := meta.Stamp; st != nil {
		custom = append(custom, excelize.CustomProperty{Name: "publication", Value: int32(st.Number)},
			excelize.CustomProperty{Name: "published_at", Value: st.At.UTC()},
			excelize.CustomProperty{Name: "sha256", Value: st.Hash})
	}
	for _, c := range custom {
		if err := f.SetCustomProps(c); err != nil {
			return err
		}
	}
	return nil
}
