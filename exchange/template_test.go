package exchange

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// existing are values a template is made with: they are pre-filled.
var existing = map[string]map[string]any{
	"a": {"target": 1000.0, "actual": int64(1000), "falsified": false, "remark": "=不是公式"},
	"b": {"bonus_pts": schema.Value{Value: 0.5}, "falsified": true, "coverage": 87.5},
	"x": {"target": 1.0}, // not on the roster: ignored
}

func mustTemplate(tb testing.TB, fx *fixture) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, fx.scheme, fx.units, existing, Meta{Revision: 3, Generated: generated, Layer: "self"}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteTemplateXLSX(t *testing.T) {
	fx := mustMini(t)
	f := mustOpen(t, mustTemplate(t, fx))
	if got, want := f.GetSheetList(), []string{"填报", "说明"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	want := [][]string{
		{"迷你考核方案 (exchange tests) — 自评数据填报（修订 3）"},
		{"单位代码", "单位名称", "任务数(人)", "完成数(人)", "差错件数", "加分", "数据造假", "覆盖率(%)", "情况说明"},
		{"unit", "name", "target", "actual", "cases", "bonus_pts", "falsified", "coverage", "remark"},
		{"a", "甲", "1000", "1000", "", "", "否", "", "=不是公式"},
		{"b", "乙", "", "", "", "0.5", "是", "87.5"},
		{"c", "丙"}, {"d", "丁"}, {"e", "戊"}, {"f", "己"}, {"g", "庚"},
	}
	if got := mustRows(t, f, SheetTemplate); !reflect.DeepEqual(got, want) {
		t.Errorf("template sheet:\n got %q\nwant %q", got, want)
	}
	if visible, _ := f.GetRowVisible(SheetTemplate, 3); visible {
		t.Error("the row of codes is visible")
	}
	if panes, _ := f.GetPanes(SheetTemplate); !panes.Freeze || panes.TopLeftCell != "C4" {
		t.Errorf("panes %+v, want frozen at C4", panes)
	}
	prot, err := f.GetSheetProtection(SheetTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if want := (excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true}); prot != want {
		t.Errorf("protection %+v, want %+v", prot, want)
	}
	for cell, locked := range map[string]bool{"A4": true, "B10": true, "C2": true, "C4": false, "I10": false, "G5": false} {
		st := mustCellStyle(t, f, SheetTemplate, cell)
		if got := st.Protection == nil || st.Protection.Locked; got != locked {
			t.Errorf("%s locked = %v, want %v", cell, got, locked)
		}
	}
	if got := formatCode(mustCellStyle(t, f, SheetTemplate, "I4")); got != "@" {
		t.Errorf("a text metric's cells have format %q, want @ (text)", got)
	}
}

func TestWriteTemplateXLSXValidation(t *testing.T) {
	fx := mustMini(t)
	f := mustOpen(t, mustTemplate(t, fx))
	dvs, err := f.GetDataValidations(SheetTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dv := range dvs {
		got = append(got, strings.Join([]string{dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, deref(dv.Error)}, " | "))
	}
	want := []string{
		"C4:C10 | whole | greaterThanOrEqual | 1 |  | 请输入整数，范围 ≥ 1。",
		"D4:D10 | whole | greaterThanOrEqual | 0 |  | 请输入整数，范围 ≥ 0。",
		"E4:E10 | whole | greaterThanOrEqual | 0 |  | 请输入整数，范围 ≥ 0。",
		"F4:F10 | decimal | between | 0 | 5 | 请输入数值，范围 0 ~ 5。",
		`G4:G10 | list |  | "是,否" |  | 请选择“是”或“否”。`,
		"H4:H10 | decimal | between | 0 | 100 | 请输入数值，范围 0 ~ 100。",
		"I4:I10 | textLength | lessThanOrEqual | 10000 |  | 最多 10000 个字符。",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("data validations\n got %q\nwant %q", got, want)
	}
	if dv := dvs[3]; !dv.ShowErrorMessage || deref(dv.Prompt) != "市级以上表彰加分，每项0.5分 范围 0 ~ 5" || deref(dv.PromptTitle) != "加分" {
		t.Errorf("bonus_pts: input message %q %q, error shown %v", deref(dv.PromptTitle), deref(dv.Prompt), dv.ShowErrorMessage)
	}
}

func TestWriteTemplateXLSXNotes(t *testing.T) {
	fx := mustMini(t)
	f := mustOpen(t, mustTemplate(t, fx))
	rows := mustRows(t, f, SheetNotes)
	want := [][]string{
		{"代码", "名称", "类型", "单位", "范围", "默认值", "说明"},
		{"target", "任务数", "整数 integer", "人", "≥ 1"},
		{"actual", "完成数", "整数 integer", "人", "≥ 0"},
		{"cases", "差错件数", "整数 integer", "", "≥ 0", "0"},
		{"bonus_pts", "加分", "数值 number", "", "0 ~ 5", "", "市级以上表彰加分，每项0.5分"},
		{"falsified", "数据造假", "是/否 boolean", "", "是 / 否", "否"},
		{"coverage", "覆盖率", "数值 number", "%", "0 ~ 100", "", "宣传覆盖率"},
		{"remark", "情况说明", "文本 text"},
	}
	if rows[0][0] != "填写说明" || len(rows) != len(notes(i18n.ZH))+1+len(want) {
		t.Fatalf("notes sheet: %q", rows)
	}
	if got := rows[len(notes(i18n.ZH))+1:]; !reflect.DeepEqual(got, want) {
		t.Errorf("metrics on the notes sheet:\n got %q\nwant %q", got, want)
	}
}

// TestTemplateXLSXRoundTrip fills a template as a clerk would — typing over some values,
// clearing none — and reads it back.
func TestTemplateXLSXRoundTrip(t *testing.T) {
	fx := mustMini(t)
	f := mustOpen(t, mustTemplate(t, fx))
	for cell, v := range map[string]any{
		"D4": 998,       // a: actual, over the pre-filled 1000
		"C5": 1000,      // b: target
		"D5": "950",     // b: actual typed as text
		"E5": 1,         // b: cases
		"G6": "否",       // c: falsified
		"F7": 1.5,       // d: bonus_pts
		"H7": 0.1 + 0.2, // d: coverage, with binary noise
		"I7": "三月迟报",    // d: remark
		"G8": true,      // e: a real boolean cell
	} {
		if err := f.SetCellValue(SheetTemplate, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	got, err := ReadValues(b.Bytes(), "模板.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fx.scheme, fx.units)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"a": {"target": 1000.0, "actual": 998.0, "falsified": false, "remark": "=不是公式"},
		"b": {"target": 1000.0, "actual": 950.0, "cases": 1.0, "bonus_pts": 0.5, "falsified": true, "coverage": 87.5},
		"c": {"falsified": false},
		"d": {"bonus_pts": 1.5, "coverage": 0.3, "remark": "三月迟报"},
		"e": {"falsified": true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values\n got %v\nwant %v", got, want)
	}
}

func TestWriteTemplateCSV(t *testing.T) {
	fx := mustMini(t)
	var b bytes.Buffer
	if err := WriteTemplateCSV(&b, fx.scheme, fx.units, existing, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	golden(t, "template.golden.csv", b.Bytes())
	got, err := ReadValues(b.Bytes(), "template.csv", "text/csv", fx.scheme, fx.units)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"a": {"target": 1000.0, "actual": 1000.0, "falsified": false, "remark": "=不是公式"},
		"b": {"bonus_pts": 0.5, "falsified": true, "coverage": 87.5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the template read back as it was written\n got %v\nwant %v", got, want)
	}
}

// TestTemplateCSVRoundTrip fills a CSV template and saves it as Excel does on Chinese
// Windows: GBK, no BOM.
func TestTemplateCSVRoundTrip(t *testing.T) {
	fx := mustMini(t)
	var b bytes.Buffer
	if err := WriteTemplateCSV(&b, fx.scheme, fx.units, nil, i18n.ZH); err != nil {
		t.Fatal(err)
	}
	records := readCSVRecords(t, b.Bytes())
	records[4][2], records[4][3], records[4][6] = "43,750", "25375", "是" // c
	records[8][8] = "无"                                                  // g: remark
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	got, err := ReadValues(mustGBK(t, out.String()), "template.csv", "", fx.scheme, fx.units)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{"c": {"target": 43750.0, "actual": 25375.0, "falsified": true}, "g": {"remark": "无"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values\n got %v\nwant %v", got, want)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
