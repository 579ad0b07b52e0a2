package formulas

import (
	"fmt"
	"math"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Formulas are checked by expr and then turned into Go closures over the sheet's columns
// rather than run on expr's VM: a cell then costs a few closure calls and no allocation, and
// every operation sees numbers the way DESIGN.md's exactness rule says (see number.go).

// build turns every checked formula into its closure.
func (c *compiler) build(order []int) {
	for _, id := range order {
		col := c.p.cols[id]
		var node ast.Node
		switch {
		case col.tree != nil:
			node = col.tree.Node
		case col.role == roleArg:
			node = col.node
		default:
			continue
		}
		owner := col
		if col.role == roleArg {
			owner = c.ownerOf(col)
		}
		b := &builder{c: c, col: owner}
		fn := b.node(node)
		if b.failed {
			continue
		}
		col.eval = fn
	}
}

// ownerOf finds the formula an argument column belongs to, for error messages.
func (c *compiler) ownerOf(arg *colDef) *colDef {
	name := arg.name
	if i := strings.IndexByte(name, '#'); i >= 0 {
		name = name[:i]
	}
	if name == nameVeto {
		return c.p.cols[c.p.veto]
	}
	if id, ok := c.p.byName[name]; ok {
		return c.p.cols[id]
	}
	return arg
}

// builder compiles the nodes of one formula.
type builder struct {
	c      *compiler
	col    *colDef
	failed bool
}

func (b *builder) unsupported(n ast.Node, what string) evalFn {
	return b.errorAt(n, what+" is not part of the formula language")
}

func (b *builder) errorAt(n ast.Node, msg string) evalFn {
	b.failed = true
	b.c.positioned(b.col, n, msg)
	return nil
}

func constant(v val) evalFn { return func(*Sheet, int) val { return v } }

func (b *builder) node(n ast.Node) evalFn {
	switch n := n.(type) {
	case *ast.NilNode:
		return constant(null(""))
	case *ast.IntegerNode:
		return constant(num(float64(n.Value)))
	case *ast.FloatNode:
		return constant(num(n.Value))
	case *ast.BoolNode:
		return constant(boolean(n.Value))
	case *ast.StringNode:
		return constant(str(n.Value))
	case *ast.ConstantNode:
		return constant(fromGo(n.Value))
	case *ast.IdentifierNode:
		return b.identifier(n)
	case *ast.UnaryNode:
		return b.unary(n)
	case *ast.BinaryNode:
		return b.binary(n)
	case *ast.ConditionalNode:
		if live, ok := b.c.liveBranch(n); ok {
			return b.node(live) // a condition on params only: one branch for good (static.go)
		}
		cond, yes, no := b.node(n.Cond), b.node(n.Exp1), b.node(n.Exp2)
		return func(sh *Sheet, r int) val {
			v := cond(sh, r)
			if v.k != kBool {
				return notBool(v, "the condition")
			}
			if v.n != 0 {
				return yes(sh, r)
			}
			return no(sh, r)
		}
	case *ast.CallNode:
		return b.call(n)
	case *ast.BuiltinNode:
		return b.builtin(n)
	case *ast.MemberNode:
		return b.unsupported(n, "member access")
	case *ast.ArrayNode:
		return b.unsupported(n, "a list outside `in [...]`")
	case *ast.MapNode:
		return b.unsupported(n, "a map")
	case *ast.VariableDeclaratorNode:
		return b.unsupported(n, "let")
	case *ast.SequenceNode:
		return b.unsupported(n, "a sequence (;)")
	case *ast.PointerNode, *ast.PredicateNode:
		return b.unsupported(n, "a predicate (#)")
	case *ast.SliceNode:
		return b.unsupported(n, "slicing")
	case *ast.ChainNode:
		return b.unsupported(n, "optional chaining (?.)")
	}
	return b.unsupported(n, fmt.Sprintf("%T", n))
}

func (b *builder) identifier(n *ast.IdentifierNode) evalFn {
	if name, ok := strings.CutPrefix(n.Value, nameParam); ok {
		return constant(num(b.c.params[name]))
	}
	id, ok := b.c.p.byName[n.Value]
	if !ok {
		return b.unsupported(n, "the name "+n.Value)
	}
	return func(sh *Sheet, r int) val { return sh.cols[id].get(r) }
}

// notBool explains a value that should have been true or false; nulls and errors pass.
func notBool(v val, what string) val {
	if v.k == kNull || v.k == kErr {
		return v
	}
	return fail("%s must be true or false, not %s", what, v)
}

// bad is the result of an operation whose operands are not what it takes: a null or an
// error passes through, anything else is a cell error.
func bad(op string, x, y val) val {
	for _, v := range []val{x, y} {
		if v.k == kErr || v.k == kNull {
			return v
		}
	}
	return fail("cannot apply %s to %s and %s", op, x, y)
}

func (b *builder) unary(n *ast.UnaryNode) evalFn {
	x := b.node(n.Node)
	switch n.Operator {
	case "-":
		return func(sh *Sheet, r int) val {
			v := x(sh, r)
			if v.k != kNum {
				return bad("-", v, num(0))
			}
			return num(-v.n)
		}
	case "+":
		return x
	case "!", "not":
		return func(sh *Sheet, r int) val {
			v := x(sh, r)
			if v.k != kBool {
				return notBool(v, "the operand of not")
			}
			return boolean(v.n == 0)
		}
	}
	return b.unsupported(n, "the operator "+n.Operator)
}

func (b *builder) binary(n *ast.BinaryNode) evalFn {
	if n.Operator == "in" || n.Operator == "not in" {
		return b.in(n)
	}
	x, y := b.node(n.Left), b.node(n.Right)
	if x == nil || y == nil {
		return nil
	}
	op := n.Operator
	switch op {
	case "+":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k == kNum && c.k == kNum {
				return finiteNum(a.n + c.n)
			}
			if a.k == kStr && c.k == kStr {
				return sh.joinText(a.s, c.s)
			}
			return bad(op, a, c)
		}
	case "-":
		return arith(op, x, y, func(a, c float64) float64 { return a - c })
	case "*":
		return arith(op, x, y, func(a, c float64) float64 { return a * c })
	case "/":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k != kNum || c.k != kNum {
				return bad(op, a, c)
			}
			if c.n == 0 {
				return fail("division by zero")
			}
			return finiteNum(a.n / c.n)
		}
	case "%":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k != kNum || c.k != kNum {
				return bad(op, a, c)
			}
			if canon(c.n) == 0 {
				return fail("modulo by zero")
			}
			return num(math.Mod(canon(a.n), canon(c.n)))
		}
	case "**", "^":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k != kNum || c.k != kNum {
				return bad(op, a, c)
			}
			return checkedNum(math.Pow(a.n, c.n))
		}
	case "==", "!=":
		want := op == "=="
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k == kErr {
				return a
			}
			if c.k == kErr {
				return c
			}
			return boolean(equal(a, c) == want)
		}
	case "<", ">", "<=", ">=":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			var d int
			switch {
			case a.k == kNum && c.k == kNum:
				d = compare(a.n, c.n)
			case a.k == kStr && c.k == kStr:
				d = strings.Compare(a.s, c.s)
			default:
				return bad(op, a, c)
			}
			switch op {
			case "<":
				return boolean(d < 0)
			case ">":
				return boolean(d > 0)
			case "<=":
				return boolean(d <= 0)
			}
			return boolean(d >= 0)
		}
	case "and", "&&":
		return func(sh *Sheet, r int) val {
			a := x(sh, r)
			if a.k != kBool {
				return notBool(a, "the left side of and")
			}
			if a.n == 0 {
				return a
			}
			c := y(sh, r)
			if c.k != kBool {
				return notBool(c, "the right side of and")
			}
			return c
		}
	case "or", "||":
		return func(sh *Sheet, r int) val {
			a := x(sh, r)
			if a.k != kBool {
				return notBool(a, "the left side of or")
			}
			if a.n != 0 {
				return a
			}
			c := y(sh, r)
			if c.k != kBool {
				return notBool(c, "the right side of or")
			}
			return c
		}
	case "??":
		return func(sh *Sheet, r int) val {
			if a := x(sh, r); a.k != kNull {
				return a
			}
			return y(sh, r)
		}
	case "contains", "startsWith", "endsWith":
		return func(sh *Sheet, r int) val {
			a, c := x(sh, r), y(sh, r)
			if a.k != kStr || c.k != kStr {
				return bad(op, a, c)
			}
			switch op {
			case "contains":
				return boolean(strings.Contains(a.s, c.s))
			case "startsWith":
				return boolean(strings.HasPrefix(a.s, c.s))
			}
			return boolean(strings.HasSuffix(a.s, c.s))
		}
	}
	return b.unsupported(n, "the operator "+op)
}

func arith(op string, x, y evalFn, f func(a, c float64) float64) evalFn {
	return func(sh *Sheet, r int) val {
		a, c := x(sh, r), y(sh, r)
		if a.k != kNum || c.k != kNum {
			return bad(op, a, c)
		}
		// An overflow is a cell error where it happens, not a number that a comparison or
		// a min could turn back into a score (min(5, a * 1e308) is not 5). Found by the
		// differential test (TestDifferentialOverflowIsAnError).
		return finiteNum(f(a.n, c.n))
	}
}

// finiteNum is x, or the cell error of an overflow.
func finiteNum(x float64) val {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fail("the result %v is not a finite number", x)
	}
	return num(x)
}

// equal compares two values as a decimal calculator would; null equals only null.
func equal(a, c val) bool {
	if a.k != c.k {
		return false
	}
	switch a.k {
	case kNum:
		return compare(a.n, c.n) == 0
	case kBool:
		return a.n == c.n
	case kStr:
		return a.s == c.s
	}
	return true
}

// in tests membership in a literal list: unit.group in ["主功能区", "开发区"].
func (b *builder) in(n *ast.BinaryNode) evalFn {
	list, ok := n.Right.(*ast.ArrayNode)
	if !ok {
		return b.unsupported(n.Right, "`in` over anything but a literal list")
	}
	x := b.node(n.Left)
	items := make([]evalFn, len(list.Nodes))
	for i, e := range list.Nodes {
		items[i] = b.node(e)
	}
	if b.failed {
		return nil
	}
	want := n.Operator == "in"
	return func(sh *Sheet, r int) val {
		a := x(sh, r)
		if a.k == kErr || a.k == kNull {
			return a
		}
		for _, it := range items {
			if equal(a, it(sh, r)) {
				return boolean(want)
			}
		}
		return boolean(!want)
	}
}

// args compiles a call's arguments.
func (b *builder) args(nodes []ast.Node) []evalFn {
	out := make([]evalFn, len(nodes))
	for i, n := range nodes {
		out[i] = b.node(n)
	}
	return out
}

// numbers evaluates numeric arguments; ok is false with the value to return otherwise.
func numbers(sh *Sheet, r int, fns []evalFn, dst []float64, fn string) (val, bool) {
	for i, f := range fns {
		v := f(sh, r)
		if v.k != kNum {
			if v.k == kNull || v.k == kErr {
				return v, false
			}
			return fail("%s takes numbers, not %s", fn, v), false
		}
		dst[i] = v.n
	}
	return val{}, true
}

func (b *builder) builtin(n *ast.BuiltinNode) evalFn {
	name := n.Name
	switch name {
	case "abs", "ceil", "floor", "round", "int", "float", "max", "min":
	default:
		return b.unsupported(n, "the builtin "+name)
	}
	args := b.args(n.Arguments)
	if b.failed {
		return nil
	}
	switch name {
	case "abs", "ceil", "floor", "round", "int", "float":
		if len(args) != 1 {
			return b.unsupported(n, name+" with "+fmt.Sprint(len(args))+" arguments")
		}
		f := map[string]func(float64) float64{
			"abs":   math.Abs,
			"ceil":  func(x float64) float64 { return math.Ceil(canon(x)) },
			"floor": func(x float64) float64 { return math.Floor(canon(x)) },
			"round": func(x float64) float64 { return math.Round(canon(x)) },
			"int":   func(x float64) float64 { return math.Trunc(canon(x)) },
			"float": func(x float64) float64 { return x },
		}[name]
		a := args[0]
		return func(sh *Sheet, r int) val {
			v := a(sh, r)
			if v.k != kNum {
				if v.k == kNull || v.k == kErr {
					return v
				}
				return fail("%s takes a number, not %s", name, v)
			}
			return num(f(v.n))
		}
	case "max", "min":
		if len(args) == 0 {
			return b.unsupported(n, name+" with no arguments")
		}
		isMax := name == "max"
		return func(sh *Sheet, r int) val {
			var best float64
			for i, a := range args {
				v := a(sh, r)
				if v.k != kNum {
					if v.k == kNull || v.k == kErr {
						return v
					}
					return fail("%s takes numbers, not %s", name, v)
				}
				if i == 0 || (isMax && compare(v.n, best) > 0) || (!isMax && compare(v.n, best) < 0) {
					best = v.n
				}
			}
			return num(best)
		}
	}
	return b.unsupported(n, "the builtin "+name)
}

func (b *builder) call(n *ast.CallNode) evalFn {
	name := ""
	if id, ok := n.Callee.(*ast.IdentifierNode); ok {
		name = id.Value
	}
	if columnFunctions[name] {
		id, ok := b.col.calls[n]
		if !ok {
			return b.unsupported(n, "this call of "+name)
		}
		return func(sh *Sheet, r int) val { return sh.cols[id].get(r) }
	}
	args := b.args(n.Arguments)
	if b.failed {
		return nil
	}
	need := map[string]int{"clamp": 3, "round_to": 2, "pct": 2, "below": 2, "steps": 2, "grade": 1}
	if k, ok := need[name]; ok && len(args) != k {
		return b.errorAt(n, fmt.Sprintf("%s takes %d arguments, not %d", name, k, len(args)))
	}
	switch name {
	case "clamp":
		return numeric3(args, name, func(x, lo, hi float64) val {
			if compare(lo, hi) > 0 {
				return fail("clamp: the lower bound %v is above the upper bound %v", lo, hi)
			}
			return num(math.Min(math.Max(x, lo), hi))
		})
	case "round_to":
		return numeric2(args, name, func(x, d float64) val {
			if d != math.Trunc(d) || d < -10 || d > 10 {
				return fail("round_to: %v decimals; want a whole number from -10 to 10", d)
			}
			return num(roundHalfAway(x, int(d)))
		})
	case "pct":
		return numeric2(args, name, func(a, c float64) val {
			if c == 0 {
				return fail("pct: the base is 0")
			}
			return checkedNum(canon(a / c * 100))
		})
	case "below":
		return numeric2(args, name, func(x, t float64) val {
			return finiteNum(canon(math.Max(0, t-x)))
		})
	case "steps":
		return numeric2(args, name, func(x, s float64) val {
			if s <= 0 {
				return fail("steps: the step %v must be above 0", s)
			}
			return finiteNum(math.Floor(canon(canon(x) / s)))
		})
	case "grade":
		grades := b.c.s.Grades
		a := args[0]
		return func(sh *Sheet, r int) val {
			v := a(sh, r)
			if v.k != kNum {
				return bad("grade", v, v)
			}
			return gradeOf(grades, v.n)
		}
	case "tier":
		if len(args) < 4 || len(args)%2 != 0 {
			return b.errorAt(n, "tier takes a value, pairs of threshold and result, then a default: tier(x, t1, v1, …, default)")
		}
		return func(sh *Sheet, r int) val {
			x := args[0](sh, r)
			if x.k != kNum {
				return bad("tier", x, x)
			}
			last := len(args) - 1
			for i := 1; i < last; i += 2 {
				t := args[i](sh, r)
				if t.k != kNum {
					return bad("tier", t, t)
				}
				if compare(x.n, t.n) >= 0 {
					return args[i+1](sh, r)
				}
			}
			return args[last](sh, r)
		}
	}
	return b.unsupported(n, "the function "+name)
}

func numeric2(args []evalFn, name string, f func(a, c float64) val) evalFn {
	x, y := args[0], args[1]
	return func(sh *Sheet, r int) val {
		a, c := x(sh, r), y(sh, r)
		if a.k != kNum || c.k != kNum {
			return bad(name, a, c)
		}
		return f(a.n, c.n)
	}
}

func numeric3(args []evalFn, name string, f func(a, b, c float64) val) evalFn {
	return func(sh *Sheet, r int) val {
		var v [3]float64
		if bad, ok := numbers(sh, r, args, v[:], name); !ok {
			return bad
		}
		return f(v[0], v[1], v[2])
	}
}

// gradeOf is the label of the band holding x; bands run from the highest, and a value
// below every band gets the lowest.
func gradeOf(grades []Grade, x float64) val {
	if len(grades) == 0 {
		return null(nullNoGrades)
	}
	for _, g := range grades {
		if g.Holds(x) {
			return str(g.Label)
		}
	}
	return str(grades[len(grades)-1].Label)
}
