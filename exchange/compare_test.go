package exchange

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// comparison is tiny's self and final sheets side by side, written out by hand: u2 scored 10
// by itself and 8.5 by the assessors (work 10 → 8.5, done 6 on both, its fee 100 → 80 元);
// u3 complete on the self layer (10) and incomplete on the final one.
func comparison() *schema.Comparison {
	f := func(x float64) *float64 { return &x }
	s := func(x string) *string { return &x }
	i := func(x int) *int { return &x }
	return &schema.Comparison{
		Scheme: "tiny",
		A:      schema.DiffSide{Layer: "self", Revision: 1},
		B:      schema.DiffSide{Layer: "final", Revision: 1},
		Columns: []formulas.Column{
			{Code: "work", Title: "Work"}, {Code: "done", Title: "Done"}, {Code: "fee", Title: "补助"},
		},
		Units: []schema.UnitComparison{
			{Unit: "u2", Name: "Two", Group: "b",
				A:     &schema.ComparedRow{Complete: true, Total: f(10), Grade: s("good"), Rank: i(1)},
				B:     &schema.ComparedRow{Complete: true, Total: f(8.5), Grade: s("good"), Rank: i(2)},
				Delta: f(-1.5),
				Cells: []schema.ComparedCell{
					{Code: "work", A: 10.0, B: 8.5, Delta: f(-1.5)},
					{Code: "done", A: 6.0, B: 6.0, Delta: f(0)},
					{Code: "fee", A: 100.0, B: 80.0, Delta: f(-20)},
				},
				MoneyDiffers: []string{"fee"}},
			{Unit: "u3", Name: "Three", Group: "a",
				A:     &schema.ComparedRow{Complete: true, Total: f(10), Grade: s("good"), Rank: i(2)},
				B:     &schema.ComparedRow{},
				Cells: []schema.ComparedCell{{Code: "work", A: 10.0}, {Code: "done"}, {Code: "fee", A: 100.0}}},
		},
		Differing: []string{"u2"},
	}
}

// TestWriteComparisonXLSX reads back both sheets of the comparison workbook in Chinese and
// English: the title, the units with both totals and why they differ, and only the cells
// whose values differ (done, 6 on both sides, is left out).
func TestWriteComparisonXLSX(t *testing.T) {
	for _, tt := range []struct {
		lang          i18n.Lang
		sheets        []string
		title         string
		head, cellsHd []string
	}{
		{i18n.ZH, []string{"对比", "分项差异"}, "tiny：自评与考核对比",
			[]string{"单位代码", "单位名称", "组别", "自评总分", "考核总分", "差值", "自评等次", "考核等次", "自评排名", "考核排名", "差异"},
			[]string{"单位代码", "单位名称", "项目", "自评", "考核", "差值"}},
		{i18n.EN, []string{"Comparison", "Cells that differ"}, "tiny: self-assessment compared with assessment",
			[]string{"Unit code", "Unit name", "Group", "Total (self-assessment)", "Total (assessment)", "Difference",
				"Grade (self-assessment)", "Grade (assessment)", "Rank (self-assessment)", "Rank (assessment)", "Differs in"},
			[]string{"Unit code", "Unit name", "Item", "self-assessment", "assessment", "Difference"}},
	} {
		t.Run(tt.lang.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteComparisonXLSX(&b, comparison(), tt.lang); err != nil {
				t.Fatal(err)
			}
			f := mustOpen(t, b.Bytes())
			if got := f.GetSheetList(); !reflect.DeepEqual(got, tt.sheets) {
				t.Fatalf("sheets %q, want %q", got, tt.sheets)
			}
			want := [][]string{
				{tt.title},
				tt.head,
				{"u2", "Two", "b", "10", "8.5", "-1.5", "good", "good", "1", "2", "补助"},
				{"u3", "Three", "a", "10", "", "", "good", "", "2"},
			}
			if got := mustRows(t, f, tt.sheets[0]); !reflect.DeepEqual(got, want) {
				t.Errorf("units:\n got %q\nwant %q", got, want)
			}
			want = [][]string{
				{tt.title},
				tt.cellsHd,
				{"u2", "Two", "Work", "10", "8.5", "-1.5"},
				{"u2", "Two", "补助", "100", "80", "-20"},
				{"u3", "Three", "Work", "10"},
				{"u3", "Three", "补助", "100"},
			}
			if got := mustRows(t, f, tt.sheets[1]); !reflect.DeepEqual(got, want) {
				t.Errorf("cells:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestWriteComparisonCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteComparisonCSV(&b, comparison(), i18n.ZH); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFtiny：自评与考核对比\r\n" +
		"单位代码,单位名称,组别,自评总分,考核总分,差值,自评等次,考核等次,自评排名,考核排名,差异\r\n" +
		"u2,Two,b,10,8.5,-1.5,good,good,1,2,补助\r\n" +
		"u3,Three,a,10,,,good,,2,,\r\n" +
		"分项差异\r\n" +
		"单位代码,单位名称,项目,自评,考核,差值\r\n" +
		"u2,Two,Work,10,8.5,-1.5\r\n" +
		"u2,Two,补助,100,80,-20\r\n" +
		"u3,Three,Work,10,,\r\n" +
		"u3,Three,补助,100,,\r\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
