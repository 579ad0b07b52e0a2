package formulas

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
)

// The differential test: rubric evaluates formulas with its own closures, not expr's VM, so
// the language is only as right as that compiler. Random well-typed formulas over the
// language rubric accepts are evaluated by rubric (as an output of a one-unit sheet) and by
// expr.Run on the same values, and must agree. The formula given to expr is the same tree
// written with the intended differences of doc.go made explicit — _c(x) where rubric reads a
// number at 15 significant digits, _div where a division by zero is a cell error — and the
// helpers with an expr equivalent are implemented here a second time, from their
// specification (docs/design.md), not from closure.go.

// diffGen writes one random formula in two forms: rubric's and expr's reference form. Its
// choices come from a byte stream, so a fuzzer's mutations change the formula's structure.
type diffGen struct {
	in    []byte
	pos   int
	nodes int
}

// pick returns a choice in [0, n).
func (g *diffGen) pick(n int) int {
	if g.pos >= len(g.in) || n <= 1 {
		g.pos++
		return 0
	}
	b := g.in[g.pos]
	g.pos++
	return int(b) % n
}

// Types of generated expressions. tInt is a number expr types as int (literals, integer
// metrics and their sums), so that % (expr's % takes ints) stays well-typed.
type dtype int

const (
	tNum dtype = iota
	tInt
	tBool
	tStr
)

type pair struct{ rubric, ref string }

func (g *diffGen) leafy(depth int) bool { return depth <= 0 || g.nodes > 40 }

func (g *diffGen) gen(t dtype, depth int) pair {
	g.nodes++
	switch t {
	case tInt:
		return g.genInt(depth)
	case tBool:
		return g.genBool(depth)
	case tStr:
		return g.genStr(depth)
	}
	return g.genNum(depth)
}

var (
	floatLits = []string{"0", "1", "0.1", "0.2", "0.3", "2.5", "4.725", "97.5", "100", "1e15", "1e-7", "33.333", "0.005", "1e200", "1234.5678", "60", "90", "60.5"}
	intLits   = []string{"0", "1", "2", "3", "5", "7", "10", "100"}
	strLits   = []string{`""`, `"a"`, `"b"`, `"ab"`, `"甲"`}
)

func (g *diffGen) genInt(depth int) pair {
	if g.leafy(depth) {
		switch g.pick(3) {
		case 0:
			l := intLits[g.pick(len(intLits))]
			return pair{l, l}
		case 1:
			return pair{"n", "n"}
		default:
			return pair{"m", "m"}
		}
	}
	switch g.pick(6) {
	case 0, 1, 2:
		op := []string{"+", "-", "*"}[g.pick(3)]
		a, b := g.gen(tInt, depth-1), g.gen(tInt, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "(" + a.ref + " " + op + " " + b.ref + ")"}
	case 3:
		a, b := g.gen(tInt, depth-1), g.gen(tInt, depth-1)
		return pair{"(" + a.rubric + " % " + b.rubric + ")", "(" + a.ref + " % " + b.ref + ")"}
	case 4:
		a := g.gen(tInt, depth-1)
		return pair{"(-" + a.rubric + ")", "(-" + a.ref + ")"}
	}
	a := g.gen(tInt, depth-1)
	return pair{"abs(" + a.rubric + ")", "abs(" + a.ref + ")"}
}

func (g *diffGen) genNum(depth int) pair {
	if g.leafy(depth) {
		switch g.pick(4) {
		case 0:
			l := floatLits[g.pick(len(floatLits))]
			return pair{l, l}
		case 1:
			return g.genInt(0)
		default:
			v := []string{"a", "b", "c"}[g.pick(3)]
			return pair{v, v}
		}
	}
	un := func(name, ref string) pair {
		a := g.gen(tNum, depth-1)
		return pair{name + "(" + a.rubric + ")", ref + "(" + a.ref + ")"}
	}
	bin := func(name, ref string) pair {
		a, b := g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{name + "(" + a.rubric + ", " + b.rubric + ")", ref + "(" + a.ref + ", " + b.ref + ")"}
	}
	switch g.pick(22) {
	case 0, 1, 2:
		op := []string{"+", "-", "*"}[g.pick(3)]
		a, b := g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "_fin(" + a.ref + " " + op + " " + b.ref + ")"}
	case 3:
		a, b := g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"(" + a.rubric + " / " + b.rubric + ")", "_div(" + a.ref + ", " + b.ref + ")"}
	case 4:
		a, b := g.gen(tNum, depth-1), g.gen(tInt, depth-1)
		op := []string{"**", "^"}[g.pick(2)]
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "_pow(" + a.ref + ", " + b.ref + ")"}
	case 5:
		a := g.gen(tNum, depth-1)
		return pair{"(-" + a.rubric + ")", "(-" + a.ref + ")"}
	case 6:
		return un("abs", "abs")
	case 7:
		fn := []string{"ceil", "floor", "round"}[g.pick(3)]
		a := g.gen(tNum, depth-1)
		return pair{fn + "(" + a.rubric + ")", fn + "(_c(" + a.ref + "))"}
	case 8:
		return un("int", "_int")
	case 9:
		fn := []string{"max", "min"}[g.pick(2)]
		return bin(fn, fn)
	case 10:
		a, lo, hi := g.gen(tNum, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"clamp(" + a.rubric + ", " + lo.rubric + ", " + hi.rubric + ")", "_clamp(" + a.ref + ", " + lo.ref + ", " + hi.ref + ")"}
	case 11:
		a, d := g.gen(tNum, depth-1), intLits[g.pick(4)]
		if g.pick(4) == 0 {
			d = []string{"-1", "0.5", "11"}[g.pick(3)]
		}
		return pair{"round_to(" + a.rubric + ", " + d + ")", "_round_to(" + a.ref + ", " + d + ")"}
	case 12:
		return bin("pct", "_pct")
	case 13:
		return bin("below", "_below")
	case 14:
		return bin("steps", "_steps")
	case 15:
		x, t1, v1, t2, v2, d := g.gen(tNum, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		// tier is the chain of ?: it stands for: only the result taken is evaluated.
		return pair{"tier(" + strings.Join([]string{x.rubric, t1.rubric, v1.rubric, t2.rubric, v2.rubric, d.rubric}, ", ") + ")",
			fmt.Sprintf("(_c(%s) >= _c(%s) ? %s : (_c(%s) >= _c(%s) ? %s : %s))", x.ref, t1.ref, v1.ref, x.ref, t2.ref, v2.ref, d.ref)}
	case 16, 17:
		c, a, b := g.gen(tBool, depth-1), g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"(" + c.rubric + " ? " + a.rubric + " : " + b.rubric + ")", "(" + c.ref + " ? " + a.ref + " : " + b.ref + ")"}
	case 18:
		a, b := g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"(" + a.rubric + " ?? " + b.rubric + ")", "(" + a.ref + " ?? " + b.ref + ")"}
	case 19:
		a := g.gen(tNum, depth-1)
		return pair{"float(" + a.rubric + ")", "float(" + a.ref + ")"}
	}
	return g.genInt(depth - 1)
}

func (g *diffGen) genBool(depth int) pair {
	if g.leafy(depth) {
		switch g.pick(3) {
		case 0:
			l := []string{"true", "false"}[g.pick(2)]
			return pair{l, l}
		default:
			v := []string{"p", "q"}[g.pick(2)]
			return pair{v, v}
		}
	}
	switch g.pick(11) {
	case 0, 1, 2:
		op := []string{"<", "<=", ">", ">=", "==", "!="}[g.pick(6)]
		a, b := g.gen(tNum, depth-1), g.gen(tNum, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "(_c(" + a.ref + ") " + op + " _c(" + b.ref + "))"}
	case 3:
		op := []string{"==", "!=", "<", ">=", "contains", "startsWith", "endsWith"}[g.pick(7)]
		a, b := g.gen(tStr, depth-1), g.gen(tStr, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "(" + a.ref + " " + op + " " + b.ref + ")"}
	case 4, 5:
		op := []string{"and", "or", "&&", "||"}[g.pick(4)]
		a, b := g.gen(tBool, depth-1), g.gen(tBool, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "(" + a.ref + " " + op + " " + b.ref + ")"}
	case 6:
		op := []string{"not ", "!"}[g.pick(2)]
		a := g.gen(tBool, depth-1)
		return pair{"(" + op + a.rubric + ")", "(" + op + a.ref + ")"}
	case 7:
		op := []string{"==", "!="}[g.pick(2)]
		a, b := g.gen(tBool, depth-1), g.gen(tBool, depth-1)
		return pair{"(" + a.rubric + " " + op + " " + b.rubric + ")", "(" + a.ref + " " + op + " " + b.ref + ")"}
	case 8:
		op := []string{"in", "not in"}[g.pick(2)]
		a := g.gen(tStr, depth-1)
		return pair{"(" + a.rubric + " " + op + ` ["a", "甲"])`, "(" + a.ref + " " + op + ` ["a", "甲"])`}
	case 9:
		op := []string{"in", "not in"}[g.pick(2)]
		a := g.gen(tNum, depth-1)
		return pair{"(" + a.rubric + " " + op + " [0.3, 1, 2.5])", "(_c(" + a.ref + ") " + op + " [0.3, 1.0, 2.5])"}
	}
	c, a, b := g.gen(tBool, depth-1), g.gen(tBool, depth-1), g.gen(tBool, depth-1)
	return pair{"(" + c.rubric + " ? " + a.rubric + " : " + b.rubric + ")", "(" + c.ref + " ? " + a.ref + " : " + b.ref + ")"}
}

func (g *diffGen) genStr(depth int) pair {
	if g.leafy(depth) {
		if g.pick(2) == 0 {
			l := strLits[g.pick(len(strLits))]
			return pair{l, l}
		}
		v := []string{"s", "t"}[g.pick(2)]
		return pair{v, v}
	}
	switch g.pick(4) {
	case 0:
		a, b := g.gen(tStr, depth-1), g.gen(tStr, depth-1)
		return pair{"(" + a.rubric + " + " + b.rubric + ")", "(" + a.ref + " + " + b.ref + ")"}
	case 2:
		a := g.gen(tNum, depth-1)
		return pair{"grade(" + a.rubric + ")", "_grade(" + a.ref + ")"}
	case 1:
		c, a, b := g.gen(tBool, depth-1), g.gen(tStr, depth-1), g.gen(tStr, depth-1)
		return pair{"(" + c.rubric + " ? " + a.rubric + " : " + b.rubric + ")", "(" + c.ref + " ? " + a.ref + " : " + b.ref + ")"}
	}
	return g.genStr(0)
}

// diffValues are the metric values of one case, also chosen from the byte stream.
func (g *diffGen) values() map[string]any {
	nums := []float64{0, 1, -1, 0.1, 0.2, 0.3, 2.5, 4.725, 97.5, 100, 1e15, 1e-7, 33.333, 0.30000000000000004, -2.5, 1e200, 58.00000000000001}
	ints := []int{0, 1, 2, 7, -3, 100}
	strs := []string{"", "a", "b", "甲"}
	return map[string]any{
		"a": nums[g.pick(len(nums))], "b": nums[g.pick(len(nums))], "c": nums[g.pick(len(nums))],
		"n": ints[g.pick(len(ints))], "m": ints[g.pick(len(ints))],
		"p": g.pick(2) == 0, "q": g.pick(2) == 0,
		"s": strs[g.pick(len(strs))], "t": strs[g.pick(len(strs))],
	}
}

// diffScheme is the scheme every case runs in: the metrics above, grade bands with an
// exclusive bound, one output.
func diffScheme(formula string) *Scheme {
	return &Scheme{Code: "d", Metrics: []Metric{
		{Code: "a", Type: TypeNumber}, {Code: "b", Type: TypeNumber}, {Code: "c", Type: TypeNumber},
		{Code: "n", Type: TypeInteger}, {Code: "m", Type: TypeInteger},
		{Code: "p", Type: TypeBoolean}, {Code: "q", Type: TypeBoolean},
		{Code: "s", Type: TypeText}, {Code: "t", Type: TypeText},
	}, Outputs: []Output{{Code: "o", Formula: formula}},
		Grades: []Grade{MinGrade(90, "优"), AboveGrade(60, "中"), MinGrade(0, "差")}}
}

// errRef is a cell error of the reference implementation.
var errRef = errors.New("cell error")

// fin is x, or a cell error when x is not a finite number.
func fin(x float64) (any, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, errRef
	}
	return x, nil
}

func f64(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	panic(fmt.Sprintf("not a number: %T", v))
}

// refRound rounds x (read at 15 digits) to d decimals, halves away from zero, in exact
// decimal arithmetic: an implementation independent of number.go's.
func refRound(x float64, d int) float64 {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(c15(x), 'g', -1, 64))
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(d))), nil))
	if d >= 0 {
		r.Mul(r, scale)
	} else {
		r.Quo(r, scale)
	}
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if neg {
		q.Neg(q)
	}
	out := new(big.Rat).SetInt(q)
	if d >= 0 {
		out.Quo(out, scale)
	} else {
		out.Mul(out, scale)
	}
	f, _ := out.Float64()
	return f
}

func abs(d int) int {
	if d < 0 {
		return -d
	}
	return d
}

// c15 is the 15-digit reading, written from its definition in exact arithmetic: x's exact
// decimal value rounded to 15 significant digits, a half away from zero (四舍五入, as rubric
// rounds everywhere; strconv would round an exact half to even), then the nearest double.
func c15(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	exact := new(big.Rat).SetFloat64(x)
	e, _ := strconv.Atoi(strings.SplitN(strconv.FormatFloat(x, 'e', 20, 64), "e", 2)[1])
	d := 14 - e // decimals to keep
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(d))), nil))
	r := new(big.Rat).Set(exact)
	if d >= 0 {
		r.Mul(r, scale)
	} else {
		r.Quo(r, scale)
	}
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if neg {
		q.Neg(q)
	}
	out := new(big.Rat).SetInt(q)
	if d >= 0 {
		out.Quo(out, scale)
	} else {
		out.Mul(out, scale)
	}
	f, _ := out.Float64()
	return f
}

// refOptions are the reference helpers for expr.Run.
func refOptions() []expr.Option {
	num1 := new(func(float64) float64)
	num2 := new(func(float64, float64) float64)
	fn := func(name string, f func(p ...any) (any, error), types ...any) expr.Option {
		return expr.Function(name, f, types...)
	}
	return []expr.Option{
		fn("_c", func(p ...any) (any, error) { return c15(f64(p[0])), nil }, num1),
		fn("_fin", func(p ...any) (any, error) { return fin(f64(p[0])) }, num1),
		fn("_div", func(p ...any) (any, error) {
			if f64(p[1]) == 0 {
				return nil, errRef
			}
			return fin(f64(p[0]) / f64(p[1]))
		}, num2),
		fn("_pow", func(p ...any) (any, error) {
			r := math.Pow(f64(p[0]), f64(p[1]))
			if math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, errRef
			}
			return r, nil
		}, num2),
		fn("_grade", func(p ...any) (any, error) {
			// bands ≥ 90 优, > 60 中, ≥ 0 差; below every band the lowest
			switch x := c15(f64(p[0])); {
			case x >= 90:
				return "优", nil
			case x > 60:
				return "中", nil
			}
			return "差", nil
		}, new(func(float64) string)),
		fn("_int", func(p ...any) (any, error) { return math.Trunc(c15(f64(p[0]))), nil }, num1),
		fn("_clamp", func(p ...any) (any, error) {
			x, lo, hi := f64(p[0]), f64(p[1]), f64(p[2])
			if c15(lo) > c15(hi) {
				return nil, errRef
			}
			return math.Min(math.Max(x, lo), hi), nil
		}, new(func(float64, float64, float64) float64)),
		fn("_round_to", func(p ...any) (any, error) {
			d := f64(p[1])
			if d != math.Trunc(d) || d < -10 || d > 10 {
				return nil, errRef
			}
			return refRound(f64(p[0]), int(d)), nil
		}, num2),
		fn("_pct", func(p ...any) (any, error) {
			if f64(p[1]) == 0 {
				return nil, errRef
			}
			return fin(c15(f64(p[0]) / f64(p[1]) * 100))
		}, num2),
		fn("_below", func(p ...any) (any, error) { return fin(c15(math.Max(0, f64(p[1])-f64(p[0])))) }, num2),
		fn("_steps", func(p ...any) (any, error) {
			if f64(p[1]) <= 0 {
				return nil, errRef
			}
			return fin(math.Floor(c15(c15(f64(p[0])) / f64(p[1]))))
		}, num2),
	}
}

// diffOutcome is what one side computed: a value, or an error.
type diffOutcome struct {
	v   any
	err bool
}

func (o diffOutcome) String() string {
	if o.err {
		return "error"
	}
	return fmt.Sprintf("%v (%T)", o.v, o.v)
}

// runRubric evaluates the formula as rubric does: nil and a non-nil error when it does not
// compile.
func runRubric(formula string, vals map[string]any) (diffOutcome, error) {
	p, _, err := Compile(diffScheme(formula))
	if err != nil {
		return diffOutcome{}, err
	}
	res := p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: vals}}).Results()[0]
	if _, bad := res.Errors["o"]; bad {
		return diffOutcome{err: true}, nil
	}
	return diffOutcome{v: res.Cells["o"]}, nil
}

// runExpr evaluates the reference form on expr's VM.
func runExpr(ref string, vals map[string]any) (diffOutcome, error) {
	env := map[string]any{}
	for k, v := range vals {
		env[k] = v
	}
	prog, err := expr.Compile(ref, append(refOptions(), expr.Env(env), expr.Optimize(false))...)
	if err != nil {
		return diffOutcome{}, err
	}
	out, err := expr.Run(prog, env)
	if err != nil {
		return diffOutcome{err: true}, nil
	}
	if x, ok := out.(int); ok {
		out = float64(x)
	}
	if x, ok := out.(float64); ok {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return diffOutcome{err: true}, nil // rubric: "the result is not a finite number"
		}
		out = c15(x)
	}
	return diffOutcome{v: out}, nil
}

// agree reports whether the two sides computed the same thing.
func agree(r, e diffOutcome) bool {
	if r.err || e.err {
		return r.err == e.err
	}
	if rf, ok := r.v.(float64); ok {
		ef, ok := e.v.(float64)
		return ok && rf == ef
	}
	return r.v == e.v
}

// diffCase generates one case from a byte stream and checks it. It returns false when the
// formula is one rubric rightly refuses (an intended difference of doc.go).
func diffCase(t *testing.T, in []byte) bool {
	t.Helper()
	g := &diffGen{in: in}
	vals := g.values()
	f := g.gen(dtype(g.pick(4)), 1+g.pick(5))
	r, rerr := runRubric(f.rubric, vals)
	e, eerr := runExpr(f.ref, vals)
	switch {
	case eerr != nil && rerr != nil:
		return false
	case eerr != nil:
		t.Fatalf("expr refuses the reference form but rubric compiles it:\nrubric: %s\nexpr:   %s\n%v", f.rubric, f.ref, eerr)
	case rerr != nil:
		t.Fatalf("rubric refuses a formula expr compiles:\nrubric: %s\nexpr:   %s\n%v", f.rubric, f.ref, rerr)
	}
	if skipDifference(vals, f) {
		return false
	}
	if !agree(r, e) {
		t.Fatalf("rubric and expr disagree\nformula: %s\nreference: %s\nvalues: %v\nrubric: %s\nexpr:   %s", f.rubric, f.ref, vals, r, e)
	}
	return true
}

// skipDifference leaves out the cases the table of doc.go lists as intended and not
// comparable: none today.
func skipDifference(map[string]any, pair) bool { return false }

// TestDifferential runs 20,000 random formulas (depth up to 5) through both evaluators.
func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	compared := 0
	for i := 0; i < n; i++ {
		in := make([]byte, 64)
		for j := range in {
			in[j] = byte(rng.IntN(256))
		}
		if diffCase(t, in) {
			compared++
		}
	}
	t.Logf("%d of %d random formulas compared", compared, n)
	if compared < n*9/10 {
		t.Errorf("only %d of %d formulas compiled on both sides", compared, n)
	}
}

// FuzzDifferential is the same check driven by a fuzzer: the input is the byte stream the
// generator's choices and the values come from.
func FuzzDifferential(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 16))
	for i := 0; i < 16; i++ {
		in := make([]byte, 48)
		for j := range in {
			in[j] = byte(rng.IntN(256))
		}
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 512 {
			return
		}
		diffCase(t, in)
	})
}

// TestDifferentialCanonDoubleRounding is the first finding of the differential test: the
// 15-digit reading multiplied by 10^14 and rounded, and where the product landed on a half
// it rounded a second time. 33.333 / 4.725 = 7.0546031746031745… reads 7.05460317460317 (as
// strconv and a calculator show), not 7.05460317460318.
func TestDifferentialCanonDoubleRounding(t *testing.T) {
	x := 33.333 / 4.725
	if got, want := canon(x), 7.05460317460317; got != want {
		t.Errorf("canon(33.333/4.725) = %v, want %v", got, want)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 100000; i++ {
		x := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(30)-12))
		if i%2 == 0 { // quotients of short decimals, as rubric's data makes them
			x = float64(rng.IntN(200000)-100000) / 1000 / (float64(rng.IntN(99999)+1) / 1000)
		}
		if got, want := canon(x), c15(x); got != want {
			t.Fatalf("canon(%v) = %v, want %v (exact decimal at 15 digits)", x, got, want)
		}
	}
}

// TestDifferentialOverflowIsAnError is the second finding of the fuzz target (input
// 24a361f3f3dba5f7): steps(2e202, 7.9e-231) overflowed to +Inf, which rubric carried on as a
// number, and Inf ** 0 made it 1. An overflow is now a cell error where it happens — in
// +, -, *, /, steps and below as already in ** and pct — so min(5, a * 1e308) is an error, not
// 5, and no NaN (Inf − Inf), which compares equal to everything at 15 digits, can arise.
func TestDifferentialOverflowIsAnError(t *testing.T) {
	for _, f := range []string{
		"(round_to(steps(steps(1e200, 0.005), (0.005 ** 100)), -1) ** 0)",
		"min(5, a * 1e308)", "a * 1e308 - a * 1e308 == 1", "a * 1.7e298 + 1.7e308 > 0", "-a * 1.7e298 - 1.7e308 < 0",
		"below(-1.7e308, a * 1.7e298)", "a / 1e-308 > 0", "steps(a, 1e-308) > 0",
	} {
		r, err := runRubric(f, map[string]any{"a": 1e10, "b": 0.0, "c": 0.0, "n": 0, "m": 0, "p": true, "q": true, "s": "", "t": ""})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !r.err {
			t.Errorf("%s = %v, want a cell error", f, r)
		}
	}
}

// TestDifferentialExponentOfLargeNumbers is the third finding of the fuzz target (input
// d3a591f959b0aa52): (1e15 + 1) × −1e15 = −1.000000000000001e30 was not read at 15 digits,
// because the decimal exponent of numbers beyond the table (≥ 1e22) came from math.Log10,
// which gives 29.999… for it. It reads −1e30, as a calculator shows.
func TestDifferentialExponentOfLargeNumbers(t *testing.T) {
	if got := canon(-1.000000000000001e30); got != -1e30 {
		t.Errorf("canon(-1.000000000000001e30) = %v, want -1e30", got)
	}
	for e := 22; e < 308; e++ {
		for _, x := range []float64{math.Pow10(e), math.Nextafter(math.Pow10(e), 0), math.Nextafter(math.Pow10(e), math.Inf(1)), 1.000000000000001 * math.Pow10(e), 9.999999999999999 * math.Pow10(e-1)} {
			if got, want := canon(x), c15(x); got != want {
				t.Errorf("canon(%v) = %v, want %v", x, got, want)
			}
		}
	}
}
