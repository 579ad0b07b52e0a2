package main

import (
	"go/ast"
	"testing"

	"github.com/rubric-dev/rubric/i18n/i18ntest"
)

// TestIssue13CatalogueComplete: every text the command writes through the catalogue (say,
// errorf, usageError, i18n.M, i18n.Sprintf, a flag's description) has a Chinese translation,
// so that no English line slips into a Chinese clerk's terminal when a message is added.
func TestIssue13CatalogueComplete(t *testing.T) {
	n := i18ntest.CheckDir(t, ".", func(call *ast.CallExpr) int {
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			switch fn.Name {
			case "errorf", "usageError":
				return 0
			case "say":
				return 1
			}
		case *ast.SelectorExpr:
			if x, _ := fn.X.(*ast.Ident); x != nil && x.Name == "fs" {
				switch fn.Sel.Name {
				case "String", "Bool", "Int":
					return 2 // fs.String(name, default, description)
				case "StringVar":
					return 3
				}
			}
		}
		return i18ntest.Catalogue(call)
	})
	if n < 100 {
		t.Errorf("found %d texts of the catalogue, fewer than the command writes", n)
	}
}
