package exchange

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

type valuesMap = map[string]map[string]any

func TestReadValuesCSV(t *testing.T) {
	fx := mustMini(t)
	tests := []struct {
		name string
		data []byte
		want valuesMap
	}{
		{"OKCodesWithBOM", []byte(bom + "unit,target,actual,falsified\r\na,1000,998,false\r\nb,1000,950,1\r\n"),
			valuesMap{"a": {"target": 1000.0, "actual": 998.0, "falsified": false}, "b": {"target": 1000.0, "actual": 950.0, "falsified": true}}},
		{"OKTitlesWithoutBOM", []byte("单位代码,单位名称,任务数(人),完成数,加分,数据造假\na,甲,1000,998,0.5,是\n"),
			valuesMap{"a": {"target": 1000.0, "actual": 998.0, "bonus_pts": 0.5, "falsified": true}}},
		{"OKGBK", mustGBK(t, "单位代码,单位名称,任务数（人）,情况说明\r\nd,丁,800,三月迟报\r\n"),
			valuesMap{"d": {"target": 800.0, "remark": "三月迟报"}}},
		{"OKTitleRowBlankRowsAndColumns", []byte("迷你考核方案 数据填报,,,,\n\n,,,,\n单位代码,,任务数,,\n,,,,\na,,1000,,\n\n,,,,\nb,,2000\n,,,,\n"),
			valuesMap{"a": {"target": 1000.0}, "b": {"target": 2000.0}}},
		{"OKEmptyCellIsNoValue", []byte("unit,target,actual,remark\na,,998,\nb,,,\n"),
			valuesMap{"a": {"actual": 998.0}}},
		{"OKByName", []byte("单位名称,任务数\n甲,1000\n 乙 ,2000\n"),
			valuesMap{"a": {"target": 1000.0}, "b": {"target": 2000.0}}},
		{"OKCodeBeforeName", []byte("单位代码,单位名称,任务数\na,乙,1000\n,丙,2000\n"),
			valuesMap{"a": {"target": 1000.0}, "c": {"target": 2000.0}}},
		{"OKIgnoredColumns", []byte("序号,单位代码,组别,任务数\n1,a,主功能区,1000\n"),
			valuesMap{"a": {"target": 1000.0}}},
		{"OKNumbers", []byte("unit,target,bonus_pts,coverage\na,\"43,750\",.5,58%\nb,４３７５０,1.5E+00,87.5\nc, 1000 ,+0,0.1\n"),
			valuesMap{"a": {"target": 43750.0, "bonus_pts": 0.5, "coverage": 58.0}, "b": {"target": 43750.0, "bonus_pts": 1.5, "coverage": 87.5},
				"c": {"target": 1000.0, "bonus_pts": 0.0, "coverage": 0.1}}},
		{"OKBooleans", []byte("unit,falsified\na,是\nb,否\nc,TRUE\nd,False\ne,1\nf,0\n"),
			valuesMap{"a": {"falsified": true}, "b": {"falsified": false}, "c": {"falsified": true}, "d": {"falsified": false}, "e": {"falsified": true}, "f": {"falsified": false}}},
		{"OKText", []byte("unit,remark\na,'=SUM(A1)\nb,\"多行\n说明\"\nc,'不是公式\n"),
			valuesMap{"a": {"remark": "=SUM(A1)"}, "b": {"remark": "多行\n说明"}, "c": {"remark": "'不是公式"}}},
		{"OKHeaderCase", []byte("UNIT,TARGET,Actual\nA,1,2\n"),
			valuesMap{"a": {"target": 1.0, "actual": 2.0}}},
		{"OKTabs", []byte("单位代码\t任务数\na\t1000\n"), valuesMap{"a": {"target": 1000.0}}},
		{"OKSemicolons", []byte("unit;target;bonus_pts\na;1000;0.5\n"), valuesMap{"a": {"target": 1000.0, "bonus_pts": 0.5}}},
		{"OKUTF16", mustUTF16(t, "单位代码\t任务数\r\na\t1000\r\n"), valuesMap{"a": {"target": 1000.0}}},
		{"OKHeaderOnly", []byte("unit,target\n"), valuesMap{}},
		{"OKRealGBKFile", mustReadFile(t, "testdata/gbk.csv"),
			valuesMap{"a": {"target": 43750.0, "actual": 25375.0, "falsified": false, "remark": "按时上报"},
				"b": {"target": 1000.0, "actual": 950.0, "falsified": true, "remark": "三月、七月迟报"},
				"c": {"target": 2000.0, "actual": 1900.0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadValues(tt.data, "values.csv", "text/csv", fx.scheme, fx.units)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("values\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestReadValuesProblems lists every kind of problem, each with its whole message.
func TestReadValuesProblems(t *testing.T) {
	fx := mustMini(t)
	tests := []struct {
		name string
		data string
		want []Problem
	}{
		{"ErrUnknownUnit", "unit,target\nzz,1000\n",
			[]Problem{{Row: 2, Column: "A", Unit: "zz", Value: "zz", Message: `unknown unit "zz": not on the scheme's roster`}}},
		{"ErrUnknownUnitName", "单位名称,任务数\n新北区,1000\n",
			[]Problem{{Row: 2, Column: "A", Unit: "新北区", Value: "新北区", Message: `unknown unit "新北区": no unit on the scheme's roster has this name`}}},
		{"ErrUnknownColumn", "unit,target,备注\na,1000,迟报\n",
			[]Problem{{Row: 1, Column: "C", Value: "备注", Message: `unknown column "备注": not a metric code or title of the scheme`}}},
		{"ErrValueWithoutHeader", "unit,target\na,1000,7\nb,1,8\n",
			[]Problem{{Row: 2, Column: "C", Value: "7", Message: "a value in a column without a header: the column matches no metric"}}},
		{"ErrColumnTwice", "unit,target,任务数(人)\na,1,2\n",
			[]Problem{{Row: 1, Column: "C", Metric: "target", Value: "任务数(人)", Message: `column "任务数(人)" repeats metric target, already in column B`}}},
		{"ErrNotANumber", "unit,bonus_pts,coverage\na,一分,N/A\n", []Problem{
			{Row: 2, Column: "B", Metric: "bonus_pts", Unit: "a", Value: "一分", Message: `expected a number, got "一分"`},
			{Row: 2, Column: "C", Metric: "coverage", Unit: "a", Value: "N/A", Message: `expected a number, got "N/A"`},
		}},
		{"ErrNotAFiniteNumber", "unit,bonus_pts,target\na,NaN,1e400\n", []Problem{
			{Row: 2, Column: "B", Metric: "bonus_pts", Unit: "a", Value: "NaN", Message: `expected a number, got "NaN"`},
			{Row: 2, Column: "C", Metric: "target", Unit: "a", Value: "1e400", Message: `expected a whole number, got "1e400"`},
		}},
		{"ErrNotAWholeNumber", "unit,target,cases\na,abc,3.5\n", []Problem{
			{Row: 2, Column: "B", Metric: "target", Unit: "a", Value: "abc", Message: `expected a whole number, got "abc"`},
			{Row: 2, Column: "C", Metric: "cases", Unit: "a", Value: "3.5", Message: "expected a whole number, got 3.5"},
		}},
		{"ErrOutOfRange", "unit,actual,coverage,bonus_pts,target\na,-5,120,5.5,0\n", []Problem{
			{Row: 2, Column: "B", Metric: "actual", Unit: "a", Value: "-5", Message: "-5 is below the minimum 0"},
			{Row: 2, Column: "C", Metric: "coverage", Unit: "a", Value: "120", Message: "120 is above the maximum 100"},
			{Row: 2, Column: "D", Metric: "bonus_pts", Unit: "a", Value: "5.5", Message: "5.5 is above the maximum 5"},
			{Row: 2, Column: "E", Metric: "target", Unit: "a", Value: "0", Message: "0 is below the minimum 1"},
		}},
		{"ErrPercentOnlyForPercent", "unit,bonus_pts\na,5%\n",
			[]Problem{{Row: 2, Column: "B", Metric: "bonus_pts", Unit: "a", Value: "5%", Message: `expected a number, got "5%"`}}},
		{"ErrUnitTwice", "unit,target\na,1\nb,2\na,3\n",
			[]Problem{{Row: 4, Column: "A", Unit: "a", Value: "a", Message: `unit "a" appears twice: first in row 2`}}},
		{"ErrUnitTwiceByName", "单位代码,单位名称,任务数\na,甲,1\n,甲,3\n",
			[]Problem{{Row: 3, Column: "B", Unit: "a", Value: "甲", Message: `unit "a" appears twice: first in row 2`}}},
		{"ErrNotABoolean", "unit,falsified\na,maybe\nb,对\n", []Problem{
			{Row: 2, Column: "B", Metric: "falsified", Unit: "a", Value: "maybe", Message: `expected 是 or 否 (or yes/no, true/false, 1/0), got "maybe"`},
			{Row: 3, Column: "B", Metric: "falsified", Unit: "b", Value: "对", Message: `expected 是 or 否 (or yes/no, true/false, 1/0), got "对"`},
		}},
		{"ErrNoUnit", "unit,target\n,1000\n",
			[]Problem{{Row: 2, Column: "A", Message: "a row with values but no unit code"}}},
		{"ErrTextTooLong", "unit,remark\na," + strings.Repeat("长", schema.MaxTextLength+1) + "\n",
			[]Problem{{Row: 2, Column: "B", Metric: "remark", Unit: "a", Value: strings.Repeat("长", 99) + "…", Message: "the text is longer than 10000 characters"}}},
		{"ErrNoHeader", "a,1000\nb,2000\n",
			[]Problem{{Message: "no header row: none of the first 20 rows has a column 单位代码 (or unit) or 单位名称 (or name) beside another column"}}},
		{"ErrHeaderTooLow", strings.Repeat("说明\n", 20) + "unit,target\na,1\n",
			[]Problem{{Message: "no header row: none of the first 20 rows has a column 单位代码 (or unit) or 单位名称 (or name) beside another column"}}},
		{"ErrMalformed", "unit,target\na,\"1000\nb,2\n",
			[]Problem{{Row: 2, Message: `malformed CSV on line 3, column 5: extraneous or missing " in quoted-field`}}},
		{"ErrBareQuote", "unit,remark\na,5\"\n",
			[]Problem{{Row: 2, Message: `malformed CSV on line 2, column 4: bare " in non-quoted-field`}}},
		{"ErrEmpty", " \r\n", []Problem{{Message: "the file is empty"}}},
		{"ErrBinary", "unit,target\x00\x01\x02", []Problem{{Message: "this is neither an XLSX workbook nor a CSV text file"}}},
		{"ErrEveryProblemOfTheFile", "标题\nunit,target,foo\nzz,x,\na,-1,\na,2,\n", []Problem{
			{Row: 2, Column: "C", Value: "foo", Message: `unknown column "foo": not a metric code or title of the scheme`},
			{Row: 3, Column: "A", Unit: "zz", Value: "zz", Message: `unknown unit "zz": not on the scheme's roster`},
			{Row: 3, Column: "B", Metric: "target", Unit: "zz", Value: "x", Message: `expected a whole number, got "x"`},
			{Row: 4, Column: "B", Metric: "target", Unit: "a", Value: "-1", Message: "-1 is below the minimum 1"},
			{Row: 5, Column: "A", Unit: "a", Value: "a", Message: `unit "a" appears twice: first in row 4`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadValues([]byte(tt.data), "values.csv", "text/csv", fx.scheme, fx.units)
			checkProblems(t, got, err, "csv", tt.want)
		})
	}
}

func TestReadValuesAmbiguous(t *testing.T) {
	s := &formulas.Scheme{Code: "x", Title: "x", Metrics: []formulas.Metric{
		{Code: "m1", Title: "人数", Type: "integer"}, {Code: "m2", Title: "人数", Type: "integer"},
	}}
	units := []formulas.Unit{{Code: "a", Name: "同名"}, {Code: "b", Name: "同名"}}
	tests := []struct {
		name string
		data string
		want []Problem
	}{
		{"ErrTitle", "unit,人数\na,1\n",
			[]Problem{{Row: 1, Column: "B", Value: "人数", Message: `column "人数" matches several metrics (m1, m2): use the metric code`}}},
		{"ErrUnitName", "单位名称,m1\n同名,1\n",
			[]Problem{{Row: 2, Column: "A", Unit: "同名", Value: "同名", Message: `unit name "同名" is ambiguous (a, b): give the unit code`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadValues([]byte(tt.data), "", "", s, units)
			checkProblems(t, got, err, "csv", tt.want)
		})
	}
	t.Run("OKCodes", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,m1,m2\na,1,2\n"), "", "", s, units)
		if err != nil || !reflect.DeepEqual(got, valuesMap{"a": {"m1": 1.0, "m2": 2.0}}) {
			t.Errorf("got %v, %v", got, err)
		}
	})
}

// TestReadValuesTooManyProblems: the list stops at MaxProblems and says how many more.
func TestReadValuesTooManyProblems(t *testing.T) {
	fx := mustMini(t)
	var b strings.Builder
	b.WriteString("unit,target\n")
	for i := range MaxProblems + 5 {
		fmt.Fprintf(&b, "u%d,1\n", i)
	}
	_, err := ReadValues([]byte(b.String()), "", "", fx.scheme, fx.units)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *ImportError", err)
	}
	if len(ie.Problems) != MaxProblems+1 || !reflect.DeepEqual(ie.Problems[MaxProblems], Problem{Message: "and 5 more problems"}) {
		t.Errorf("%d problems, the last %+v", len(ie.Problems), ie.Problems[len(ie.Problems)-1])
	}
}

func TestReadValuesXLSXProblems(t *testing.T) {
	fx := mustMini(t)
	tests := []struct {
		name     string
		data     []byte
		filename string
		want     []Problem
	}{
		{"ErrCells", mustWorkbook(t, "Sheet1", [][]any{
			{"迷你考核方案"},
			{"单位代码", "单位名称", "任务数(人)", "完成数(人)", "数据造假"},
			{"a", "甲", 1000, -3, "是"},
			{"zz", "无", "很多", 5, "maybe"},
		}), "x.xlsx", []Problem{
			{Row: 3, Column: "D", Metric: "actual", Unit: "a", Value: "-3", Message: "-3 is below the minimum 0"},
			{Row: 4, Column: "A", Unit: "zz", Value: "zz", Message: `unknown unit "zz": not on the scheme's roster`},
			{Row: 4, Column: "C", Metric: "target", Unit: "zz", Value: "很多", Message: `expected a whole number, got "很多"`},
			{Row: 4, Column: "E", Metric: "falsified", Unit: "zz", Value: "maybe", Message: `expected 是 or 否 (or yes/no, true/false, 1/0), got "maybe"`},
		}},
		{"ErrNoHeader", mustWorkbook(t, "数据", [][]any{{"a", 1}}), "x.xlsx",
			[]Problem{{Message: "no header row: none of the first 20 rows has a column 单位代码 (or unit) or 单位名称 (or name) beside another column"}}},
		{"ErrTruncated", mustTemplateBytes(t, fx)[:2000], "x.xlsx",
			[]Problem{{Message: "not a readable XLSX workbook: zip: not a valid zip file"}}},
		{"ErrXLS", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "x.xls",
			[]Problem{{Message: "this is an old .xls workbook or a password-protected one: save it as .xlsx without a password, or as CSV"}}},
		{"ErrNamedXLSXNotZip", []byte("unit,target\na,1\n"), "x.xlsx",
			[]Problem{{Message: "the file is named or sent as XLSX but is not a zip archive: it may be truncated, or not a workbook"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadValues(tt.data, tt.filename, "", fx.scheme, fx.units)
			checkProblems(t, got, err, "xlsx", tt.want)
		})
	}
}

// TestReadValuesXLSXSheet: the 填报 sheet is read wherever it is; otherwise the first sheet
// with a header row.
func TestReadValuesXLSXSheet(t *testing.T) {
	fx := mustMini(t)
	f := excelize.NewFile()
	defer f.Close()
	mustSheet(t, f, "Sheet1", [][]any{{"封面"}})
	mustSheet(t, f, "数据", [][]any{{"单位代码", "任务数"}, {"a", 1}})
	got, err := ReadValues(mustWrite(t, f), "", "", fx.scheme, fx.units)
	if err != nil || !reflect.DeepEqual(got, valuesMap{"a": {"target": 1.0}}) {
		t.Errorf("first sheet with a header: got %v, %v", got, err)
	}
	mustSheet(t, f, SheetTemplate, [][]any{{"单位代码", "任务数"}, {"b", 2}})
	got, err = ReadValues(mustWrite(t, f), "", "", fx.scheme, fx.units)
	if err != nil || !reflect.DeepEqual(got, valuesMap{"b": {"target": 2.0}}) {
		t.Errorf("the 填报 sheet: got %v, %v", got, err)
	}
}

// TestReadValuesSchemaError: an import error is a schema Invalid error carrying the problems.
func TestReadValuesSchemaError(t *testing.T) {
	fx := mustMini(t)
	_, err := ReadValues([]byte("unit,target\nzz,1\na,x\n"), "v.csv", "", fx.scheme, fx.units)
	if kind := schema.ErrorKind(err); kind != schema.Invalid {
		t.Fatalf("kind %q, want invalid", kind)
	}
	var se *schema.Error
	if !errors.As(err, &se) {
		t.Fatal("not a *schema.Error")
	}
	want := []schema.Problem{
		{Field: "row 2, column A (unit)", Unit: "zz", Line: 2, Message: `unknown unit "zz": not on the scheme's roster`},
		{Field: "row 3, column B (target)", Unit: "a", Metric: "target", Line: 3, Message: `expected a whole number, got "x"`},
	}
	if !reflect.DeepEqual(se.Problems, want) {
		t.Errorf("schema problems\n got %+v\nwant %+v", se.Problems, want)
	}
	wantMsg := `exchange: the CSV file has 2 problems: row 2, column A (unit): unknown unit "zz": not on the scheme's roster; row 3, column B (target): expected a whole number, got "x"`
	if err.Error() != wantMsg {
		t.Errorf("message\n got %s\nwant %s", err, wantMsg)
	}
}

func checkProblems(tb testing.TB, got valuesMap, err error, format string, want []Problem) {
	tb.Helper()
	if got != nil {
		tb.Errorf("values %v returned with problems: want nothing (all or nothing)", got)
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		tb.Fatalf("error %v, want an *ImportError", err)
	}
	if ie.Format != format {
		tb.Errorf("format %q, want %q", ie.Format, format)
	}
	// A problem names its column's header too (Problem.Header); a case that gives none
	// leaves it unchecked (TestImportProblemHeaders and the goldens check it).
	problems := slices.Clone(ie.Problems)
	for i := range problems {
		if i < len(want) && want[i].Header == "" {
			problems[i].Header = ""
		}
	}
	if !reflect.DeepEqual(problems, want) {
		tb.Errorf("problems\n got %+v\nwant %+v", ie.Problems, want)
	}
}

func mustReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func mustUTF16(tb testing.TB, s string) []byte {
	tb.Helper()
	out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func mustTemplateBytes(tb testing.TB, fx *fixture) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, fx.scheme, fx.units, nil, Meta{}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// mustWorkbook writes a workbook of one sheet with rows.
func mustWorkbook(tb testing.TB, sheet string, rows [][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	mustSheet(tb, f, sheet, rows)
	return mustWrite(tb, f)
}

func mustSheet(tb testing.TB, f *excelize.File, sheet string, rows [][]any) {
	tb.Helper()
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		if _, err := f.NewSheet(sheet); err != nil {
			tb.Fatal(err)
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			tb.Fatal(err)
		}
	}
}

func mustWrite(tb testing.TB, f *excelize.File) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestReadValuesZipBomb: a workbook that would unpack to more than MaxUnzipSize is refused
// before anything is unpacked.
func TestReadValuesZipBomb(t *testing.T) {
	fx := mustMini(t)
	var raw bytes.Buffer
	fw, err := flate.NewWriter(&raw, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 300 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadValues(b.Bytes(), "bomb.xlsx", "", fx.scheme, fx.units)
	checkProblems(t, got, err, "xlsx", []Problem{{Message: "the workbook unpacks to 300 MB, more than the 256 MB allowed"}})
}
