package exchange

import (
	"time"

	"github.com/rubric-dev/rubric/i18n"
)

// Sheet names of a results workbook in English (Meta.Lang i18n.EN); the Chinese ones are
// SheetResults, SheetErrors and SheetFormulas.
const (
	SheetResultsEN  = "Results"
	SheetErrorsEN   = "Errors"
	SheetFormulasEN = "Formulas"
)

// tr is a fixed text of a workbook (its English catalogue key) in l.
func tr(l i18n.Lang, english string, args ...any) string {
	return i18n.Sprintf(l, english, args...)
}

// sheetNames are the names of the results, errors and formulas sheets in l.
func sheetNames(l i18n.Lang) (results, errs, formulasSheet string) {
	if l == i18n.EN {
		return SheetResultsEN, SheetErrorsEN, SheetFormulasEN
	}
	return SheetResults, SheetErrors, SheetFormulas
}

// fixedTitles are the headers of the columns that are not the scheme's, by field, in English
// (the catalogue's keys); the scheme's titles stay as the document writes them.
var fixedTitles = map[field]string{
	fieldUnit:      "Unit code",
	fieldName:      "Unit name",
	fieldGroup:     "Group",
	fieldTotal:     "Total",
	fieldGrade:     "Grade",
	fieldRank:      "Rank",
	fieldGroupRank: "Rank in group",
}

// layerName names a layer in l: 考核 (final) or 自评 (self).
func layerName(l i18n.Lang, layer string) string {
	if layer == "self" {
		return tr(l, "self-assessment")
	}
	return tr(l, "assessment")
}

// beijing is the time zone of the times a workbook prints: the offices' (UTC+8, no DST).
var beijing = time.FixedZone("UTC+8", 8*3600)

// printedTime is a time as the title row prints it: 2026-11-27 09:30 (UTC+8).
func printedTime(t time.Time) string {
	return t.In(beijing).Format("2006-01-02 15:04") + " (UTC+8)"
}

// yesNo is a boolean as a workbook writes it in l: 是/否, yes/no.
func yesNo(l i18n.Lang, b bool) string {
	if l == i18n.EN {
		if b {
			return "yes"
		}
		return "no"
	}
	if b {
		return yes
	}
	return no
}
