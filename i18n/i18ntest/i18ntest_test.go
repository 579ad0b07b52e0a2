package i18ntest

import (
	"fmt"
	"strings"
	"testing"
)

// recorder keeps what CheckDir reports.
type recorder struct{ errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// TestCheckDir: of the package in testdata, the literal formats are counted, the translated
// one passes, the untranslated one is reported with its position, and test files are skipped.
func TestCheckDir(t *testing.T) {
	r := &recorder{}
	n := CheckDir(r, "testdata/pkg", Catalogue)
	if n != 2 {
		t.Errorf("found %d formats, want 2 (Unit code, a text nobody translated)", n)
	}
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "pkg.go:9:") || !strings.Contains(r.errors[0], `"a text nobody translated %d" has no Chinese translation`) {
		t.Errorf("reports %q, want one for pkg.go:9", r.errors)
	}
}
