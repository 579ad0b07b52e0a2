package exchange

import "encoding/csv"

// csvCell is a cell as CSV text: text guarded against formulas (safeText), anything else as
// formatCell writes it.
func csvCell(v any) string {
	if s, ok := v.(string); ok {
		return safeText(s)
	}
	return formatCell(v)
}

// writeCSVRows writes rows of cells as CSV records (csvCell).
func writeCSVRows(cw *csv.Writer, rows [][]any) error {
	for _, row := range rows {
		rec := make([]string, len(row))
		for j, c := range row {
			rec[j] = csvCell(c)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
