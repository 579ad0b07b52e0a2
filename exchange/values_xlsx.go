package exchange

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// readXLSX reads the values of an XLSX workbook: from the 填报 (or Values) sheet if it has one, else from
// the first sheet with a header row. Only the cells the file holds are read (see workbook),
// and ctx stops the reading.
func readXLSX(ctx context.Context, data []byte, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, error) {
	values, _, err := readXLSXWork(ctx, data, s, units)
	return values, err
}

// readXLSXWork is readXLSX, also returning the cells it handed to the importer: the work
// done, which tests bound.
func readXLSXWork(ctx context.Context, data []byte, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, int, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, 0, fileProblem("xlsx", "not a readable XLSX workbook: "+err.Error())
	}
	var size uint64
	for _, zf := range zr.File {
		size += zf.UncompressedSize64
	}
	if size > MaxUnzipSize {
		return nil, 0, fileProblem("xlsx", fmt.Sprintf("the workbook unpacks to %d MB, more than the %d MB allowed", size>>20, MaxUnzipSize>>20))
	}
	wb, err := openWorkbook(zr, xmlBudget(s, units))
	if err != nil {
		return nil, 0, fileProblem("xlsx", "not a readable XLSX workbook: "+err.Error())
	}
	sheets := wb.sheets
	// A template's values sheet first, in either language (填报, Values).
	for _, name := range []string{SheetTemplateEN, SheetTemplate} {
		if i := slices.Index(sheets, name); i > 0 {
			sheets = append([]string{name}, slices.Delete(slices.Clone(sheets), i, i+1)...)
		}
	}
	work := 0
	for _, sheet := range sheets {
		im := newImporter(ctx, "xlsx", s, units)
		err := readSheet(wb, sheet, im)
		work += im.cells
		if ctx.Err() != nil {
			return nil, work, ctx.Err()
		}
		if err != nil {
			return nil, work, fileProblem("xlsx", "not a readable XLSX workbook: sheet "+sheet+": "+err.Error())
		}
		if im.found() {
			values, err := im.result()
			return values, work, err
		}
	}
	return nil, work, newImportError("xlsx", []Problem{noHeader()})
}

// minCellBudget is the fewest cells, empty ones included, a sheet may hold: room for a
// formatted area around a small scheme's template.
const minCellBudget = 200000

// cellBudget is the most cells, empty ones included, a sheet of an import may hold: the rows
// an import reads (units, problems, the rows above the header) by the scheme's columns, or
// minCellBudget. Reading one costs a few microseconds: a sheet of millions of empty cells
// would otherwise take seconds (issue 11).
func cellBudget(im *importer) int {
	return max(minCellBudget, (len(im.units)+MaxProblems+headerSearch+2)*(len(im.scheme.Metrics)+16))
}

// xmlBudget is the most bytes of XML a sheet (or the shared strings) of an import may have:
// for every row an import reads (units, problems, the rows above the header), 64 bytes a cell
// and room for a full text in every text metric; at least minCellBudget cells' worth.
func xmlBudget(s *formulas.Scheme, units []formulas.Unit) int64 {
	texts := 0
	for _, m := range s.Metrics {
		if m.Type == formulas.TypeText {
			texts++
		}
	}
	rows := int64(len(units) + MaxProblems + headerSearch + 2)
	return max(64*minCellBudget, rows*int64(64*(len(s.Metrics)+16)+texts*4*schema.MaxTextLength))
}

// readSheet feeds the rows of one sheet to im, stopping early when it has no header row, has
// more rows than a filled-in template can have, or its context is done.
func readSheet(wb *workbook, sheet string, im *importer) error {
	err := wb.rows(sheet, cellBudget(im), func(n int, cells []sheetCell) bool {
		im.sparseRow(n, cells)
		return !im.gaveUp() && !im.stopped()
	})
	if err != nil {
		return err
	}
	im.finish()
	return nil
}
