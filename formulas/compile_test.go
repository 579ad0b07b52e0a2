package formulas

import (
	"errors"
	"reflect"
	"testing"
)

func pts(x float64) *float64 { return &x }

// errScheme is a scheme with one item whose formula is f, and a few names to read.
func errScheme(items []Item, outputs []Output) *Scheme {
	return &Scheme{
		Code:       "t",
		Params:     map[string]float64{"pool": 1},
		Attributes: []Attribute{{Code: "population", Type: TypeInteger}},
		Metrics: []Metric{{Code: "res_actual", Type: TypeInteger}, {Code: "res_target", Type: TypeInteger},
			{Code: "flag", Type: TypeBoolean}, {Code: "name", Type: TypeText}},
		Items:   items,
		Outputs: outputs,
	}
}

func TestCompileErrors(t *testing.T) {
	item := func(f string) []Item { return []Item{{Code: "a", MaxPoints: pts(10), Formula: f}} }
	tests := []struct {
		name    string
		items   []Item
		outputs []Output
		want    Errors
	}{
		{"ErrUnknownName", item("res_actaul + 1"), nil, Errors{{Item: "a", Line: 1, Column: 1,
			Snippet: " | res_actaul + 1\n | ^", Message: "unknown name res_actaul, did you mean res_actual?"}}},
		{"ErrSyntax", item("1 +"), nil, Errors{{Item: "a", Line: 1, Column: 3,
			Snippet: " | 1 +\n | ..^", Message: "unexpected token EOF"}}},
		{"ErrTextComparedWithNumber", item(`"a" > 3`), nil, Errors{{Item: "a", Line: 1, Column: 5,
			Snippet: " | \"a\" > 3\n | ....^", Message: "invalid operation: > (mismatched types string and int)"}}},
		{"ErrBooleanAsNumber", item("flag + 1"), nil, Errors{{Item: "a", Line: 1, Column: 6,
			Snippet: " | flag + 1\n | .....^", Message: "invalid operation: + (mismatched types bool and int)"}}},
		{"ErrScoreGivesText", item("name"), nil, Errors{{Item: "a", Line: 1, Column: 1,
			Snippet: " | name\n | ^", Message: "a score item's formula must give a number; this one gives text"}}},
		{"ErrUnboundedLoop", nil, []Output{{Code: "o", Formula: "map(1..100000000, #)"}}, Errors{{Item: "o", Line: 1, Column: 1,
			Snippet: " | map(1..100000000, #)\n | ^", Message: "the builtin map is not part of the formula language"}}},
		{"ErrUnknownParam", item("params.pol"), nil, Errors{{Item: "a", Line: 1, Column: 8,
			Snippet: " | params.pol\n | .......^", Message: "unknown param pol, did you mean pool?"}}},
		{"ErrUnknownAttribute", item("unit.attrs.popul"), nil, Errors{{Item: "a", Line: 1, Column: 12,
			Snippet: " | unit.attrs.popul\n | ...........^", Message: "unknown attribute popul, did you mean population? (declare it in the scheme's attributes)"}}},
		{"ErrTierArity", item("tier(1, 2, 3)"), nil, Errors{{Item: "a", Line: 1, Column: 1,
			Snippet: " | tier(1, 2, 3)\n | ^", Message: "tier takes a value, pairs of threshold and result, then a default: tier(x, t1, v1, …, default)"}}},
		{"ErrRankOfValue", item("rank(1 + 2)"), nil, Errors{{Item: "a", Line: 1, Column: 8,
			Snippet: " | rank(1 + 2)\n | .......^", Message: "the first argument of rank names a column (a metric, item or output such as total), not a value"}}},
		{"ErrEnvEscape", item("$env"), nil, Errors{{Item: "a", Line: 1, Column: 1,
			Snippet: " | $env\n | ^", Message: "the name $env is not part of the formula language"}}},
		{"ErrCycleThroughTotal", item("rank(total)"), nil, Errors{{Item: "a", Message: "cycle: a → total → a"}}},
		{"ErrCycle", []Item{{Code: "a", MaxPoints: pts(10), Formula: "b + 1"}, {Code: "b", MaxPoints: pts(10), Formula: "c"},
			{Code: "c", MaxPoints: pts(10), Formula: "a"}}, nil, Errors{{Item: "a", Message: "cycle: a → b → c → a"}}},
		{"ErrCycleThroughOutputs", item("x"), []Output{{Code: "r", Formula: "rank(total)"}, {Code: "x", Formula: "r"}},
			Errors{{Item: "a", Message: "cycle: a → x → r → total → a"}}},
		{"ErrAllAtOnce", []Item{{Code: "a", MaxPoints: pts(10), Formula: "res_actaul"}, {Code: "b", MaxPoints: pts(10), Formula: "1 +"}}, nil,
			Errors{
				{Item: "a", Line: 1, Column: 1, Snippet: " | res_actaul\n | ^", Message: "unknown name res_actaul, did you mean res_actual?"},
				{Item: "b", Line: 1, Column: 3, Snippet: " | 1 +\n | ..^", Message: "unexpected token EOF"},
			}},
		{"ErrUnknownParamAndName", item("params.x + foo"), nil, Errors{
			{Item: "a", Line: 1, Column: 8, Snippet: " | params.x + foo\n | .......^", Message: "unknown param x"},
			{Item: "a", Line: 1, Column: 12, Snippet: " | params.x + foo\n | ...........^", Message: "unknown name foo, did you mean floor?"},
		}},
		{"ErrLeafWithoutFormula", []Item{{Code: "a", MaxPoints: pts(10)}}, nil, Errors{{Item: "a", Message: "item a has no formula"}}},
		{"ErrBadKind", []Item{{Code: "a", Kind: "penalty", Formula: "1"}}, nil,
			Errors{{Item: "a", Message: `item a has kind "penalty"; want score, bonus or deduction`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Compile(errScheme(tt.items, tt.outputs))
			var got Errors
			if !errors.As(err, &got) {
				t.Fatalf("err = %v, want Errors", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				for _, e := range got {
					t.Logf("got  %#v", *e)
				}
				for _, e := range tt.want {
					t.Logf("want %#v", *e)
				}
				t.Fail()
			}
		})
	}
}

func TestCompileOK(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		_, warnings, err := Compile(errScheme([]Item{{Code: "a", MaxPoints: pts(10),
			Formula: "clamp(pct(res_actual, res_target) / 10, 0, 10) + (flag ? 0 : 0) + unit.attrs.population * 0 + params.pool * 0"}}, nil))
		if err != nil || len(warnings) != 0 {
			t.Fatalf("err %v, warnings %v", err, warnings)
		}
	})
}

func TestWarnings(t *testing.T) {
	s := &Scheme{Code: "t", TotalPoints: 100, Items: []Item{
		{Code: "part", MaxPoints: pts(50), Children: []Item{
			{Code: "x", MaxPoints: pts(30), Formula: "30"},
			{Code: "y", MaxPoints: pts(10), Formula: "10"},
			{Code: "z", Kind: KindDeduction, MaxPoints: pts(5), Formula: "0"},
		}},
		{Code: "w", MaxPoints: pts(40), Formula: "40"},
		{Code: "extra", Kind: KindBonus, MaxPoints: pts(2), Formula: "0"},
	}}
	_, got, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	want := []Warning{
		{Kind: WarnCategoryPoints, Item: "part", Message: "category part is worth 50 points but its score items add up to 40"},
		{Kind: WarnTotalPoints, Message: "the scheme states 100 points but its top-level score items add up to 90"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n got %#v\nwant %#v", got, want)
	}
}
