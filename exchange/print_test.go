package exchange

import (
	"testing"
)

// TestWriteXLSXPrints: the results sheet, read back with excelize, prints landscape on A4,
// one page wide (any number of pages down), with the two header rows and the unit's code and
// name repeated on every page.
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
			if want := "'" + SheetResults + "'!$A:$B,'" + SheetResults + "'!$1:$2"; dn.RefersTo != want {
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
