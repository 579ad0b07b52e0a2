// Package formulas is rubric's scoring engine: it compiles a scheme (metrics, a tree of items
// with expr-lang formulas, outputs, grade bands, groups, params, a veto) into a Program and
// evaluates every cell of the sheet — one row per unit, one column per item or output — and
// explains any cell. It is a pure library: it imports expr, the standard library and the
// message catalogue (i18n, itself the standard library only), never HTTP or SQL.
//
// Stages, as in expr itself: declare every column and the typed environment (compile.go),
// parse each formula and rewrite unit.*, params.* and the columns named like helpers, record
// what each formula reads and give each column-function call a column of its own; order the
// columns once, reporting every cycle by its members (a → b → a); type-check formulas in that
// order, so an output's type is known before its readers are checked; and turn each checked
// syntax tree into Go closures over the sheet's columns (closure.go). All errors of a scheme
// come back together, each with its item, line, column and snippet.
//
// Evaluation runs column by column in dependency order (sheet.go): column functions such as
// rank(res_rate, unit.group) see the whole column they read, sort once, O(n log n), and keep
// the sorted order so that Set, which recomputes only the cells downstream of one changed
// value, merges instead of sorting again (update.go).
//
// Numbers. Scores must be what a decimal calculator shows. Two mechanisms fit expr: a decimal
// type through operator overloading, or float64 read the way Excel reads it. This package
// takes float64 with Excel's rule: before every discontinuity — ceil, floor, steps, round_to,
// round, tier, grade, comparisons and rank ties — and whenever a cell is stored, a value is
// read at 15 significant digits (number.go). Every input of a rubric has far fewer digits, so
// binary noise (25375/43750×100 = 58.00000000000001) is removed before it can move a cut,
// while values stay native floats: no allocation per operation, and a 10,000-unit sheet in
// about 20 ms. A decimal type would allocate on every operation and miss the speed targets;
// the 15-digit rule passes the exactness table of the tests as well.
//
// Formulas do not run on expr's VM: closures over typed columns cost no allocation per cell
// and let every operation apply the rule above. The formula language is expr's expression
// syntax without loops — no map, filter, ranges, let or member access beyond unit.* and
// params.* — so a formula's cost is bounded by its size (see limits.go), and nothing outside
// the scheme's columns is reachable.
//
// Differences from expr. The formula language is expr's syntax, type-checked by expr's checker,
// so a formula means what expr says it means, except for the differences below — all intended.
// TestDifferential and FuzzDifferential (differential_test.go) evaluate random well-typed
// formulas with rubric and with expr.Run and require the same result once each difference is
// written out in the formula given to expr (the column "written for expr as"). Nothing else
// may differ.
//
//	expr                                      rubric                                        written for expr as
//	int and float64; int arithmetic wraps     every number is a float64 (exact below 2^53;  the same formula
//	  at 2^63                                   inputs beyond it are refused)
//	compares raw doubles:                     reads numbers at 15 significant digits, a     _c(a) < _c(b), ceil(_c(x)),
//	  0.1 + 0.2 == 0.3 is false                 half away from zero, before <, <=, >, >=,     _c(x) in [...], the helpers
//	                                            ==, !=, in, ceil, floor, round, int, %,       with _c inside, the result
//	                                            steps, below, pct, round_to, tier, grade,     read with _c
//	                                            rank ties, and when a cell is stored
//	x / 0 is ±Inf or NaN; int % 0 a           a division, modulo or pct by zero is a cell   _div(a, b), an error at 0
//	  runtime error                             error
//	a ** b may be ±Inf or NaN; a formula      a non-finite power, or any non-finite result, _pow(a, b); a non-finite
//	  may return them                           is a cell error                               result counts as an error
//	int(x) converts to int64                  int(x) truncates toward zero (after the       _int(x)
//	                                            15-digit reading) and stays a float64
//	a function's arguments are all            tier(x, t1, v1, …, d) is the chain of ?: it   (_c(x) >= _c(t1) ? v1 : …)
//	  evaluated first                           stands for: only the result taken is
//	                                            evaluated
//	max and min pick by raw value             pick by the 15-digit reading; the first of    max, min (equal after _c)
//	                                            equal values wins
//	nil is a value like any other             null is a missing value: any operation on it  not generated (no metric
//	                                            gives null naming the metric, and ?? takes    is missing in the test)
//	                                            the right side only for null
//	texts of any length                       a text built longer than 64 KB is an error    not generated
//	the whole language                        no member access beyond unit.* and params.*,  refused when the scheme is
//	                                            no lists outside `in [...]`, maps, let, ;,    saved, with line and column
//	                                            closures (map, filter, all, #), ranges,
//	                                            slices, ?., matches, and only the builtins
//	                                            abs, ceil, floor, round, int, float, max, min
//	a condition is evaluated when it is run   a condition on literals and params alone is   the same formula
//	                                            decided when the scheme is compiled
//	                                            (static.go); the result is the same
//
// The helpers clamp, round_to, pct, below, steps, tier and grade (over bands with min and above)
// have no expr builtin; the test implements them a second time from docs/design.md. Column
// functions, unit.* and params.* read the sheet or the scheme and are tested on sheets of
// their own.
//
// Missing data is never zero: a cell that reads a null is null and names the missing metric,
// an incomplete unit has no total, grade or ranks, and column functions range over complete
// units only. A cell that cannot be computed (pct(x, 0)) holds an error; the rest of the sheet
// is still computed, and nothing panics out of the package.
package formulas
