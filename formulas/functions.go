package formulas

import (
	"reflect"
	"sort"

	"github.com/expr-lang/expr"
)

// Column functions read a whole column: their first argument names a metric, item or output
// (or total, grade, rank, group_rank), not a value.
var columnFunctions = map[string]bool{
	"rank": true, "rank_asc": true, "col_sum": true, "col_max": true, "col_min": true,
	"col_avg": true, "col_count": true, "lookup": true, "apportion": true,
}

// rowFunctions are the helpers that read values of the row.
var rowFunctions = map[string]bool{
	"clamp": true, "round_to": true, "pct": true, "below": true, "steps": true, "tier": true,
	"grade": true,
}

// builtins are the expr builtins that formulas may call.
var builtins = []string{"abs", "ceil", "floor", "round", "max", "min", "int", "float"}

// ReservedNames lists the names a metric, item or output code must not take: the sheet's
// own columns, the environment's roots, the helpers and the builtins.
func ReservedNames() []string {
	names := []string{"total", "grade", "rank", "group_rank", "unit", "params", "nil", "true",
		"false", "not", "and", "or", "in", "matches", "contains", "startsWith", "endsWith",
		"let", "if", "else", "veto", "complete"}
	for n := range columnFunctions {
		names = append(names, n)
	}
	for n := range rowFunctions {
		names = append(names, n)
	}
	names = append(names, builtins...)
	sort.Strings(names)
	return dedupe(names)
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// noCall stands in for the helpers during type checking: formulas never run on expr's VM.
func noCall(...any) (any, error) { return nil, nil }

// functionOptions declares every helper with its types, so that a bad call is a compile error.
func functionOptions() []expr.Option {
	opts := []expr.Option{
		expr.Function("clamp", noCall, new(func(float64, float64, float64) float64)),
		expr.Function("round_to", noCall, new(func(float64, float64) float64)),
		expr.Function("pct", noCall, new(func(float64, float64) float64)),
		expr.Function("below", noCall, new(func(float64, float64) float64)),
		expr.Function("steps", noCall, new(func(float64, float64) float64)),
		expr.Function("tier", noCall, new(func(float64, ...any) any)),
		expr.Function("grade", noCall, new(func(float64) string)),
		expr.Function("rank", noCall, new(func(any) int), new(func(any, any) int)),
		expr.Function("rank_asc", noCall, new(func(any) int), new(func(any, any) int)),
		expr.Function("col_sum", noCall, new(func(any) float64), new(func(any, any) float64)),
		expr.Function("col_max", noCall, new(func(any) float64), new(func(any, any) float64)),
		expr.Function("col_min", noCall, new(func(any) float64), new(func(any, any) float64)),
		expr.Function("col_avg", noCall, new(func(any) float64), new(func(any, any) float64)),
		expr.Function("col_count", noCall, new(func(any) int), new(func(any, any) int)),
		expr.Function("lookup", noCall, new(func(any, string) any)),
		expr.Function("apportion", noCall, new(func(float64, any) float64), new(func(float64, any, any) float64)),
		expr.DisableAllBuiltins(),
		expr.MaxNodes(MaxFormulaNodes),
	}
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return opts
}

var anyType = reflect.TypeOf((*any)(nil)).Elem()
