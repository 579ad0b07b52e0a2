package main

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

// TestIssue13CatalogueComplete: every text the command writes through the catalogue (say,
// errorf, usageError, i18n.M, i18n.Sprintf, a flag's description) has a Chinese translation,
// so that no English line slips into a Chinese clerk's terminal when a message is added.
func TestIssue13CatalogueComplete(t *testing.T) {
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
				switch fn.Name {
				case "errorf", "usageError":
					arg = 0
				case "say":
					arg = 1
				}
			case *ast.SelectorExpr:
				switch x, _ := fn.X.(*ast.Ident); {
				case x != nil && x.Name == "i18n" && fn.Sel.Name == "M":
					arg = 0
				case x != nil && x.Name == "i18n" && fn.Sel.Name == "Sprintf":
					arg = 1
				case x != nil && x.Name == "fs" && (fn.Sel.Name == "String" || fn.Sel.Name == "Bool" || fn.Sel.Name == "Int"):
					arg = 2 // fs.String(name, default, description)
				case x != nil && x.Name == "fs" && fn.Sel.Name == "StringVar":
					arg = 3
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
	if n < 100 {
		t.Errorf("found %d texts of the catalogue, fewer than the command writes", n)
	}
}
