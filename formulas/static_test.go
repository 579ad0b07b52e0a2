package formulas

import (
	"reflect"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// A branch that params rule out is not read: with params.n = 1, y is not needed and a unit
// without it is complete; with params.n = 2 it is needed again.
func TestStaticBranchIsNotRead(t *testing.T) {
	for _, tt := range []struct {
		n        float64
		complete bool
		want     any
	}{
		{1, true, 3.0},
		{2, false, nil},
	} {
		s := &Scheme{Code: "s", Params: map[string]float64{"n": tt.n},
			Metrics: []Metric{{Code: "x", Type: TypeNumber}, {Code: "y", Type: TypeNumber}},
			Items:   []Item{{Code: "a", Formula: "x + (params.n >= 2 ? rank(y) : 0) + (params.n * 2 == 2 and true ? 1 : y)"}}}
		p, _, err := Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		res := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"x": 2}}}).Results()[0]
		if res.Complete != tt.complete || !reflect.DeepEqual(res.Cells["a"], tt.want) {
			t.Errorf("n=%v: complete %v a %v missing %v, want %v %v", tt.n, res.Complete, res.Cells["a"], res.Missing, tt.complete, tt.want)
		}
	}
}

func TestStatic(t *testing.T) {
	c := &compiler{params: map[string]float64{"n": 2}, badParams: map[string]bool{"bad": true}, p: &Program{byName: map[string]int{}}, s: &Scheme{}}
	for src, want := range map[string]bool{
		"__p_n >= 2":          true,
		"-__p_n < 1 or false": true,
		`"a" == "a"`:          true,
		"__p_n > 1 ? 1 : 2":   true,
		"x > 1":               false,
		"__p_bad > 1":         false,
		"__p_unknown > 1":     false,
		"abs(__p_n) > 1":      false,
		`"a" in ["a"]`:        false,
	} {
		tree := mustParse(t, src)
		if got := c.static(tree); got != want {
			t.Errorf("static(%s) = %v, want %v", src, got, want)
		}
	}
}

func mustParse(t *testing.T, src string) ast.Node {
	t.Helper()
	tree, err := parser.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return tree.Node
}

// TestStaticTextCondition is a finding of the differential test: a static condition that joins
// texts ("" + "ab") was evaluated with no sheet, and the text budget's counter was read from a
// nil one — an internal error compiling the scheme.
func TestStaticTextCondition(t *testing.T) {
	s := &Scheme{Code: "s", Outputs: []Output{{Code: "o", Formula: `("a" < ("" + "ab")) ? 1 : 2`}}}
	p, _, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Evaluate([]Row{{Unit: Unit{Code: "u"}}}).Results()[0].Cells["o"]; got != 1.0 {
		t.Errorf("o = %v, want 1 (\"a\" < \"ab\")", got)
	}
}
