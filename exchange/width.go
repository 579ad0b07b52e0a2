package exchange

import (
	"unicode/utf8"

	"golang.org/x/text/width"
)

// displayWidth is the width of s in a spreadsheet column, in Excel's width units (the width
// of "0"): a Chinese character (East Asian wide or full-width rune) counts 2, others 1. For
// text of several lines it is the width of the widest line.
func displayWidth(s string) int {
	widest, w := 0, 0
	for _, r := range s {
		switch {
		case r == '\n':
			widest, w = max(widest, w), 0
			continue
		case r < utf8.RuneSelf:
			w++
			continue
		}
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
	}
	return max(widest, w)
}

// Column widths of exported sheets, in Excel's units.
const (
	minColWidth = 6
	maxColWidth = 40
	numColWidth = 10 // at least, for a column of numbers
)

// colWidth is the width of a column whose widest text is w wide: a margin of 2, within
// [minColWidth, maxColWidth]; longer headers wrap.
func colWidth(w int) float64 {
	return float64(min(max(w+2, minColWidth), maxColWidth))
}

// lines is how many lines text of width w takes in a column of width cw, wrapped.
func lines(w int, cw float64) int {
	room := int(cw) - 1
	if room < 1 || w <= room {
		return 1
	}
	return (w + room - 1) / room
}

// setWidths sets the widths of a stream's columns, from column 1. It must be called before
// the first row. (excelize keeps each new column first in its list, and Excel wants them in
// order: so the last column goes first.)
func setWidths(sw interface {
	SetColWidth(minVal, maxVal int, width float64) error
}, widths []float64) error {
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	return nil
}
