package exchange

import (
	"strings"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// field is what a column of a results export holds.
type field uint8

const (
	fieldUnit field = iota
	fieldName
	fieldGroup
	fieldItem
	fieldOutput
	fieldTotal
	fieldGrade
	fieldRank
	fieldGroupRank
)

// column is one column of a results export (CSV or XLSX), in the order of the file: unit
// code, name and group, every item (categories and leaves, document order), every output,
// then total, grade, rank and group rank.
type column struct {
	field    field
	code     string          // the header with HeaderCodes; the key of Result.Cells for items and outputs
	title    string          // the header: an item's title with its points, an output's with its unit
	item     formulas.Column // items and outputs
	decimals int             // the number format's decimals; -1 for General
	measure  measure         // what its numbers count: points, a rate, money, …
	top      int             // XLSX: index of the top-level category spanning it, or -1
}

// numeric reports whether the column's cells are added up in the totals rows of an XLSX
// export: points and outputs (their numeric cells).
func (c *column) numeric() bool {
	return c.field == fieldItem || c.field == fieldOutput || c.field == fieldTotal
}

// resultColumns lays out the columns of a results export of p, the fixed titles (单位代码,
// 总分…) in l; the items' and outputs' titles are the scheme's.
func resultColumns(p *formulas.Program, l i18n.Lang) []column {
	s := p.Scheme()
	dec := s.Decimals()
	outputPrecision := map[string]int{}
	for _, o := range s.Outputs {
		if o.Precision != nil {
			outputPrecision[o.Code] = *o.Precision
		}
	}
	cols := []column{
		{field: fieldUnit, code: "unit", title: tr(l, fixedTitles[fieldUnit]), decimals: -1, top: -1},
		{field: fieldName, code: "name", title: tr(l, fixedTitles[fieldName]), decimals: -1, top: -1},
		{field: fieldGroup, code: "group", title: tr(l, fixedTitles[fieldGroup]), decimals: -1, top: -1},
	}
	top := -1
	for _, c := range p.Columns() {
		col := column{code: c.Code, item: c, top: -1}
		if c.Kind == "output" {
			col.field = fieldOutput
			col.title = withSuffix(c.Title, c.Unit)
			col.measure = measureOf(c.Unit)
			col.decimals = -1
			if n, ok := outputPrecision[c.Code]; ok {
				col.decimals = n
			}
		} else {
			col.field = fieldItem
			col.title = withPoints(c.Title, c.MaxPoints)
			col.measure = measurePoints
			col.decimals = dec
			if c.Depth == 0 {
				top = -1
				if c.Category {
					top = len(cols)
				}
			}
			col.top = top
		}
		cols = append(cols, col)
	}
	return append(cols,
		column{field: fieldTotal, code: "total", title: tr(l, fixedTitles[fieldTotal]), decimals: dec, measure: measurePoints, top: -1},
		column{field: fieldGrade, code: "grade", title: tr(l, fixedTitles[fieldGrade]), decimals: -1, top: -1},
		column{field: fieldRank, code: "rank", title: tr(l, fixedTitles[fieldRank]), decimals: 0, top: -1},
		column{field: fieldGroupRank, code: "group_rank", title: tr(l, fixedTitles[fieldGroupRank]), decimals: 0, top: -1},
	)
}

// withPoints is an item's title with its points: 居民参保完成(5).
func withPoints(title string, points *float64) string {
	if points == nil {
		return title
	}
	return title + "(" + formatNumber(*points) + ")"
}

// withSuffix is a title with its unit: 补助(元).
func withSuffix(title, unit string) string {
	if strings.TrimSpace(unit) == "" {
		return title
	}
	return title + "(" + unit + ")"
}

// value is the column's cell of one result: float64, int, string, bool or nil.
func (c *column) value(r *formulas.Result) any {
	switch c.field {
	case fieldUnit:
		return r.Unit.Code
	case fieldName:
		return r.Unit.Name
	case fieldGroup:
		return r.Unit.Group
	case fieldItem, fieldOutput:
		return r.Cells[c.code]
	case fieldTotal:
		if r.Total == nil {
			return nil
		}
		return *r.Total
	case fieldGrade:
		if r.Grade == nil {
			return nil
		}
		return *r.Grade
	case fieldRank:
		if r.Rank == nil {
			return nil
		}
		return *r.Rank
	case fieldGroupRank:
		if r.GroupRank == nil {
			return nil
		}
		return *r.GroupRank
	}
	return nil
}
