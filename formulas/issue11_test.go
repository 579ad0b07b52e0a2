package formulas

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// overflowCase is a scheme whose formulas overflow for some inputs: a × 1e308 and steps(a, b)
// with a tiny b (the attack of issue 11: {"a": 1000000, "b": 1e-303}).
const overflowCase = `{
 "scheme": {"code": "ovf", "title": "溢出", "total_points": 10, "precision": 2,
  "metrics": [{"code": "a", "title": "A", "type": "number"}, {"code": "b", "title": "B", "type": "number"}],
  "items": [{"code": "big", "title": "Big", "max_points": 5, "formula": "a * 1e308"},
            {"code": "st", "title": "Steps", "max_points": 5, "formula": "min(5, steps(a, b))"}],
  "outputs": [{"code": "o", "title": "O", "formula": "a / b"}]},
 "rows": [{"Unit": {"code": "u1", "name": "一"}, "Values": {"a": 1000000, "b": 1e-303}},
          {"Unit": {"code": "u2", "name": "二"}, "Values": {"a": 1, "b": 1}}]
}`

// TestIssue11OverflowExplained: an overflow is a cell error in the sheet and in the
// explanation, whose JSON never holds a non-finite number.
func TestIssue11OverflowExplained(t *testing.T) {
	var c sheetCase
	if err := json.Unmarshal([]byte(overflowCase), &c); err != nil {
		t.Fatal(err)
	}
	p, _, err := Compile(&c.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	sh := p.Evaluate(c.Rows)
	res := sh.Results()
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("results: %v", err)
	}
	ex, err := sh.Explain("u1")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(ex)
	if err != nil {
		t.Fatalf("explanation: %v", err)
	}
	for _, code := range []string{"big", "o"} {
		cell := cellOf(t, ex, code)
		if cell.Raw != nil || cell.Value != nil || !strings.Contains(cell.Error, "not a finite number") {
			t.Errorf("%s: raw %v value %v error %q", code, cell.Raw, cell.Value, cell.Error)
		}
	}
	if !strings.Contains(string(data), `"raw":null,"value":null,"error":"the result +Inf is not a finite number"`) {
		t.Errorf("explanation:\n%s", data)
	}
	// The other unit is unaffected: big = 1 × 1e308 clamped to 5.
	ex2, err := sh.Explain("u2")
	if err != nil {
		t.Fatal(err)
	}
	if big := cellOf(t, ex2, "big"); big.Value != 5.0 || big.Raw != 1e308 {
		t.Errorf("u2 big: raw %v value %v", big.Raw, big.Value)
	}
}

// textBomb is the scheme of issue 11's memory bomb: s1 a 3,990-character literal, s2 … s4
// each doubling the one before, then n outputs oN = s4 + s4 (63,840 bytes each).
func textBomb(n int) *Scheme {
	s := &Scheme{Code: "bomb", Title: "bomb", Metrics: []Metric{{Code: "m", Title: "M", Type: TypeNumber}},
		Items: []Item{{Code: "i", Title: "I", MaxPoints: ptr(1.0), Formula: "m"}}}
	s.Outputs = append(s.Outputs, Output{Code: "s1", Title: "s1", Formula: `"` + strings.Repeat("x", 3990) + `"`})
	for i := 2; i <= 4; i++ {
		s.Outputs = append(s.Outputs, Output{Code: fmt.Sprintf("s%d", i), Title: "s", Formula: fmt.Sprintf("s%d + s%d", i-1, i-1)})
	}
	for i := 1; i <= n; i++ {
		s.Outputs = append(s.Outputs, Output{Code: fmt.Sprintf("o%d", i), Title: "o", Formula: "s4 + s4"})
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// TestIssue11TextBudget: the bomb of issue 11 is refused when compiled, naming its outputs; a
// scheme just under the row budget compiles, and its sheet holds at most MaxSheetText of text
// however many units it has: the cells past the budget are errors.
func TestIssue11TextBudget(t *testing.T) {
	t.Run("ErrBomb", func(t *testing.T) {
		_, _, err := Compile(textBomb(1000)) // issue 11's had 4,990 outputs: it takes 5 s to compile
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Fatalf("err = %v", err)
		}
		// 3,990 + 7,980 + 15,960 + 31,920 + 1,000 × 63,840 bytes.
		want := "the formulas build at least 63899850 bytes of text for every unit; at most 1048576 are allowed: o1 (63840 bytes), o2 (63840 bytes)"
		if e := errs[0]; e.Item != "o1" || !strings.HasPrefix(e.Message, want) || !strings.HasSuffix(e.Message, "and 994 more") {
			t.Errorf("error %+v", e)
		}
	})
	t.Run("ErrOneCell", func(t *testing.T) {
		s := textBomb(0)
		s.Outputs = append(s.Outputs, Output{Code: "big", Title: "big", Formula: "s4 + s4 + s4"})
		_, _, err := Compile(s)
		if err == nil || !strings.Contains(err.Error(), "big") || !strings.Contains(err.Error(), "at least 95760 bytes; at most 65536") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("OKBoundedSheet", func(t *testing.T) {
		p, _, err := Compile(textBomb(15)) // 59,850 + 15 × 63,840 = 1,017,450 bytes a unit
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]Row, 40)
		for i := range rows {
			rows[i] = Row{Unit: Unit{Code: fmt.Sprintf("u%d", i), Name: "u"}, Values: map[string]any{"m": 1.0}}
		}
		sh := p.Evaluate(rows)
		if sh.text > MaxSheetText {
			t.Errorf("the sheet holds %d bytes of text, more than %d", sh.text, MaxSheetText)
		}
		// Columns are computed in order, each for every unit: s1–s4 take 40 × 59,850 bytes,
		// then each oN 40 × 63,840 = 2,553,600, so o1–o12 fit in 33,554,432 bytes and o13 does
		// for 1 + (33,554,432 − 2,394,000 − 12 × 2,553,600) / 63,840 = 8 units.
		res := sh.Results()
		if v := res[39].Cells["o12"]; v == nil || len(v.(string)) != 63840 {
			t.Errorf("u39 o12 = %.20v", v)
		}
		if v := res[7].Cells["o13"]; v == nil || len(v.(string)) != 63840 {
			t.Errorf("u7 o13 = %.20v", v)
		}
		for _, cell := range []struct {
			unit int
			code string
		}{{8, "o13"}, {0, "o15"}, {39, "o15"}} {
			if msg := res[cell.unit].Errors[cell.code]; msg != "the sheet's texts would pass 32 MB; no more text is built in it" {
				t.Errorf("u%d %s error %q", cell.unit, cell.code, msg)
			}
		}
		if want := 40*59850 + 12*40*63840 + 8*63840; sh.text != want {
			t.Errorf("the sheet holds %d bytes of text, want %d", sh.text, want)
		}
	})
}

// TestIssue11LookupKey: a lookup keyed by an entered value — directly, or through an output
// that reads one — is refused at compile; keyed by the roster (unit.attrs, unit.code) it is
// allowed, as the seeds use it.
func TestIssue11LookupKey(t *testing.T) {
	scheme := func(formula string) *Scheme {
		return &Scheme{Code: "lk", Title: "lk",
			Attributes: []Attribute{{Code: "city", Title: "City", Type: TypeText}},
			Metrics:    []Metric{{Code: "a", Title: "A", Type: TypeNumber}, {Code: "other", Title: "Other", Type: TypeText}},
			Items:      []Item{{Code: "i", Title: "I", MaxPoints: ptr(10.0), Formula: formula}},
			Outputs:    []Output{{Code: "key", Title: "Key", Formula: `"u" + other`}}}
	}
	for _, tt := range []struct {
		name, formula string
		want          *Error
	}{
		{"OKAttr", "lookup(a, unit.attrs.city)", nil},
		{"OKCode", "lookup(a, unit.code)", nil},
		{"ErrMetric", "lookup(a, other)", &Error{Item: "i", Line: 1, Column: 11, Snippet: " | lookup(a, other)\n | ..........^",
			Message: "the unit a lookup reads must not depend on entered values, and this one reads metric other: key it by the roster (unit.code, unit.attrs.…)"}},
		{"ErrThroughOutput", "lookup(a, key)", &Error{Item: "i", Line: 1, Column: 11, Snippet: " | lookup(a, key)\n | ..........^",
			Message: "the unit a lookup reads must not depend on entered values, and this one reads metric other: key it by the roster (unit.code, unit.attrs.…)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Compile(scheme(tt.formula))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 || *errs[0] != *tt.want {
				t.Errorf("err = %#v\nwant %#v", errs[0], tt.want)
			}
		})
	}
}
