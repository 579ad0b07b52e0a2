package i18n

import (
	"fmt"
	"strconv"
	"strings"
)

// Lang is a language rubric writes its texts in.
type Lang int

const (
	// ZH is Simplified Chinese (zh-CN), the default.
	ZH Lang = iota
	// EN is English.
	EN
)

// String is the language's BCP 47 tag.
func (l Lang) String() string {
	if l == EN {
		return "en"
	}
	return "zh-CN"
}

// Parse reads a language from an Accept-Language header ("en-US,en;q=0.9,zh;q=0.8") or a
// flag ("en", "zh-CN"): the supported language with the highest weight, ZH when none is
// supported or s is empty.
func Parse(s string) Lang {
	best, bestQ := ZH, -1.0
	for _, part := range strings.Split(s, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		var l Lang
		switch base {
		case "zh":
			l = ZH
		case "en":
			l = EN
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// Sprintf formats an English format, or its Chinese translation for ZH, with args; an
// argument that is a Message is rendered in l first. A format without a translation is
// written in English.
func Sprintf(l Lang, format string, args ...any) string {
	if l == ZH {
		if t, ok := zh[format]; ok {
			format = t
		}
	}
	for i, a := range args {
		if m, ok := a.(Message); ok {
			args[i] = m.In(l)
		}
	}
	return fmt.Sprintf(format, args...)
}

// Message is a text not yet rendered: an English format of the catalogue and its arguments.
type Message struct {
	Format string
	Args   []any
}

// M makes a Message.
func M(format string, args ...any) Message { return Message{Format: format, Args: args} }

// In renders the message in l.
func (m Message) In(l Lang) string {
	args := append([]any(nil), m.Args...) // Sprintf renders nested messages in place
	return Sprintf(l, m.Format, args...)
}

// IsZero reports whether the message is empty.
func (m Message) IsZero() bool { return m.Format == "" }

// Translated reports whether format has a Chinese translation in the catalogue (a test of
// each area checks its texts are all there).
func Translated(format string) bool {
	_, ok := zh[format]
	return ok
}
