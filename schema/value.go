package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/rubric-dev/rubric/formulas"
)

// MaxTextLength is the longest text value, in characters.
const MaxTextLength = 10000

// MaxNoteLength is the longest note of a value, in characters.
const MaxNoteLength = 2000

// Value is one stored metric value of one unit and layer: the value (float64, bool or
// string), the note that explains it, who entered it and when.
type Value struct {
	Value     any       `json:"value"`
	Note      string    `json:"note,omitempty"`
	Who       string    `json:"who,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Entry is a value as a client enters it: a scalar, or an object {value, note}. A nil Value
// means no value (PatchValues removes the metric's value).
type Entry struct {
	Value any
	Note  string
}

// ParseEntry reads a raw value of a request or document: a scalar (number, boolean, text,
// null) or an object with the keys value and note.
func ParseEntry(raw any) (Entry, error) {
	switch r := raw.(type) {
	case Entry:
		return r, nil
	case *Entry:
		return *r, nil
	case map[string]any:
		var e Entry
		for k, v := range r {
			switch k {
			case "value":
				e.Value = v
			case "note":
				if v == nil {
					continue
				}
				s, ok := v.(string)
				if !ok {
					return Entry{}, fmt.Errorf("note: expected text, got %s", describe(v))
				}
				e.Note = s
			default:
				return Entry{}, fmt.Errorf("unknown field %q: a value is a number, a boolean, text or {value, note}", k)
			}
		}
		if utf8.RuneCountInString(e.Note) > MaxNoteLength {
			return Entry{}, fmt.Errorf("the note is longer than %d characters", MaxNoteLength)
		}
		if msg := textProblem(e.Note); msg != "" {
			return Entry{}, fmt.Errorf("note: %s", msg)
		}
		return e, nil
	case []any:
		return Entry{}, fmt.Errorf("expected a value or {value, note}, got a list")
	}
	return Entry{Value: raw}, nil
}

// ValidateValue checks a value against its metric and returns it normalized: a number
// (float64, any integer type or json.Number) as float64 for number and integer metrics, a bool
// for boolean ones, a string for text. An integer metric takes whole numbers only; min and max
// bound numbers. Any mismatch is an Invalid error naming the metric.
func ValidateValue(metric formulas.Metric, v any) (any, error) {
	out, msg := checkValue(metric.Type, metric.Min, metric.Max, v)
	if msg != "" {
		return nil, &Error{Kind: Invalid, Field: metric.Code, Message: metric.Code + ": " + msg}
	}
	return out, nil
}

// maxExact is 2^53: below it every whole number is exact in a float64. A number whose magnitude
// is maxExact or more is refused: 2^53 + 1 converts to 2^53, so only ">= maxExact", checked
// after the conversion, catches every number the conversion would have changed (issue 11).
const maxExact = 1 << 53

// checkValue normalizes v for a type and bounds; msg says what is wrong, "" if nothing.
func checkValue(typ string, lo, hi *float64, v any) (out any, msg string) {
	if v == nil {
		return nil, "a value is required"
	}
	switch typ {
	case formulas.TypeNumber, formulas.TypeInteger:
		x, ok := toFloat(v)
		if !ok {
			if typ == formulas.TypeInteger {
				return nil, "expected a whole number, got " + describe(v)
			}
			return nil, "expected a number, got " + describe(v)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, "expected a finite number, got " + describe(v)
		}
		if typ == formulas.TypeInteger && x != math.Trunc(x) {
			return nil, "expected a whole number, got " + formatNum(x)
		}
		if math.Abs(x) >= maxExact {
			// Beyond 2^53 a float64 no longer holds every whole number: 10^29 would be stored as
			// 1.2345678901234568e+29, silently.
			shown := describe(v)
			if n, ok := v.(json.Number); ok {
				shown = n.String() // as sent, not as the float it rounds to
			}
			return nil, fmt.Sprintf("%s is too large: numbers are exact up to ±%s", shown, formatNum(maxExact-1))
		}
		if lo != nil && x < *lo {
			return nil, fmt.Sprintf("%s is below the minimum %s", formatNum(x), formatNum(*lo))
		}
		if hi != nil && x > *hi {
			return nil, fmt.Sprintf("%s is above the maximum %s", formatNum(x), formatNum(*hi))
		}
		return x, ""
	case formulas.TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, "expected true or false, got " + describe(v)
		}
		return b, ""
	case formulas.TypeText:
		s, ok := v.(string)
		if !ok {
			return nil, "expected text, got " + describe(v)
		}
		if utf8.RuneCountInString(s) > MaxTextLength {
			return nil, fmt.Sprintf("the text is longer than %d characters", MaxTextLength)
		}
		if msg := textProblem(s); msg != "" {
			return nil, msg
		}
		return s, ""
	}
	return nil, fmt.Sprintf("the metric has type %q; want number, integer, boolean or text", typ)
}

// Number converts any Go number (or a json.Number) to float64; ok is false for anything else.
func Number(v any) (float64, bool) { return toFloat(v) }

// toFloat converts any Go number to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// describe shows a value in a message: text quoted, numbers and booleans as they are.
func describe(v any) string {
	if f, ok := toFloat(v); ok {
		return formatNum(f)
	}
	switch x := v.(type) {
	case json.Number:
		return x.String() // a number that does not fit a float64: as sent
	case nil:
		return "null"
	case string:
		if utf8.RuneCountInString(x) > 40 {
			return "text " + strconv.Quote(string([]rune(x)[:40])+"…")
		}
		return "text " + strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

func formatNum(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}
