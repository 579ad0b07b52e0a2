package exchange

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var generated = time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func mustResultsBook(tb testing.TB) *excelize.File {
	tb.Helper()
	fx := mustMini(tb)
	var b bytes.Buffer
	if err := WriteXLSX(&b, fx.program, fx.results, Meta{Revision: 3, Generated: generated, Layer: "final"}); err != nil {
		tb.Fatal(err)
	}
	return mustOpen(tb, b.Bytes())
}

func TestWriteXLSXSheets(t *testing.T) {
	f := mustResultsBook(t)
	if got, want := f.GetSheetList(), []string{SheetResults, SheetErrors, SheetFormulas}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet %d, want 0 (results)", got)
	}
}

// TestWriteXLSXResults reads back the whole results sheet: the two title rows, the two
// header rows, one row per unit, the totals and averages. 合计 is under points and money
// (补助, 元), not under the rate (完成率, %). 平均 is over the 5 units with a total (f is
// incomplete, g has an error), worked by hand: 参保 (15+14+14+15+10.55)/5 = 13.71, 质量
// (10+6+0+0+10)/5 = 5.2 (not 46/7), 加分 3.5/5 = 0.7, 补助 (200+190+380+163.2+5075)/5 = 1201.64.
func TestWriteXLSXResults(t *testing.T) {
	f := mustResultsBook(t)
	want := [][]string{
		{"迷你考核方案 (exchange tests) 考核结果汇总表"},
		{"考核\u3000第 3 版\u3000生成时间 2026-11-27 09:30 (UTC+8)"},
		{"单位代码", "单位名称", "组别", "参保(15)", "", "", "质量(10)", "加分(2)", "扣分", "完成率(%)", "奖项", "补助(元)", "总分", "等次", "排名", "组内排名"},
		{"", "", "", "小计(15)", "完成率(10)", "组内排名(5)"},
		{"a", "甲", "主功能区", "15", "10", "5", "10", "2", "0", "100", "一等奖", "200", "27", "优", "1", "1"},
		{"b", "乙", "主功能区", "14", "9.5", "4.5", "6", "0.5", "0", "95", "", "190", "20.5", "良", "2", "2"},
		{"c", "丙", "主功能区", "14", "9.5", "4.5", "0", "0", "0", "95", "", "380", "14", "差", "4", "3"},
		{"d", "丁", "镇", "15", "10", "5", "0", "1", "1", "102", "", "163.2", "15", "良", "3", "1"},
		{"e", "戊", "镇", "10.55", "5.8", "4.75", "10", "0", "0", "58", "", "5075", "0", "差", "5", "2"},
		{"f", "己", "镇", "", "", "", "10", "0", "0"},
		{"g", "庚", "镇", "", "", "", "10", "0", "0", "", "", "2"},
		{"合计", "7 个单位", "", "68.55", "44.8", "23.75", "46", "3.5", "1", "", "", "6010.2", "76.5"},
		{"平均", "5 个完整单位", "", "13.71", "8.96", "4.75", "5.2", "0.7", "0.2", "90", "", "1201.64", "15.3"},
	}
	if got := mustRows(t, f, SheetResults); !reflect.DeepEqual(got, want) {
		t.Errorf("results sheet:\n got %q\nwant %q", got, want)
	}
}

func TestWriteXLSXHeader(t *testing.T) {
	f := mustResultsBook(t)
	merged, err := f.GetMergeCells(SheetResults)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range merged {
		got = append(got, m.GetStartAxis()+":"+m.GetEndAxis()+" "+m.GetCellValue())
	}
	want := []string{"A1:P1 迷你考核方案 (exchange tests) 考核结果汇总表", "A2:P2 考核\u3000第 3 版\u3000生成时间 2026-11-27 09:30 (UTC+8)",
		"A3:A4 单位代码", "B3:B4 单位名称", "C3:C4 组别", "D3:F3 参保(15)", "G3:G4 质量(10)", "H3:H4 加分(2)",
		"I3:I4 扣分", "J3:J4 完成率(%)", "K3:K4 奖项", "L3:L4 补助(元)", "M3:M4 总分", "N3:N4 等次", "O3:O4 排名", "P3:P4 组内排名"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged cells\n got %q\nwant %q", got, want)
	}
	panes, err := f.GetPanes(SheetResults)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 2 || panes.YSplit != 4 || panes.TopLeftCell != "C5" {
		t.Errorf("panes %+v: want the title and header rows and the unit's code and name frozen", panes)
	}
	// Widths fit Chinese titles: 组内排名(5) is 4×2+3 wide, plus a margin of 2.
	for col, want := range map[string]float64{"A": 10, "F": 13, "J": 11, "N": 6} {
		if got, err := f.GetColWidth(SheetResults, col); err != nil || got != want {
			t.Errorf("width of column %s = %v, %v; want %v", col, got, err, want)
		}
	}
}

// TestWriteXLSXNumbers: numbers are stored as numbers, formatted from their column's
// precision and unit: points with the scheme's precision (0.00), the rate (unit %, no
// precision of its own) as 0.00"%" — pct() is already ×100, so not Excel's 0.00% — money
// (补助, 元, precision 2) with thousands separators; marked cells are filled. 合计 is a SUM,
// absent under the rate; 平均 averages the units with a total (AVERAGEIFS on 总分).
func TestWriteXLSXNumbers(t *testing.T) {
	f := mustResultsBook(t)
	tests := []struct {
		cell    string
		number  bool
		format  string
		fill    string
		formula string
	}{
		{cell: "A5", format: "General"},
		{cell: "D5", number: true, format: "0.00"},
		{cell: "E6", number: true, format: "0.00"},
		{cell: "J5", number: true, format: `0.00"%"`},
		{cell: "L8", number: true, format: "#,##0.00"},
		{cell: "M5", number: true, format: "0.00"},
		{cell: "O5", number: true, format: "0"},
		{cell: "A10", format: "General", fill: fillIncomplete}, // f is incomplete
		{cell: "D10", format: "0.00", fill: fillIncomplete},    // its null points
		{cell: "M10", format: "0.00", fill: fillIncomplete},    // its total
		{cell: "G10", number: true, format: "0.00"},            // a cell it has
		{cell: "A11", format: "General", fill: fillError},      // g has a cell error
		{cell: "J11", format: `0.00"%"`, fill: fillError},      // rate: pct of 0
		{cell: "D12", number: true, format: "0.00", formula: "SUM(D5:D11)"},
		{cell: "J12", format: "General"}, // no sum of a rate
		{cell: "J13", number: true, format: `0.00"%"`, formula: `AVERAGEIFS(J5:J11,$M$5:$M$11,"<>")`},
		{cell: "M13", number: true, format: "0.00", formula: "AVERAGE(M5:M11)"},
		{cell: "L12", number: true, format: "#,##0.00", formula: "SUM(L5:L11)"},
		{cell: "G13", number: true, format: "0.00", formula: `AVERAGEIFS(G5:G11,$M$5:$M$11,"<>")`},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			typ, err := f.GetCellType(SheetResults, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := f.GetCellValue(SheetResults, tt.cell, excelize.Options{RawCellValue: true})
			if got := (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber) && v != ""; got != tt.number {
				t.Errorf("cell type %v (value %q): number = %v, want %v", typ, v, got, tt.number)
			}
			st := mustCellStyle(t, f, SheetResults, tt.cell)
			if got := formatCode(st); got != tt.format {
				t.Errorf("number format %q, want %q", got, tt.format)
			}
			if got := fillColor(st); got != tt.fill {
				t.Errorf("fill %q, want %q", got, tt.fill)
			}
			if got, _ := f.GetCellFormula(SheetResults, tt.cell); got != tt.formula {
				t.Errorf("formula %q, want %q", got, tt.formula)
			}
		})
	}
}

func TestWriteXLSXErrorsSheet(t *testing.T) {
	f := mustResultsBook(t)
	want := [][]string{
		{"单位代码", "单位名称", "列", "代码", "单元格", "说明"},
		{"f", "己", "总分", "total", "M10", "数据不全：缺少 完成数 (actual)"},
		{"g", "庚", "完成率", "rate", "J11", "pct: the base is 0"},
	}
	if got := mustRows(t, f, SheetErrors); !reflect.DeepEqual(got, want) {
		t.Errorf("errors sheet:\n got %q\nwant %q", got, want)
	}
}

func TestWriteXLSXFormulasSheet(t *testing.T) {
	f := mustResultsBook(t)
	want := [][]string{
		{"代码", "名称", "类型", "满分", "单位", "公式", "评分标准", "备查材料"},
		{"enrol", "参保", "分类 计分 score", "15"},
		{"done", "\u3000完成率", "计分 score", "10", "", "10 - 0.1 * ceil(below(rate, 100))", "完成率每低1个百分点扣0.1分", "参保名册"},
		{"place", "\u3000组内排名", "计分 score", "5", "", `5 - (rank(rate, unit.group) - 1) * (unit.group == "主功能区" ? 0.5 : 0.25)`},
		{"quality", "质量", "计分 score", "10", "", "10 - 4 * cases"},
		{"extra", "加分", "加分 bonus", "2", "", "bonus_pts"},
		{"penalty", "扣分", "扣分 deduction", "", "", "cases > 3 ? 1 : 0"},
		nil,
		{"输出 outputs"},
		{"rate", "完成率", "输出 output", "", "%", "pct(actual, target)"},
		{"award", "奖项", "输出 output", "", "", `rank(total) == 1 ? "一等奖" : ""`},
		{"subsidy", "补助", "输出 output", "", "元", "actual * params.fee / 100"},
		nil,
		{"一票否决 veto"},
		{"veto", "一票否决", "一票否决 veto", "", "", "falsified"},
		nil,
		{"参数 params"},
		{"params.fee", "", "参数 param", "20"},
		nil,
		{"等次 grades"},
		{"", "优", "≥ 25", "25"},
		{"", "良", "≥ 15", "15"},
		{"", "差", "≥ 0", "0"},
	}
	if got := mustRows(t, f, SheetFormulas); !reflect.DeepEqual(got, want) {
		t.Errorf("formulas sheet:\n got %q\nwant %q", got, want)
	}
}

func TestWriteXLSXProperties(t *testing.T) {
	f := mustResultsBook(t)
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	want := excelize.DocProperties{
		Title: "迷你考核方案 (exchange tests)", Subject: "考核结果", Creator: "rubric", Keywords: "mini", Category: "final",
		Revision: "3", Version: "3", Created: "2026-11-27T01:30:00Z", Modified: "2026-11-27T01:30:00Z",
		Description: "scheme mini, revision 3, layer final, generated 2026-11-27T01:30:00Z",
	}
	if *props != want {
		t.Errorf("document properties\n got %+v\nwant %+v", *props, want)
	}
	custom, err := f.GetCustomProps()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, c := range custom {
		got[c.Name] = c.Value
	}
	wantCustom := map[string]any{"scheme": "mini", "revision": int32(3), "layer": "final", "generated": generated.UTC()}
	if !reflect.DeepEqual(got, wantCustom) {
		t.Errorf("custom properties\n got %#v\nwant %#v", got, wantCustom)
	}
}

// TestWriteXLSXEmpty: a sheet of no units still has its headers and no totals formulas.
func TestWriteXLSXEmpty(t *testing.T) {
	fx := mustMini(t)
	var b bytes.Buffer
	if err := WriteXLSX(&b, fx.program, nil, Meta{}); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, b.Bytes())
	rows := mustRows(t, f, SheetResults)
	if len(rows) != 6 || rows[4][0] != "合计" || len(rows[4]) != 2 || rows[5][0] != "平均" {
		t.Errorf("rows of an empty sheet: %q", rows)
	}
}

func mustCellStyle(tb testing.TB, f *excelize.File, sheet, cell string) *excelize.Style {
	tb.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// formatCode is a style's number format code.
func formatCode(st *excelize.Style) string {
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	switch st.NumFmt {
	case 0:
		return "General"
	case 1:
		return "0"
	case 2:
		return "0.00"
	case 49:
		return "@"
	}
	return "builtin " + string(rune('0'+st.NumFmt))
}

func fillColor(st *excelize.Style) string {
	if len(st.Fill.Color) == 0 {
		return ""
	}
	return st.Fill.Color[0]
}
