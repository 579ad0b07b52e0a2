package formulas

import (
	"encoding/json"
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
