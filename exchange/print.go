package exchange

import (
	"strconv"

	"github.com/xuri/excelize/v2"
)

// setPrintLayout makes a sheet print as offices print a results table: landscape A4, as wide
// as one page (as many pages down as it needs), with the header rows (firstHeader to
// lastHeader; the title rows above them print once) repeated at the top of every page and
// the unit columns at the left of every page (print titles), so that a 14-town sheet with 40
// columns is one readable page wide instead of 24 portrait pages.
func setPrintLayout(f *excelize.File, sheet string, firstHeader, lastHeader int, lastUnitColumn string) error {
	a4, landscape, wide, anyHigh := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &anyHigh}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	quoted := "'" + sheet + "'"
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: quoted + "!$A:$" + lastUnitColumn + "," + quoted + "!$" + strconv.Itoa(firstHeader) + ":$" + strconv.Itoa(lastHeader),
		Scope:    sheet,
	})
}
