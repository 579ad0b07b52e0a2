package formulas

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHostileFormulas compiles formulas that try to reach beyond the scheme's names or to
// explode: each is refused at compile time, as an output's formula (which may give any type),
// with a message that says why.
func TestHostileFormulas(t *testing.T) {
	for _, tt := range []struct {
		name, formula, want string
	}{
		{"DollarEnv", "$env", "the name $env is not part of the formula language"},
		{"DollarEnvIndex", `$env["a"]`, "member access is not part of the formula language"},
		{"DollarEnvMember", "$env.a", "member access is not part of the formula language"},
		{"Env", "env", "unknown name env"},
		{"EnvIndex", `env["a"]`, "unknown name env"},
		{"UnitProto", "unit.__proto__", "unit has code, name, group and attrs, not __proto__"},
		{"UnitGoField", "unit.Code", "unit has code, name, group and attrs, not Code"},
		{"UnitUnknown", "unit.secret", "unit has code, name, group and attrs, not secret"},
		{"UnitAttrUndeclared", "unit.attrs.x", "unknown attribute x"},
		{"GoMethod", "a.String()", "has no method String"},
		{"GoFieldOfText", "unit.group.Len", "has no field Len"},
		{"TypeReflection", "type(a)", "unknown name type"},
		{"HugeMap", "map(1..100000000, #)", "the builtin map is not part of the formula language"},
		{"HugeFilter", "filter(1..100000000, # > 0)", "the builtin filter is not part of the formula language"},
		{"HugeCount", "count(1..100000000, true)", "the builtin count is not part of the formula language"},
		{"HugeSum", "sum(1..100000000)", "the builtin sum is not part of the formula language"},
		{"HugeRange", "max(1..100000000)", "the operator .. is not part of the formula language"},
		{"Reduce", "reduce(1..10, #acc)", "the builtin reduce is not part of the formula language"},
		{"Let", "let x = 1; x", "let is not part of the formula language"},
		{"ListLiteral", "[1, 2]", "a list outside `in [...]` is not part of the formula language"},
		{"TextRepeat", `repeat("x", 100000000)`, "unknown name repeat"},
		{"TextTimes", `len("x" * 100000000)`, "unknown name len"},
		{"HugeLiteral", "1e400", "invalid float literal"},
		{"OneMegabyte", strings.Repeat("1+", 500000) + "1", "the formula is 1000001 bytes long; at most 4000 are allowed"},
		{"TooManyNodes", strings.Repeat("a+", 999) + "a", "maximum allowed nodes"},
		{"DeepUnary", strings.Repeat("-", 3000) + "a", "maximum allowed nodes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Scheme{Code: "f", Metrics: []Metric{{Code: "a", Type: TypeNumber}},
				Outputs: []Output{{Code: "o", Formula: tt.formula}}}
			_, _, err := Compile(s)
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("compiled: %v", err)
			}
			if es[0].Item != "o" || !strings.Contains(es[0].Message, tt.want) {
				t.Errorf("error %q of %q, want %q", es[0].Message, es[0].Item, tt.want)
			}
			if len(es[0].Error()) > 1000 {
				t.Errorf("message of %d bytes: a hostile formula is not echoed whole", len(es[0].Error()))
			}
		})
	}
}

// TestHostileFormulasBounded evaluates formulas that compile but push the numbers: deep
// nesting within the length limit and powers that overflow. Each is quick, and an overflow is
// a cell error, never an Inf or NaN in the JSON of the results.
func TestHostileFormulasBounded(t *testing.T) {
	for _, tt := range []struct {
		name, formula string
		want          any    // the cell, when there is no error
		wantErr       string // the cell's error
	}{
		{"Nesting500", strings.Repeat("(", 500) + "a" + strings.Repeat(")", 500), 3.0, ""},
		{"Nesting1999", strings.Repeat("(", 1999) + "a" + strings.Repeat(")", 1999), 3.0, ""},
		{"PowerOverflow", "2 ** 99999", nil, "+Inf is not a finite number"},
		{"NegativeOverflow", "-(a ** 99999)", nil, "Inf is not a finite number"},
		{"ZeroOverZero", "0 / 0", nil, "division by zero"},
		{"OverflowUnused", "a ?? (2 ** 99999)", 3.0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Scheme{Code: "f", Metrics: []Metric{{Code: "a", Type: TypeNumber}},
				Items:   []Item{{Code: "i", MaxPoints: pts(10), Formula: tt.formula}},
				Outputs: []Output{{Code: "o", Formula: tt.formula}}}
			p, _, err := Compile(s)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			sh := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"a": 3.0}}})
			if d := time.Since(start); d > time.Second {
				t.Errorf("evaluation took %v", d)
			}
			res := sh.Results()[0]
			data, err := json.Marshal(res)
			if err != nil {
				t.Fatalf("results do not marshal: %v", err)
			}
			if strings.Contains(string(data), "Inf") && tt.wantErr == "" || strings.Contains(string(data), "NaN") {
				t.Errorf("results carry a non-finite number: %s", data)
			}
			for _, code := range []string{"i", "o"} {
				if res.Cells[code] != tt.want {
					t.Errorf("%s = %v, want %v", code, res.Cells[code], tt.want)
				}
				if !strings.Contains(res.Errors[code], tt.wantErr) || (tt.wantErr == "") != (res.Errors[code] == "") {
					t.Errorf("%s error %q, want %q", code, res.Errors[code], tt.wantErr)
				}
			}
		})
	}
}

// TestTextDoublingBounded chains outputs that each join the previous one to itself: n outputs
// make a text of 2^n bytes, so 40 of them, well within MaxColumns, ask for a terabyte.
func TestTextDoublingBounded(t *testing.T) {
	s := &Scheme{Code: "f", Metrics: []Metric{{Code: "a", Type: TypeText}},
		Outputs: []Output{{Code: "o0", Formula: "a + a"}}}
	for i := 1; i < 40; i++ {
		s.Outputs = append(s.Outputs, Output{Code: fmt.Sprintf("o%d", i), Formula: fmt.Sprintf("o%d + o%d", i-1, i-1)})
	}
	p, _, err := Compile(s)
	if err != nil {
		return // refused at compile: bounded
	}
	res := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"a": "xx"}}}).Results()[0]
	if text, ok := res.Cells["o39"].(string); ok && len(text) > MaxTextLength {
		t.Errorf("o39 is %d bytes long", len(text))
	}
	// a is 2 bytes, o_i is 2^(i+2): o14 is 64 KB, o15 would be 128 KB: an error, and null after it.
	if got := res.Errors["o15"]; got != "the text would be 131072 bytes long; at most 65536 are allowed" {
		t.Errorf("o15 error %q", got)
	}
	if res.Cells["o39"] != nil {
		t.Errorf("o39 = %.20v…, want null", res.Cells["o39"])
	}
}
