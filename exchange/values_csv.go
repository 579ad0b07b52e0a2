package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/rubric-dev/rubric/formulas"
)

// readCSV reads the values of a CSV file; ctx stops the reading.
func readCSV(ctx context.Context, data []byte, s *formulas.Scheme, units []formulas.Unit) (map[string]map[string]any, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fileProblem("csv", err.Error())
	}
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, fileProblem("csv", "this is neither an XLSX workbook nor a CSV text file")
	}
	im := newImporter(ctx, "csv", s, units)
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for n := 1; ; n++ {
		record, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			msg := err.Error()
			if errors.As(err, &pe) {
				msg = fmt.Sprintf("malformed CSV on line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
			}
			im.add(Problem{Row: n, Message: msg})
			break
		}
		im.row(n, record)
		if im.gaveUp() || im.stopped() {
			break
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	im.finish()
	if !im.found() {
		im.add(noHeader())
	}
	return im.result()
}

// decodeText returns a CSV file's text as UTF-8: a UTF-8 byte order mark is dropped, UTF-16
// with a byte order mark is decoded, valid UTF-8 is kept, and anything else is read as
// GB18030 (a superset of GBK and GB2312), which Excel and WPS write on Chinese Windows.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte(bom)):
		return data[len(bom):], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("the file starts like UTF-16 text but is not: %v", err)
		}
		return out, nil
	case utf8.Valid(data):
		return data, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("the file is neither UTF-8 nor GBK/GB18030 text: %v", err)
	}
	return out, nil
}

// sniffComma guesses the separator of a CSV file from its first lines: a comma, unless tabs
// (Excel's "Unicode text") or semicolons (Excel in some locales) are more frequent.
func sniffComma(text []byte) rune {
	lines := bytes.SplitN(text, []byte("\n"), 11)
	if len(lines) > 10 {
		lines = lines[:10]
	}
	sample := bytes.Join(lines, nil)
	comma := bytes.Count(sample, []byte(","))
	tab := bytes.Count(sample, []byte("\t"))
	semi := bytes.Count(sample, []byte(";"))
	switch {
	case tab > comma && tab >= semi:
		return '\t'
	case semi > comma:
		return ';'
	}
	return ','
}
