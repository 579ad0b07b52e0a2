package schema

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// textProblem says what is wrong with a text to be stored, "" if nothing: it must be valid
// UTF-8 without NUL or other control characters (tab, line feed and carriage return are
// allowed). PostgreSQL refuses NUL in text, and a control character in a name or a note is
// never what a clerk meant; refusing it on both engines makes it a 422 naming the field
// instead of a 500 (issue 11).
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "the text is not valid UTF-8"
	}
	for i, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Sprintf("the text holds the control character U+%04X at byte %d", r, i)
		}
	}
	return ""
}

// maxTextProblems is how many bad texts textProblems reports.
const maxTextProblems = 100

// textProblems walks v (a document, a unit, a value: structs by their JSON names, maps by
// key, slices by index) and reports every string, key included, that textProblem refuses,
// with its path below path ("items[2].title", "units[0].attrs.note").
func textProblems(path string, v any) []Problem {
	var out []Problem
	walkText(path, reflect.ValueOf(v), &out)
	return out
}

func walkText(path string, v reflect.Value, out *[]Problem) {
	if len(*out) >= maxTextProblems {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(path, v.Elem(), out)
		}
	case reflect.String:
		if msg := textProblem(v.String()); msg != "" {
			*out = append(*out, Problem{Field: path, Message: msg})
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous {
				walkText(path, v.Field(i), out)
				continue
			}
			walkText(join(path, name), v.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes are not text
		}
		for i := range v.Len() {
			walkText(path+"["+strconv.Itoa(i)+"]", v.Index(i), out)
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			p := join(path, k.String())
			if msg := textProblem(k.String()); msg != "" {
				p = join(path, strconv.QuoteToASCII(k.String()))
				*out = append(*out, Problem{Field: p, Message: "the key " + msg[len("the "):]})
				continue
			}
			walkText(p, v.MapIndex(k), out)
		}
	}
}

// checkMessage checks the message of a revision (?message=) before it is stored.
func checkMessage(message string) error {
	if msg := textProblem(message); msg != "" {
		return Errorf(Invalid, "message", "message: %s", msg)
	}
	return nil
}
