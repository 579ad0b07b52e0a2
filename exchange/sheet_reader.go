package exchange

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxSheetRows is the most rows a worksheet has (Excel's limit): a row numbered beyond it is
// a broken file.
const maxSheetRows = 1 << 20

// maxSheetColumns is the most columns a worksheet has (XFD).
const maxSheetColumns = 16384

// sheetCell is one cell a worksheet holds: its 0-based column and its text (for a number the
// number as stored, for a shared string the string, for a boolean 1 or 0).
type sheetCell struct {
	col  int
	text string
}

// workbook is an XLSX package opened for reading its worksheets as they are stored: only the
// cells the file holds, never padded to the last column of a row (a row with one cell at XFD
// is one cell, not 16,384; issue 11).
type workbook struct {
	zr      *zip.Reader
	budget  int64             // the most bytes of XML a sheet or the shared strings may have
	sheets  []string          // names, in workbook order
	paths   map[string]string // name → the part of its XML
	strings []string          // shared strings
}

// openWorkbook reads the workbook's sheet list and shared strings; budget bounds the XML of
// each sheet and of the shared strings, in bytes.
func openWorkbook(zr *zip.Reader, budget int64) (*workbook, error) {
	wb := &workbook{zr: zr, paths: map[string]string{}, budget: budget}
	rels := map[string]string{}
	if err := wb.decode("xl/_rels/workbook.xml.rels", func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "Relationship" {
			rels[attr(se, "Id")] = attr(se, "Target")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := wb.decode("xl/workbook.xml", func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "sheet" {
			return nil
		}
		name, target := attr(se, "name"), rels[attrNS(se, "id")]
		if name == "" || target == "" {
			return nil
		}
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join("xl", target)
		}
		wb.sheets = append(wb.sheets, name)
		wb.paths[name] = target
		return nil
	}); err != nil {
		return nil, err
	}
	if wb.find("xl/sharedStrings.xml") != nil {
		if err := wb.decode("xl/sharedStrings.xml", func(d *xml.Decoder, se xml.StartElement) error {
			if se.Name.Local != "si" {
				return nil
			}
			s, err := inlineText(d, "si")
			wb.strings = append(wb.strings, s)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// find returns the zip entry of a part, nil if there is none.
func (wb *workbook) find(name string) *zip.File {
	for _, f := range wb.zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// decode streams a part's XML, calling fn at each start element.
func (wb *workbook) decode(name string, fn func(d *xml.Decoder, se xml.StartElement) error) error {
	f := wb.find(name)
	if f == nil {
		return fmt.Errorf("no %s in the package", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(&budgetReader{r: rc, left: wb.budget})
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err // says what is wrong in the words of a sheet
			}
		}
	}
}

// errStop ends the reading of a sheet early.
var errStop = errors.New("stop")

// rows streams the rows of a sheet: fn gets each row's 1-based number and the cells it holds,
// in column order; it returns false to stop. A sheet of more than maxCells cells, empty ones
// included, is an error once they are counted.
func (wb *workbook) rows(sheet string, maxCells int, fn func(n int, cells []sheetCell) bool) error {
	var cells []sheetCell
	n, seen := 0, 0
	err := wb.decode(wb.paths[sheet], func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "row" {
			return nil
		}
		if r, err := strconv.Atoi(attr(se, "r")); err == nil && r > n {
			n = r
		} else {
			n++
		}
		if n > maxSheetRows {
			return fmt.Errorf("row %d is beyond the last row of a worksheet (%d)", n, maxSheetRows)
		}
		cells = cells[:0]
		col := -1
		for {
			tok, err := d.Token()
			if err != nil {
				return err
			}
			if ee, ok := tok.(xml.EndElement); ok && ee.Name.Local == "row" {
				break
			}
			c, ok := tok.(xml.StartElement)
			if !ok || c.Name.Local != "c" {
				continue
			}
			col++
			if seen++; seen > maxCells {
				return fmt.Errorf("the sheet holds more than %d cells, more than a filled-in template of the scheme can", maxCells)
			}
			if ref := attr(c, "r"); ref != "" {
				j, err := columnOf(ref)
				if err != nil {
					return err
				}
				col = j
			}
			if col >= maxSheetColumns {
				return fmt.Errorf("cell %s is beyond the last column of a worksheet", attr(c, "r"))
			}
			text, err := wb.cellText(d, c)
			if err != nil {
				return err
			}
			if text != "" {
				cells = append(cells, sheetCell{col: col, text: text})
			}
		}
		if !fn(n, cells) {
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// cellText reads the value of a <c> element.
func (wb *workbook) cellText(d *xml.Decoder, c xml.StartElement) (string, error) {
	typ := attr(c, "t")
	var v string
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "c" {
				if typ == "s" {
					i, err := strconv.Atoi(strings.TrimSpace(v))
					if err != nil || i < 0 || i >= len(wb.strings) {
						return "", fmt.Errorf("cell %s refers to shared string %q, which the workbook does not have", attr(c, "r"), v)
					}
					return wb.strings[i], nil
				}
				return v, nil
			}
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				if err := d.DecodeElement(&v, &t); err != nil {
					return "", err
				}
			case "is":
				if v, err = inlineText(d, "is"); err != nil {
					return "", err
				}
			default:
				if err := d.Skip(); err != nil { // <f> and extensions
					return "", err
				}
			}
		}
	}
}

// inlineText reads the text of a string item (<si> or <is>) up to its end element: its <t>, or
// the <t> of each rich-text run, leaving out phonetic runs (<rPh>).
func inlineText(d *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				var s string
				if err := d.DecodeElement(&s, &t); err != nil {
					return "", err
				}
				b.WriteString(s)
			case "rPh":
				if err := d.Skip(); err != nil {
					return "", err
				}
			}
		case xml.EndElement:
			if t.Name.Local == end {
				return b.String(), nil
			}
		}
	}
}

// columnOf is the 0-based column of a cell reference such as "XFD7".
func columnOf(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxSheetColumns {
			return 0, fmt.Errorf("cell %s is beyond the last column of a worksheet", ref)
		}
	}
	if i == 0 {
		return 0, fmt.Errorf("cell reference %q has no column", ref)
	}
	return col - 1, nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// attrNS is an attribute in any namespace (r:id).
func attrNS(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// budgetReader reads at most left bytes, then fails: reading XML costs microseconds a cell,
// and a sheet far larger than a filled-in template can be is refused before seconds are
// spent on it (issue 11).
type budgetReader struct {
	r    io.Reader
	left int64
	read int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, fmt.Errorf("the part is larger than %d MB of XML, more than a filled-in template of the scheme can be", b.read>>20)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	b.read += int64(n)
	return n, err
}
