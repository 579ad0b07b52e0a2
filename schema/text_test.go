package schema

import (
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

func TestIssue11TextProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"OKPlain", "如皋市 2022", ""},
		{"OKTabNewline", "一\t二\r\n三", ""},
		{"ErrNUL", "a\x00b", "the text holds the control character U+0000 at byte 1"},
		{"ErrEscape", "\x1b[31m", "the text holds the control character U+001B at byte 0"},
		{"ErrDEL", "a\x7f", "the text holds the control character U+007F at byte 1"},
		{"ErrC1", "a\u0085", "the text holds the control character U+0085 at byte 1"},
		{"ErrInvalidUTF8", "a\xff", "the text is not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textProblem(tt.in); got != tt.want {
				t.Errorf("textProblem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("OKPaths", func(t *testing.T) {
		doc := &Document{Scheme: formulas.Scheme{Code: "x", Title: "T\x00",
			Items: []formulas.Item{{Code: "a", Title: "A", Children: []formulas.Item{{Code: "b", Title: "B\x01"}}}}},
			Units:  []formulas.Unit{{Code: "u", Name: "U", Attrs: map[string]any{"k\x00": 1, "n": []any{"ok", "x\x02"}}}},
			Values: map[string]map[string]map[string]any{"final": {"u": {"m": map[string]any{"value": 1, "note": "\x00"}}}},
		}
		var fields []string
		for _, p := range textProblems("", doc) {
			fields = append(fields, p.Field)
		}
		want := []string{"title", "items[0].children[0].title", `units[0].attrs."k\x00"`, "units[0].attrs.n[1]", "values.final.u.m.note"}
		if !reflect.DeepEqual(fields, want) {
			t.Errorf("fields %q, want %q", fields, want)
		}
	})
}
