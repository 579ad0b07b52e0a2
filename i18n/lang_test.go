package i18n

import (
	"regexp"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestCatalogueArguments: every Chinese format takes the arguments of its English key (no
// %!verb, %!(EXTRA …) or %!(MISSING)), so a translation cannot break a text at run time.
func TestCatalogueArguments(t *testing.T) {
	for en, zhFormat := range zh {
		var args []any
		for _, v := range verb.FindAllString(en, -1) {
			switch v[len(v)-1] {
			case 'd':
				args = append(args, 7)
			case '%':
			default:
				args = append(args, "x")
			}
		}
		if out := Sprintf(ZH, en, args...); strings.Contains(out, "%!") {
			t.Errorf("%q → %q: %s", en, zhFormat, out)
		}
		if out := Sprintf(EN, en, args...); strings.Contains(out, "%!") {
			t.Errorf("%q: %s", en, out)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Lang
	}{
		{"", ZH}, {"en", EN}, {"en-US,en;q=0.9", EN}, {"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"fr-FR, en;q=0.5", EN}, {"de", ZH}, {"en;q=0.2, zh;q=0.8", ZH}, {"EN-gb", EN},
	} {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestMessageNested: a Message argument is written in the language of the message holding it.
func TestMessageNested(t *testing.T) {
	m := M("raw %s, floor 0 of a %s item", "-2", M("score"))
	if got := m.In(ZH); got != "原始得分 -2，得分项扣完为止，计为 0" {
		t.Errorf("zh: %q", got)
	}
	if got := m.In(EN); got != "raw -2, floor 0 of a score item" {
		t.Errorf("en: %q", got)
	}
}

// TestCatalogueOneTranslation: no format is translated differently by two parts of the
// catalogue (which one won would depend on the order of the files' init); and add notices
// such a pair.
func TestCatalogueOneTranslation(t *testing.T) {
	if len(conflicts) > 0 {
		t.Errorf("translated differently in two zh_*.go files: %q", conflicts)
	}
	was, before := zh["Unit code"], len(conflicts)
	defer func() { zh["Unit code"], conflicts = was, conflicts[:before] }()
	add(map[string]string{"Unit code": was})
	if len(conflicts) != before {
		t.Error("the same translation twice was taken for a conflict")
	}
	add(map[string]string{"Unit code": "别的代码"})
	if len(conflicts) != before+1 || conflicts[before] != "Unit code" {
		t.Errorf("a second translation of Unit code was not noticed: %q", conflicts)
	}
}
