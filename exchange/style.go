package exchange

import (
	"github.com/xuri/excelize/v2"
)

// mark is how a cell is flagged in an exported workbook.
type mark uint8

const (
	markNone       mark = iota
	markIncomplete      // the unit lacks a value the cell needs: a yellow fill
	markError           // the cell could not be computed: a red fill
)

// Fill colours of marked cells and headers.
const (
	fillIncomplete = "FFF2CC"
	fillError      = "F8CBAD"
	fillHeader     = "DDEBF7"
	fillLocked     = "F2F2F2"
)

// styleKey identifies a cell style of an exported workbook.
type styleKey struct {
	format   string // number format: "General", "0", "0.00", "@" for text
	mark     mark
	bold     bool
	header   bool // centred, wrapped, bordered, filled
	unlocked bool // templates: a cell the sheet protection leaves editable
	locked   bool // templates: a grey read-only cell
	wrap     bool
	title    bool // the title row of a results sheet: large, bold, centred
	subtitle bool // the row under it: centred
}

// styles makes each style of a workbook once.
type styles struct {
	f   *excelize.File
	ids map[styleKey]int
}

func newStyles(f *excelize.File) *styles {
	return &styles{f: f, ids: map[styleKey]int{}}
}

// id returns the style of k, creating it the first time.
func (s *styles) id(k styleKey) (int, error) {
	if id, ok := s.ids[k]; ok {
		return id, nil
	}
	st := &excelize.Style{}
	switch k.format {
	case "", "General":
	case "0":
		st.NumFmt = 1
	case "0.00":
		st.NumFmt = 2
	case "@":
		st.NumFmt = 49
	default:
		format := k.format
		st.CustomNumFmt = &format
	}
	fill := ""
	switch {
	case k.mark == markIncomplete:
		fill = fillIncomplete
	case k.mark == markError:
		fill = fillError
	case k.header:
		fill = fillHeader
	case k.locked:
		fill = fillLocked
	}
	if fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}
	}
	if k.bold || k.header {
		st.Font = &excelize.Font{Bold: true}
	}
	switch {
	case k.title:
		st.Font = &excelize.Font{Bold: true, Size: 16}
		st.Alignment = &excelize.Alignment{Horizontal: "center", Vertical: "center"}
	case k.subtitle:
		st.Alignment = &excelize.Alignment{Horizontal: "center", Vertical: "center"}
	}
	if k.header {
		st.Alignment = &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
		st.Border = []excelize.Border{
			{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
			{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
		}
	} else if k.wrap {
		st.Alignment = &excelize.Alignment{Vertical: "top", WrapText: true}
	}
	if k.unlocked {
		st.Protection = &excelize.Protection{Locked: false}
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	s.ids[k] = id
	return id, nil
}
