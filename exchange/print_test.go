package exchange

import (
	"bytes"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

// TestWriteXLSXPrints: the results sheet, read back with excelize, prints landscape on A4,
// one page wide (any number of pages down), with the two header rows (rows 3 and 4, under
// the two title rows, which print once) and the unit's code and name repeated on every page.
func TestWriteXLSXPrints(t *testing.T) {
	f := mustResultsBook(t)
	pl, err := f.GetPageLayout(SheetResults)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.Size == nil || *pl.Size != 9 ||
		pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("page layout: orientation %v size %v fit %v×%v", derefString(pl.Orientation), derefInt(pl.Size), derefInt(pl.FitToWidth), derefInt(pl.FitToHeight))
	}
	props, err := f.GetSheetProps(SheetResults)
	if err != nil {
		t.Fatal(err)
	}
	if props.FitToPage == nil || !*props.FitToPage {
		t.Error("the sheet does not fit to the page")
	}
	found := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == SheetResults {
			found = true
			if want := "'" + SheetResults + "'!$A:$B,'" + SheetResults + "'!$3:$4"; dn.RefersTo != want {
				t.Errorf("print titles %q, want %q", dn.RefersTo, want)
			}
		}
	}
	if !found {
		t.Error("no print titles on the results sheet")
	}
}

func derefInt(n *int) int {
	if n == nil {
		return -1
	}
	return *n
}

func derefString(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestWriteXLSXBooleans: a boolean output reads 是 or 否 in the workbook, as the templates
// write booleans, not TRUE/FALSE.
func TestWriteXLSXBooleans(t *testing.T) {
	fx := mustMini(t)
	s := *fx.scheme
	s.Outputs = append(append([]formulas.Output(nil), s.Outputs...), formulas.Output{Code: "met", Title: "达标", Formula: "rate >= 100"})
	p, _, err := formulas.Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, p, p.Evaluate(fx.rows).Results(), Meta{Layer: "final"}); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, b.Bytes())
	rows, err := f.GetRows(SheetResults)
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for j, title := range rows[titleRows] {
		if title == "达标" {
			col = j
		}
	}
	if col < 0 {
		t.Fatalf("no column 达标 in %q", rows[titleRows])
	}
	seen := map[string]int{}
	for _, r := range rows[titleRows+headerRows:] {
		if col < len(r) {
			seen[r[col]]++
		}
	}
	if seen["是"] == 0 || seen["否"] == 0 || seen["TRUE"]+seen["FALSE"]+seen["true"]+seen["false"] > 0 {
		t.Errorf("the boolean column reads %v", seen)
	}
}
