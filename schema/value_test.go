package schema

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

func TestValidateValue(t *testing.T) {
	number := formulas.Metric{Code: "rate", Type: formulas.TypeNumber, Min: ptr(0.0), Max: ptr(100.0)}
	integer := formulas.Metric{Code: "count", Type: formulas.TypeInteger, Min: ptr(0.0)}
	boolean := formulas.Metric{Code: "ontime", Type: formulas.TypeBoolean}
	text := formulas.Metric{Code: "remark", Type: formulas.TypeText}
	tests := []struct {
		name   string
		metric formulas.Metric
		in     any
		want   any
		err    string
	}{
		{"OKFloat", number, 99.5, 99.5, ""},
		{"OKJSONNumber", number, json.Number("12.25"), 12.25, ""},
		{"OKInt", number, 7, 7.0, ""},
		{"OKBounds", number, 100, 100.0, ""},
		{"OKInteger", integer, 25375.0, 25375.0, ""},
		{"OKIntegerJSONNumber", integer, json.Number("3"), 3.0, ""},
		{"OKIntegerInt64", integer, int64(1) << 40, float64(int64(1) << 40), ""},
		{"OKBoolean", boolean, true, true, ""},
		{"OKText", text, "三月迟报", "三月迟报", ""},
		{"OKEmptyText", text, "", "", ""},
		{"ErrNil", number, nil, nil, "rate: a value is required"},
		{"ErrBelow", number, -0.5, nil, "rate: -0.5 is below the minimum 0"},
		{"ErrAbove", number, 100.01, nil, "rate: 100.01 is above the maximum 100"},
		{"ErrNaN", number, math.NaN(), nil, "rate: expected a finite number, got NaN"},
		{"ErrNumberText", number, "12", nil, `rate: expected a number, got text "12"`},
		{"ErrNumberBool", number, true, nil, "rate: expected a number, got true"},
		{"ErrBadJSONNumber", number, json.Number("x"), nil, "rate: expected a number, got x"},
		{"ErrFraction", integer, 2.5, nil, "count: expected a whole number, got 2.5"},
		{"ErrIntegerBelow", integer, -1, nil, "count: -1 is below the minimum 0"},
		{"ErrIntegerTooLarge", integer, json.Number("123456789012345678901234567890"), nil, "count: 123456789012345678901234567890 is too large: numbers are exact up to ±9007199254740991"},
		{"OKIssue11LargestExact", integer, json.Number("9007199254740991"), 9007199254740991.0, ""},
		{"ErrIssue11TwoTo53Plus1", integer, json.Number("9007199254740993"), nil, "count: 9007199254740993 is too large: numbers are exact up to ±9007199254740991"},
		{"ErrIssue11TwoTo53Plus1Int64", integer, int64(1)<<53 + 1, nil, "count: 9007199254740992 is too large: numbers are exact up to ±9007199254740991"},
		{"ErrIssue11TwoTo53Float", number, -9007199254740992.0, nil, "rate: -9007199254740992 is too large: numbers are exact up to ±9007199254740991"},
		{"ErrIntegerText", integer, "3", nil, `count: expected a whole number, got text "3"`},
		{"ErrBooleanNumber", boolean, 1, nil, "ontime: expected true or false, got 1"},
		{"ErrBooleanText", boolean, "true", nil, `ontime: expected true or false, got text "true"`},
		{"ErrTextNumber", text, 3.0, nil, "remark: expected text, got 3"},
		{"ErrTextObject", text, map[string]any{}, nil, "remark: expected text, got an object"},
		{"ErrTextLong", text, strings.Repeat("字", MaxTextLength+1), nil, "remark: the text is longer than 10000 characters"},
		{"ErrType", formulas.Metric{Code: "m", Type: "date"}, 1, nil, `m: the metric has type "date"; want number, integer, boolean or text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateValue(tt.metric, tt.in)
			if tt.err != "" {
				checkError(t, err, Invalid, tt.err)
				if e := err.(*Error); e.Field != tt.metric.Code {
					t.Errorf("Field = %q, want %q", e.Field, tt.metric.Code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseEntry(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want Entry
		err  string
	}{
		{"OKScalar", 3.0, Entry{Value: 3.0}, ""},
		{"OKNull", nil, Entry{}, ""},
		{"OKObject", map[string]any{"value": 2.0, "note": "3月迟报"}, Entry{Value: 2.0, Note: "3月迟报"}, ""},
		{"OKNullNote", map[string]any{"value": true, "note": nil}, Entry{Value: true}, ""},
		{"OKEntry", Entry{Value: "x", Note: "n"}, Entry{Value: "x", Note: "n"}, ""},
		{"ErrKey", map[string]any{"value": 1.0, "reason": "x"}, Entry{},
			`unknown field "reason": a value is a number, a boolean, text or {value, note}`},
		{"ErrNote", map[string]any{"value": 1.0, "note": 5.0}, Entry{}, "note: expected text, got 5"},
		{"ErrList", []any{1.0}, Entry{}, "expected a value or {value, note}, got a list"},
		{"ErrLongNote", map[string]any{"note": strings.Repeat("x", MaxNoteLength+1)}, Entry{},
			"the note is longer than 2000 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEntry(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
