package exchange

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// TestWriteTemplateXLSXEnglish: a template asked for in English has English sheets, unit
// titles, notes, validation messages and booleans (the scheme's titles stay as written), and
// ReadValues reads it back as it reads the Chinese one.
func TestWriteTemplateXLSXEnglish(t *testing.T) {
	fx := mustMini(t)
	var b bytes.Buffer
	if err := WriteTemplateXLSX(&b, fx.scheme, fx.units, existing, Meta{Revision: 3, Generated: generated, Layer: "self", Lang: i18n.EN}); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, b.Bytes())
	if got, want := f.GetSheetList(), []string{"Values", "Notes"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	want := [][]string{
		{"迷你考核方案 (exchange tests) — self-assessment data entry (revision 3)"},
		{"Unit code", "Unit name", "任务数(人)", "完成数(人)", "差错件数", "加分", "数据造假", "覆盖率(%)", "情况说明"},
		{"unit", "name", "target", "actual", "cases", "bonus_pts", "falsified", "coverage", "remark"},
		{"a", "甲", "1000", "1000", "", "", "no", "", "=不是公式"},
		{"b", "乙", "", "", "", "0.5", "yes", "87.5"},
		{"c", "丙"}, {"d", "丁"}, {"e", "戊"}, {"f", "己"}, {"g", "庚"},
	}
	if got := mustRows(t, f, SheetTemplateEN); !reflect.DeepEqual(got, want) {
		t.Errorf("values sheet:\n got %q\nwant %q", got, want)
	}
	dvs, err := f.GetDataValidations(SheetTemplateEN)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dv := range dvs {
		got = append(got, strings.Join([]string{dv.Sqref, dv.Formula1, deref(dv.Error)}, " | "))
	}
	wantDV := []string{
		"C4:C10 | 1 | Enter a whole number in ≥ 1.",
		"D4:D10 | 0 | Enter a whole number in ≥ 0.",
		"E4:E10 | 0 | Enter a whole number in ≥ 0.",
		"F4:F10 | 0 | Enter a number in 0 ~ 5.",
		`G4:G10 | "yes,no" | Choose yes or no.`,
		"H4:H10 | 0 | Enter a number in 0 ~ 100.",
		"I4:I10 | 10000 | At most 10000 characters.",
	}
	if !reflect.DeepEqual(got, wantDV) {
		t.Errorf("data validations\n got %q\nwant %q", got, wantDV)
	}
	notesRows := mustRows(t, f, SheetNotesEN)
	if notesRows[0][0] != "How to fill in" || !strings.Contains(notesRows[1][0], "On the sheet Values") {
		t.Errorf("notes: %q", notesRows[:2])
	}
	n := len(notes(i18n.EN)) + 1
	if got, want := notesRows[n], []string{"Code", "Title", "Type", "Unit", "Range", "Default", "Description"}; !reflect.DeepEqual(got, want) {
		t.Errorf("notes header %q, want %q", got, want)
	}
	if got, want := notesRows[n+5], []string{"falsified", "数据造假", "boolean", "", "yes / no", "no"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a boolean on the notes sheet %q, want %q", got, want)
	}

	// A clerk answers in the template's words: no for c, yes for e.
	for cell, v := range map[string]string{"G6": "no", "G8": "Yes"} {
		if err := f.SetCellValue(SheetTemplateEN, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var filled bytes.Buffer
	if err := f.Write(&filled); err != nil {
		t.Fatal(err)
	}
	values, err := ReadValues(filled.Bytes(), "template.xlsx", "", fx.scheme, fx.units)
	if err != nil {
		t.Fatal(err)
	}
	wantValues := map[string]map[string]any{
		"a": {"target": 1000.0, "actual": 1000.0, "falsified": false, "remark": "=不是公式"},
		"b": {"bonus_pts": 0.5, "falsified": true, "coverage": 87.5},
		"c": {"falsified": false},
		"e": {"falsified": true},
	}
	if !reflect.DeepEqual(values, wantValues) {
		t.Errorf("the English template read back\n got %v\nwant %v", values, wantValues)
	}
}

// TestWriteTemplateCSVEnglish: the CSV template in English heads the unit columns Unit code
// and Unit name, writes booleans yes/no, and reads back.
func TestWriteTemplateCSVEnglish(t *testing.T) {
	fx := mustMini(t)
	var b bytes.Buffer
	if err := WriteTemplateCSV(&b, fx.scheme, fx.units, existing, i18n.EN); err != nil {
		t.Fatal(err)
	}
	records := readCSVRecords(t, b.Bytes())
	if got := records[0][:3]; !reflect.DeepEqual(got, []string{"Unit code", "Unit name", "任务数(人)"}) {
		t.Errorf("header %q", got)
	}
	if got := records[2][6] + "," + records[3][6]; got != "no,yes" {
		t.Errorf("booleans of a and b: %s, want no,yes", got)
	}
	values, err := ReadValues(b.Bytes(), "template.csv", "text/csv", fx.scheme, fx.units)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"a": {"target": 1000.0, "actual": 1000.0, "falsified": false, "remark": "=不是公式"},
		"b": {"bonus_pts": 0.5, "falsified": true, "coverage": 87.5},
	}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("the English CSV template read back\n got %v\nwant %v", values, want)
	}
}

// TestWriteDiffLanguages: a diff's table headers, sheet names, sides and empty cells follow
// the reader's language; the data (codes, titles, numbers) is the same in both.
func TestWriteDiffLanguages(t *testing.T) {
	old, now := 8.5, 8.0
	delta := -0.5
	good := "good"
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)
	d := &schema.Diff{
		Scheme: "tiny",
		From:   schema.DiffSide{Publication: 1, Layer: "final"},
		To:     schema.DiffSide{Layer: "final"},
		Units: []schema.UnitDiff{{Unit: "u2", Name: "Two", Group: "b", OldTotal: &old, NewTotal: &now, Delta: &delta,
			OldGrade: &good, NewGrade: &good, Cells: []schema.CellChange{{Code: "spare", Title: "Spare", Old: nil, New: 3.0}}}},
		Values:   []schema.ValueCause{{Unit: "u2", Metric: "spare", Old: nil, New: 3.0, Who: "clerk", Reason: "复核", At: at}},
		Formulas: []schema.FormulaCause{{Kind: "item", Target: "work", Action: "update", Revision: 2, Who: "admin", At: at}},
	}
	for _, tc := range []struct {
		lang                  i18n.Lang
		title                 string
		sheets                []string
		unitHead, valueHead   []string
		ruleHead              []string
		details               string
		csvTitle, csvValuesAt string
	}{
		{i18n.ZH, "第1次公布 → 当前(final)", []string{"变化", "数据变化", "规则变化"},
			[]string{"单位代码", "单位名称", "组别", "原总分", "新总分", "变化"},
			[]string{"单位代码", "指标", "原值", "新值", "原说明", "新说明", "修改人", "原因", "时间"},
			[]string{"类型", "对象", "操作", "修订", "原", "新", "修改人", "原因", "时间"},
			"Spare: 空 → 3", "第1次公布 → 当前(final)", "数据变化"},
		{i18n.EN, "publication 1 → current (final)", []string{"Units", "Values", "Rules"},
			[]string{"Unit code", "Unit name", "Group", "Old total", "New total", "Change"},
			[]string{"Unit code", "Metric", "Old value", "New value", "Old note", "New note", "Changed by", "Reason", "Time"},
			[]string{"Kind", "Target", "Action", "Revision", "Old", "New", "Changed by", "Reason", "Time"},
			"Spare: empty → 3", "publication 1 → current (final)", "Values"},
	} {
		t.Run(tc.lang.String(), func(t *testing.T) {
			var x bytes.Buffer
			if err := WriteDiffXLSX(&x, d, tc.lang); err != nil {
				t.Fatal(err)
			}
			f := mustOpen(t, x.Bytes())
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tc.sheets) {
				t.Errorf("sheets %q, want %q", got, tc.sheets)
			}
			units := mustRows(t, f, tc.sheets[0])
			if got := units[0][:6]; !reflect.DeepEqual(got, tc.unitHead) {
				t.Errorf("units header %q, want %q", got, tc.unitHead)
			}
			if got := units[1]; got[0] != "u2" || got[3] != "8.5" || got[4] != "8" || got[5] != "-0.5" || got[len(got)-1] != tc.details {
				t.Errorf("u2's row %q, want 8.5 → 8 (-0.5) and %q", got, tc.details)
			}
			if got := mustRows(t, f, tc.sheets[1])[0]; !reflect.DeepEqual(got, tc.valueHead) {
				t.Errorf("values header %q, want %q", got, tc.valueHead)
			}
			if got := mustRows(t, f, tc.sheets[2])[0]; !reflect.DeepEqual(got, tc.ruleHead) {
				t.Errorf("rules header %q, want %q", got, tc.ruleHead)
			}
			var c bytes.Buffer
			if err := WriteDiffCSV(&c, d, tc.lang); err != nil {
				t.Fatal(err)
			}
			records := readCSVRecords(t, c.Bytes())
			if records[0][1] != tc.csvTitle || records[3][0] != tc.csvValuesAt {
				t.Errorf("CSV title %q and the row naming the values %q, want %q and %q", records[0][1], records[3][0], tc.csvTitle, tc.csvValuesAt)
			}
		})
	}
}
