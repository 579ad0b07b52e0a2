package exchange

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
)

// readXLSX reads the values of an XLSX workbook: from the 填报 sheet if it has one, else from
// the first sheet with a header row.
func readXLSX(data []byte, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fileProblem("xlsx", "not a readable XLSX workbook: "+err.Error())
	}
	var size uint64
	for _, zf := range zr.File {
		size += zf.UncompressedSize64
	}
	if size > MaxUnzipSize {
		return nil, fileProblem("xlsx", fmt.Sprintf("the workbook unpacks to %d MB, more than the %d MB allowed", size>>20, MaxUnzipSize>>20))
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: MaxUnzipSize, UnzipXMLSizeLimit: 16 << 20,
	})
	if err != nil {
		return nil, fileProblem("xlsx", "not a readable XLSX workbook: "+err.Error())
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if i := slices.Index(sheets, SheetTemplate); i > 0 {
		sheets = append([]string{SheetTemplate}, slices.Delete(sheets, i, i+1)...)
	}
	for _, sheet := range sheets {
		im := newImporter("xlsx", s, units)
		if err := readSheet(f, sheet, im); err != nil {
			return nil, fileProblem("xlsx", "not a readable XLSX workbook: sheet "+sheet+": "+err.Error())
		}
		if im.found() {
			return im.result()
		}
	}
	return nil, newImportError("xlsx", []Problem{noHeader()})
}

// readSheet feeds the rows of one sheet to im, stopping early when it has no header row.
func readSheet(f *excelize.File, sheet string, im *importer) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		im.row(n, cells)
		if im.gaveUp() {
			return nil
		}
	}
	if err := rows.Error(); err != nil {
		return err
	}
	im.finish()
	return nil
}
