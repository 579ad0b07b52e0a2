package formulas

import (
	"regexp"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
)

// warningFormats are the English texts of the warnings, by kind: formats of the i18n
// catalogue with %s verbs only, so that In can read a Message back into its arguments.
// Warning keeps only its text (it is compared and stored as it is), so a text in another
// language is written again from the English one.
var warningFormats = map[string]string{
	WarnCategoryPoints: "category %s is worth %s points but its score items add up to %s",
	WarnTotalPoints:    "the scheme states %s points but its top-level score items add up to %s",
	WarnFailing:        "%s fails for every unit (%s of %s): %s",
}

// warningPatterns read a warning's text back into the arguments of its format.
var warningPatterns = func() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for kind, f := range warningFormats {
		parts := strings.Split(f, "%s")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		// Every argument but the last is as short as can be; the last (an error's text) runs
		// to the end.
		re := strings.Join(parts[:len(parts)-1], "(.*?)")
		out[kind] = regexp.MustCompile("^" + strings.TrimSuffix(re, "(.*?)") + "(.*)" + parts[len(parts)-1] + "$")
	}
	return out
}()

// In is the warning with its message written in l (Compile and FailingEverywhere write it in
// English); a message of another form is left as it is.
func (w Warning) In(l i18n.Lang) Warning {
	re, ok := warningPatterns[w.Kind]
	if !ok || l == i18n.EN {
		return w
	}
	m := re.FindStringSubmatch(w.Message)
	if m == nil {
		return w
	}
	args := make([]any, len(m)-1)
	for i, s := range m[1:] {
		args[i] = s
	}
	w.Message = i18n.Sprintf(l, warningFormats[w.Kind], args...)
	return w
}

// WarningsIn is a copy of ws with every message written in l; never nil.
func WarningsIn(ws []Warning, l i18n.Lang) []Warning {
	out := make([]Warning, len(ws))
	for i, w := range ws {
		out[i] = w.In(l)
	}
	return out
}
