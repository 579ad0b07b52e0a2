package exchange

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rubric-dev/rubric/formulas"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixture is the mini scheme of testdata/mini.json, compiled and evaluated.
type fixture struct {
	scheme  *formulas.Scheme
	program *formulas.Program
	units   []formulas.Unit
	rows    []formulas.Row
	results []formulas.Result
}

func mustMini(tb testing.TB) *fixture {
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
	p, _, err := formulas.Compile(&doc.Scheme)
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{scheme: p.Scheme(), program: p, rows: doc.Rows}
	for i := range doc.Rows {
		row := &doc.Rows[i]
		for k, v := range row.Values {
			if n, ok := v.(float64); ok {
				row.Values[k] = n
			}
		}
		fx.units = append(fx.units, row.Unit)
	}
	fx.results = p.Evaluate(doc.Rows).Results()
	return fx
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from the output:\n got: %q\nwant: %q", path, got, want)
	}
}

// mustOpen opens a workbook written to buf.
func mustOpen(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// mustRows returns the rows of a sheet, raw values.
func mustRows(tb testing.TB, f *excelize.File, sheet string) [][]string {
	tb.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// mustGBK encodes s in GBK, as Excel saves a CSV on Chinese Windows.
func mustGBK(tb testing.TB, s string) []byte {
	tb.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	if utf8.Valid(out) {
		tb.Fatalf("the GBK text of %q is valid UTF-8: not a test of GBK", s)
	}
	return out
}
