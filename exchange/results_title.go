package exchange

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// title writes the title rows of the results sheet, each merged over the sheet's width: the
// scheme's title and 考核结果汇总表, then what the results are — the layer, the revision and
// the time they were made, or for a publication 第N次公布, its revision and when it was
// published. Everything comes from meta, so that a publication's workbook is the same bytes
// each time it is exported.
func (b *resultsBook) title(sw *excelize.StreamWriter, meta Meta) error {
	big, err := b.styles.id(styleKey{title: true})
	if err != nil {
		return err
	}
	sub, err := b.styles.id(styleKey{subtitle: true})
	if err != nil {
		return err
	}
	name := meta.Title
	if name == "" {
		name = b.s.Title
	}
	last := b.letters[len(b.letters)-1]
	for r, cell := range []excelize.Cell{
		{StyleID: big, Value: tr(b.l, "%s results summary", name)},
		{StyleID: sub, Value: b.subtitle(meta)},
	} {
		n := strconv.Itoa(r + 1)
		if err := sw.MergeCell("A"+n, last+n); err != nil {
			return err
		}
		height := 20.0
		if r == 0 {
			height = 28
		}
		if err := sw.SetRow("A"+n, []any{cell}, excelize.RowOpts{Height: height}); err != nil {
			return err
		}
	}
	return nil
}

// subtitle is the second title row: 考核　第 3 版　生成时间 2026-11-27 09:30 (UTC+8).
func (b *resultsBook) subtitle(meta Meta) string {
	parts := []string{layerName(b.l, meta.Layer), tr(b.l, "revision %d", meta.Revision)}
	if st := meta.Stamp; st != nil {
		parts = append(parts, tr(b.l, "publication %d", st.Number), tr(b.l, "published %s", printedTime(st.At)))
	} else if !meta.Generated.IsZero() {
		parts = append(parts, tr(b.l, "made %s", printedTime(meta.Generated)))
	}
	sep := "　"
	if b.l == i18n.EN {
		sep = ", "
	}
	return strings.Join(parts, sep)
}

// printedColumns are the columns of a results workbook: those of resultColumns, less the
// ones that would print empty on every row — 等次 when the scheme has no grades, 组别 and
// 组内排名 when no unit has a group (the rank in the one group is the rank). The CSV keeps every column, so that its layout depends on the scheme only.
func printedColumns(p *formulas.Program, results []formulas.Result, l i18n.Lang) []column {
	s := p.Scheme()
	grouped := len(s.Groups) > 0
	for i := range results {
		if results[i].Unit.Group != "" {
			grouped = true
			break
		}
	}
	all := resultColumns(p, l)
	index := make([]int, len(all)) // old index → new
	cols := make([]column, 0, len(all))
	for i, c := range all {
		index[i] = len(cols)
		switch {
		case c.field == fieldGrade && len(s.Grades) == 0:
			continue
		case (c.field == fieldGroup || c.field == fieldGroupRank) && !grouped:
			continue
		}
		cols = append(cols, c)
	}
	for i := range cols {
		if cols[i].top >= 0 {
			cols[i].top = index[cols[i].top]
		}
	}
	return cols
}

// format is the column's number format in a workbook (see measure.format).
func (c *column) format(schemeDecimals int) string {
	sign := "%"
	if strings.TrimSpace(c.item.Unit) == "‰" {
		sign = "‰"
	}
	if c.field == fieldOutput {
		return c.measure.format(c.decimals, schemeDecimals, sign)
	}
	return numFmt(c.decimals)
}
