package exchange

import (
	"go/ast"
	"testing"

	"github.com/rubric-dev/rubric/i18n/i18ntest"
)

// TestCatalogueComplete: every fixed text the spreadsheets write through the catalogue
// (tr, i18n.M, i18n.Sprintf with a literal format) has a Chinese translation, so that a new
// label cannot print in English in a Chinese office's workbook.
func TestCatalogueComplete(t *testing.T) {
	n := i18ntest.CheckDir(t, ".", func(call *ast.CallExpr) int {
		if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "tr" {
			return 1 // tr(lang, format, …)
		}
		return i18ntest.Catalogue(call)
	})
	if n < 40 {
		t.Errorf("found %d texts of the catalogue, fewer than the spreadsheets write", n)
	}
}
