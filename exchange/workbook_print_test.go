package exchange

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
)

// printScheme is a scheme with no grades and no groups, precision 1, and outputs of each
// measure: a rate (%), money in 元 (precision 0) and 万元 (precision 2), a count (个,
// precision 0) and a boolean; its one item has a long criterion.
var printScheme = `{
 "code": "print", "title": "打印测试方案", "precision": 1,
 "metrics": [
  {"code": "cases", "title": "案件数", "type": "integer", "unit": "件"},
  {"code": "target", "title": "任务数", "type": "integer", "min": 1},
  {"code": "paid", "title": "拨付金额", "type": "number", "unit": "元"}
 ],
 "items": [
  {"code": "work", "title": "办案", "max_points": 10, "formula": "min(10, cases)",
   "criteria": "` + longCriteria + `"}
 ],
 "outputs": [
  {"code": "rate", "title": "完成率", "unit": "%", "formula": "pct(cases, target)"},
  {"code": "fund", "title": "拨付", "unit": "元", "precision": 0, "formula": "paid"},
  {"code": "fund_w", "title": "拨付", "unit": "万元", "precision": 2, "formula": "paid / 10000"},
  {"code": "n", "title": "案件", "unit": "个", "precision": 0, "formula": "cases"},
  {"code": "met", "title": "达标", "formula": "cases >= 5"}
 ]
}`

// longCriteria is 150 Chinese characters: 300 wide, 6 lines in the criteria column (60 wide).
var longCriteria = strings.Repeat("每办结一件计一分，最高十分。", 10) + strings.Repeat("满", 10)

// printBook writes the results of printScheme for three units — u1 and u2 complete, u3
// without a target (incomplete: no total) — in l.
func printBook(t *testing.T, l i18n.Lang) *excelize.File {
	t.Helper()
	var s formulas.Scheme
	if err := json.Unmarshal([]byte(printScheme), &s); err != nil {
		t.Fatal(err)
	}
	p, _, err := formulas.Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	rows := []formulas.Row{
		{Unit: formulas.Unit{Code: "u1", Name: "一镇"}, Values: map[string]any{"cases": 8.0, "target": 10.0, "paid": 1234567.0}},
		{Unit: formulas.Unit{Code: "u2", Name: "二镇"}, Values: map[string]any{"cases": 5.0, "target": 20.0, "paid": 2000.0}},
		{Unit: formulas.Unit{Code: "u3", Name: "三镇"}, Values: map[string]any{"cases": 3.0, "paid": 500.5}},
	}
	var b bytes.Buffer
	at := time.Date(2026, 12, 1, 2, 5, 0, 0, time.UTC)
	if err := WriteXLSX(&b, p, p.Evaluate(rows).Results(), Meta{Revision: 4, Generated: at, Layer: "final", Lang: l}); err != nil {
		t.Fatal(err)
	}
	return mustOpen(t, b.Bytes())
}

// TestWorkbookPrints reads back a results workbook as it prints, in Chinese and English:
// sheet names, the title rows, the header without the empty 等次, 组别 and 组内排名 (no grades,
// no groups), the number formats of each measure, the sums only under points, money and
// counts, the averages over the 2 complete units (worked by hand below), booleans, print
// titles and the wrapped criterion.
func TestWorkbookPrints(t *testing.T) {
	for _, tt := range []struct {
		lang                        i18n.Lang
		sheets                      []string
		title, sub                  string
		header                      []string
		sum, sumUnits, avg, avgUnit string
		yes, no                     string
		formulasHead                string
	}{
		{
			lang: i18n.ZH, sheets: []string{"考核结果", "错误", "计分公式"},
			title: "打印测试方案 考核结果汇总表", sub: "考核\u3000第 4 版\u3000生成时间 2026-12-01 10:05 (UTC+8)",
			header: []string{"单位代码", "单位名称", "办案(10)", "完成率(%)", "拨付(元)", "拨付(万元)", "案件(个)", "达标", "总分", "排名"},
			sum:    "合计", sumUnits: "3 个单位", avg: "平均", avgUnit: "2 个完整单位", yes: "是", no: "否", formulasHead: "评分标准",
		},
		{
			lang: i18n.EN, sheets: []string{"Results", "Errors", "Formulas"},
			title: "打印测试方案 results summary", sub: "assessment, revision 4, made 2026-12-01 10:05 (UTC+8)",
			header: []string{"Unit code", "Unit name", "办案(10)", "完成率(%)", "拨付(元)", "拨付(万元)", "案件(个)", "达标", "Total", "Rank"},
			sum:    "Sum", sumUnits: "3 units", avg: "Average", avgUnit: "2 complete units", yes: "yes", no: "no", formulasHead: "Criteria",
		},
	} {
		t.Run(tt.lang.String(), func(t *testing.T) {
			f := printBook(t, tt.lang)
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tt.sheets) {
				t.Fatalf("sheets %q, want %q", got, tt.sheets)
			}
			sheet := tt.sheets[0]
			rows := mustRows(t, f, sheet)
			// Hand-worked: work = min(10, cases) = 8, 5, 3; u3 has no target, so no rate and
			// no total. Outputs are rounded to their precision: fund 500.5 → 501, fund_w
			// 123.4567 → 123.46, 0.05005 → 0.05. Sums over all 3 units: work 16, fund
			// 1234567+2000+501 = 1237068, fund_w 123.46+0.2+0.05 = 123.71, n 16, total 13; none
			// under the rate or the rank. Averages over u1 and u2 only: work (8+5)/2 = 6.5, rate
			// (80+25)/2 = 52.5, fund 1236567/2 = 618283.5, fund_w 123.66/2 = 61.83, n 6.5,
			// total 6.5 — where an average of all 3 would say work 16/3 = 5.33.
			want := [][]string{
				{tt.title},
				{tt.sub},
				tt.header,
				{"", "", "", "", "", "", "", "", "", ""},
				{"u1", "一镇", "8", "80", "1234567", "123.46", "8", tt.yes, "8", "1"},
				{"u2", "二镇", "5", "25", "2000", "0.2", "5", tt.yes, "5", "2"},
				{"u3", "三镇", "3", "", "501", "0.05", "3", tt.no},
				{tt.sum, tt.sumUnits, "16", "", "1237068", "123.71", "16", "", "13"},
				{tt.avg, tt.avgUnit, "6.5", "52.5", "618283.5", "61.83", "6.5", "", "6.5"},
			}
			if len(rows) > 3 && len(rows[3]) == 0 {
				want[3] = nil // the second header row holds styles only
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("results sheet:\n got %q\nwant %q", rows, want)
			}
			formats := map[string]string{
				"C5": "0.0", "D5": `0.0"%"`, "E5": "#,##0", "F5": "#,##0.00", "G5": "#,##0", "I5": "0.0", "J5": "0",
				"C8": "0.0", "E8": "#,##0", "I9": "0.0", "D9": `0.0"%"`,
			}
			for cell, want := range formats {
				if got := formatCode(mustCellStyle(t, f, sheet, cell)); got != want {
					t.Errorf("%s: number format %q, want %q", cell, got, want)
				}
			}
			// As printed: the thousands separator, the precision, the rate's sign.
			for cell, want := range map[string]string{"E5": "1,234,567", "E8": "1,237,068", "C9": "6.5", "D5": "80.0%", "F9": "61.83"} {
				if got, err := f.GetCellValue(sheet, cell); err != nil || got != want {
					t.Errorf("%s shows %q (%v), want %q", cell, got, err, want)
				}
			}
			for cell, want := range map[string]string{
				"C8": "SUM(C5:C7)", "D8": "", "H8": "", "J8": "",
				"C9": `AVERAGEIFS(C5:C7,$I$5:$I$7,"<>")`, "D9": `AVERAGEIFS(D5:D7,$I$5:$I$7,"<>")`, "I9": "AVERAGE(I5:I7)",
			} {
				if got, _ := f.GetCellFormula(sheet, cell); got != want {
					t.Errorf("%s: formula %q, want %q", cell, got, want)
				}
			}
			found := false
			for _, dn := range f.GetDefinedName() {
				if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet {
					found = dn.RefersTo == "'"+sheet+"'!$A:$B,'"+sheet+"'!$3:$4"
				}
			}
			if !found {
				t.Errorf("no print titles repeating rows 3:4 and columns A:B: %+v", f.GetDefinedName())
			}

			// The formulas sheet: the criterion wraps, in a row 6 lines high.
			fs := tt.sheets[2]
			if got, _ := f.GetCellValue(fs, "G1"); got != tt.formulasHead {
				t.Errorf("formulas sheet G1 = %q, want %q", got, tt.formulasHead)
			}
			if got, _ := f.GetCellValue(fs, "G2"); got != longCriteria {
				t.Errorf("G2 = %q", got)
			}
			if st := mustCellStyle(t, f, fs, "G2"); st.Alignment == nil || !st.Alignment.WrapText {
				t.Error("the criterion does not wrap")
			}
			if h, err := f.GetRowHeight(fs, 2); err != nil || h != rowHeight(6) {
				t.Errorf("the criterion's row is %v high (%v), want %v (6 lines)", h, err, rowHeight(6))
			}
			if w, err := f.GetColWidth(fs, "G"); err != nil || w != 60 {
				t.Errorf("the criteria column is %v wide (%v), want 60", w, err)
			}
		})
	}
}

// TestWriteXLSXPublicationSameBytes: a publication's workbook is the same bytes each time it
// is written (excelize alone writes its parts in a random order).
func TestWriteXLSXPublicationSameBytes(t *testing.T) {
	fx := mustMini(t)
	meta := Meta{Revision: 3, Generated: generated, Layer: "final", Stamp: &Stamp{Number: 2, At: generated, Hash: strings.Repeat("ab", 32)}}
	var first bytes.Buffer
	if err := WriteXLSX(&first, fx.program, fx.results, meta); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		var again bytes.Buffer
		if err := WriteXLSX(&again, fx.program, fx.results, meta); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), first.Bytes()) {
			t.Fatal("the publication's workbook differs from one write to the next")
		}
	}
	rows := mustRows(t, mustOpen(t, first.Bytes()), SheetResults)
	if got, want := rows[1][0], "考核\u3000第 3 版\u3000第2次公布\u3000公布时间 2026-11-27 09:30 (UTC+8)"; got != want {
		t.Errorf("subtitle %q, want %q", got, want)
	}
}

// TestWorkbookAveragedCounts: a complete unit whose output is a cell error (u2 divides by
// zero) has a total but no value in that column, so the output's average is over fewer units
// than the 平均 row names; a row under it says how many units each average is over, and the
// publication's stamp moves down a row. Worked by hand: work = min(10, a) = 8, 6, 4, average
// 18/3 = 6; per = a / b = 4, error, 1, average (4+1)/2 = 2.5 over 2 units, not 5/3.
func TestWorkbookAveragedCounts(t *testing.T) {
	var s formulas.Scheme
	doc := `{"code": "avg", "title": "平均测试", "precision": 1,
	 "metrics": [{"code": "a", "title": "甲", "type": "number"}, {"code": "b", "title": "乙", "type": "number"}],
	 "items": [{"code": "work", "title": "工作", "max_points": 10, "formula": "min(10, a)"}],
	 "outputs": [{"code": "per", "title": "人均", "formula": "a / b"}]}`
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	p, _, err := formulas.Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	rows := []formulas.Row{
		{Unit: formulas.Unit{Code: "u1", Name: "一镇"}, Values: map[string]any{"a": 8.0, "b": 2.0}},
		{Unit: formulas.Unit{Code: "u2", Name: "二镇"}, Values: map[string]any{"a": 6.0, "b": 0.0}},
		{Unit: formulas.Unit{Code: "u3", Name: "三镇"}, Values: map[string]any{"a": 4.0, "b": 4.0}},
	}
	var b bytes.Buffer
	meta := Meta{Revision: 1, Generated: generated, Layer: "final", Stamp: &Stamp{Number: 1, At: generated, Hash: strings.Repeat("ab", 32)}}
	if err := WriteXLSX(&b, p, p.Evaluate(rows).Results(), meta); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, b.Bytes())
	got := mustRows(t, f, SheetResults)
	want := map[int][]string{
		5:  {"u1", "一镇", "8", "4", "8", "1"},
		6:  {"u2", "二镇", "6", "", "6", "2"},
		8:  {"合计", "3 个单位", "18", "", "18"},
		9:  {"平均", "3 个完整单位", "6", "2.5", "6"},
		10: {"参与平均的单位数", "", "3", "2", "3"},
		11: nil,
	}
	for n, w := range want {
		if n > len(got) || !reflect.DeepEqual(got[n-1], w) {
			t.Errorf("row %d: %q, want %q", n, rowAt(got, n), w)
		}
	}
	if len(got) < 12 || len(got[11]) < 2 || got[11][0] != "公布" || got[11][1] != "第1次" {
		t.Errorf("row 12 (the stamp): %q", rowAt(got, 12))
	}
	if f, _ := f.GetCellFormula(SheetResults, "D10"); f != `COUNTIFS(D5:D7,"<>",$E$5:$E$7,"<>")` {
		t.Errorf("D10: formula %q", f)
	}

	// Where every average is over the complete units, there is no such row.
	rows[1].Values["b"] = 3.0
	b.Reset()
	if err := WriteXLSX(&b, p, p.Evaluate(rows).Results(), meta); err != nil {
		t.Fatal(err)
	}
	got = mustRows(t, mustOpen(t, b.Bytes()), SheetResults)
	if len(got) < 11 || len(got[9]) != 0 || len(got[10]) < 1 || got[10][0] != "公布" {
		t.Errorf("rows 10 and 11 without a count row: %q, %q (want blank, then the stamp)", rowAt(got, 10), rowAt(got, 11))
	}
}

func rowAt(rows [][]string, n int) []string {
	if n > len(rows) {
		return nil
	}
	return rows[n-1]
}
