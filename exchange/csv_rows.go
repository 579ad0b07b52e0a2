package exchange

import "encoding/csv"

// writeCSVRows writes rows of cells as CSV records: texts guarded against formulas (safeText),
// other cells as formatCell writes them.
func writeCSVRows(cw *csv.Writer, rows [][]any) error {
	for _, row := range rows {
		rec := make([]string, len(row))
		for j, c := range row {
			if s, ok := c.(string); ok {
				rec[j] = safeText(s)
			} else {
				rec[j] = formatCell(c)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
