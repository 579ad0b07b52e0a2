package exchange

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/i18n"
)

// TestCatalogueComplete: every fixed text the spreadsheets write through the catalogue
// (tr, i18n.M, i18n.Sprintf with a literal format) has a Chinese translation, so that a new
// label cannot print in English in a Chinese office's workbook.
func TestCatalogueComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := -1
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if fn.Name == "tr" {
					arg = 1
				}
			case *ast.SelectorExpr:
				if x, _ := fn.X.(*ast.Ident); x != nil && x.Name == "i18n" {
					switch fn.Sel.Name {
					case "M":
						arg = 0
					case "Sprintf":
						arg = 1
					}
				}
			}
			if arg < 0 || arg >= len(call.Args) {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if format != "%s" && !i18n.Translated(format) {
				t.Errorf("%s: %q has no Chinese translation in i18n/", fset.Position(lit.Pos()), format)
			}
			return true
		})
	}
	if n < 40 {
		t.Errorf("found %d texts of the catalogue, fewer than the spreadsheets write", n)
	}
}
