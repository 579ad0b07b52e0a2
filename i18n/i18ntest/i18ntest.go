// Package i18ntest checks that the texts a package writes through the catalogue have a
// Chinese translation, by reading the package's sources: a text added without one would
// otherwise print in English in a Chinese office, and no test of behaviour notices.
package i18ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
)

// FormatArg tells which argument of a call is a format of the catalogue, or -1 when the
// call writes none.
type FormatArg func(call *ast.CallExpr) int

// Catalogue is the FormatArg of the catalogue's own functions: i18n.M(format, …) and
// i18n.Sprintf(lang, format, …).
func Catalogue(call *ast.CallExpr) int {
	fn, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return -1
	}
	if x, _ := fn.X.(*ast.Ident); x != nil && x.Name == "i18n" {
		switch fn.Sel.Name {
		case "M":
			return 0
		case "Sprintf":
			return 1
		}
	}
	return -1
}

// T is the part of testing.TB that CheckDir uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatal(args ...any)
}

// CheckDir reads the Go files of dir (tests excluded), and fails tb for every call whose
// format (the argument arg names, when it is a string literal) has no Chinese translation.
// It returns how many formats it found, so that a caller can tell that it found the texts
// at all.
func CheckDir(tb T, dir string, arg FormatArg) int {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		tb.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			tb.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			i := arg(call)
			if i < 0 || i >= len(call.Args) {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				tb.Fatal(err)
			}
			n++
			if format != "%s" && !i18n.Translated(format) {
				tb.Errorf("%s: %q has no Chinese translation in i18n/", fset.Position(lit.Pos()), format)
			}
			return true
		})
	}
	return n
}
