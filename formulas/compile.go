package formulas

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
)

// Internal column names. They start with "__" so that no code (^[a-z][a-z0-9_]*$) takes them.
const (
	nameRank     = "__rank_col"
	nameGrade    = "__grade_col"
	nameComplete = "__complete"
	nameVeto     = "__veto"
	nameUnit     = "__unit_"
	nameAttr     = "__a_"
	nameParam    = "__p_"
)

// compiler holds the state of one Compile call.
type compiler struct {
	s      *Scheme
	p      *Program
	errs   Errors
	types  map[string]reflect.Type // the type of every name a formula may read
	params map[string]float64
	attrs  map[string]bool
	// badParams are unknown params already reported; the checker sees them as numbers.
	badParams map[string]bool
}

// Compile checks every formula of a scheme against its typed environment, orders the
// columns and returns the program that evaluates sheets, with the scheme's warnings. All
// errors are returned together as Errors.
func Compile(s *Scheme) (prog *Program, warnings []Warning, err error) {
	defer func() {
		// A bug in the engine must not take the server down with it.
		if r := recover(); r != nil {
			prog, warnings, err = nil, nil, Errors{{Message: fmt.Sprintf("internal error compiling the scheme: %v", r)}}
		}
	}()
	if s == nil {
		return nil, nil, Errors{{Message: "no scheme"}}
	}
	c := &compiler{
		s:         s,
		p:         &Program{scheme: s, byName: map[string]int{}},
		types:     map[string]reflect.Type{},
		params:    map[string]float64{},
		attrs:     map[string]bool{},
		badParams: map[string]bool{},
	}
	c.declare()
	if len(c.errs) > 0 {
		return nil, nil, c.errs
	}
	c.parseAll()
	c.resolve()
	order := c.sort()
	if order != nil {
		c.check(order)
		c.checkLookupKeys()
		c.checkLayers()
	}
	if len(c.errs) > 0 {
		return nil, nil, c.sorted()
	}
	c.build(order)
	c.checkText(order)
	if len(c.errs) > 0 {
		return nil, nil, c.sorted()
	}
	c.p.order = order
	for _, col := range c.p.columns {
		c.p.codes = append(c.p.codes, col.Code)
	}
	c.indexReaders()
	return c.p, schemeWarnings(s), nil
}

// sorted returns the errors in the order of the document: by the column they concern.
func (c *compiler) sorted() Errors {
	pos := func(e *Error) int {
		if e.Item == "veto" && c.p.veto >= 0 {
			return c.p.veto
		}
		if id, ok := c.p.byName[e.Item]; ok {
			return id
		}
		return -1
	}
	sort.SliceStable(c.errs, func(i, j int) bool {
		a, b := c.errs[i], c.errs[j]
		if pa, pb := pos(a), pos(b); pa != pb {
			return pa < pb
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return c.errs
}

// add appends a column and registers its name.
func (c *compiler) add(col *colDef) *colDef {
	col.id = len(c.p.cols)
	col.parent = -1
	col.precision = -1
	c.p.cols = append(c.p.cols, col)
	if col.name != "" {
		if _, dup := c.p.byName[col.name]; dup {
			c.errs = append(c.errs, &Error{Item: col.name, Message: fmt.Sprintf("code %q is used twice", col.name)})
		}
		c.p.byName[col.name] = col.id
	}
	return col
}

func (c *compiler) errorf(item, format string, args ...any) {
	c.errs = append(c.errs, &Error{Item: item, Message: fmt.Sprintf(format, args...)})
}

// declare registers every column of the sheet and the types formulas see.
func (c *compiler) declare() {
	s := c.s
	if n := len(s.Metrics) + countItems(s.Items) + len(s.Outputs); n > MaxColumns {
		c.errorf("", "the scheme has %d metrics, items and outputs; at most %d are allowed", n, MaxColumns)
		return
	}
	if p := s.Decimals(); p < 0 || p > 6 {
		c.errorf("", "precision %d is out of range 0..6", p)
	}
	for name, v := range s.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			c.errorf("params."+name, "param %s is not a finite number", name)
		}
		c.params[name] = v
	}
	for i := range s.Metrics {
		m := &s.Metrics[i]
		col := c.add(&colDef{name: m.Code, role: roleMetric, title: m.Title, metric: m})
		c.p.metrics = append(c.p.metrics, col.id)
		t, ok := typeOf(m.Type)
		if !ok {
			c.errorf(m.Code, "metric %s has type %q; want number, integer, boolean or text", m.Code, m.Type)
		}
		c.types[m.Code] = t
	}
	for _, f := range []string{"code", "name", "group"} {
		c.add(&colDef{name: nameUnit + f, role: roleUnitField})
		c.types[nameUnit+f] = reflect.TypeOf("")
	}
	c.p.group = c.p.byName[nameUnit+"group"]
	for _, a := range s.Attributes {
		t, ok := typeOf(a.Type)
		if !ok {
			c.errorf("unit.attrs."+a.Code, "attribute %s has type %q; want number, integer, boolean or text", a.Code, a.Type)
		}
		c.add(&colDef{name: nameAttr + a.Code, role: roleUnitField, title: a.Title})
		c.types[nameAttr+a.Code] = t
		c.attrs[a.Code] = true
	}
	c.p.complete = c.add(&colDef{name: nameComplete, role: roleComplete}).id
	for i := range s.Items {
		c.declareItem(&s.Items[i], nil, 1)
	}
	for i := range s.Outputs {
		o := &s.Outputs[i]
		col := c.add(&colDef{name: o.Code, role: roleOutput, title: o.Title, output: o, source: o.Formula})
		if o.Precision != nil {
			if *o.Precision < 0 || *o.Precision > 10 {
				c.errorf(o.Code, "precision %d is out of range 0..10", *o.Precision)
			}
			col.precision = *o.Precision
		}
		if strings.TrimSpace(o.Formula) == "" {
			c.errorf(o.Code, "output %s has no formula", o.Code)
		}
		c.p.columns = append(c.p.columns, Column{Code: o.Code, Title: o.Title, Kind: "output", Unit: o.Unit})
	}
	c.p.veto = -1
	if s.Veto != nil && strings.TrimSpace(s.Veto.Formula) != "" {
		c.p.veto = c.add(&colDef{name: nameVeto, role: roleVeto, title: s.Veto.Label, source: s.Veto.Formula}).id
	}
	total := c.add(&colDef{name: "total", role: roleTotal, title: "总分"})
	c.p.total = total.id
	for _, id := range c.p.topItems {
		total.children = append(total.children, id)
		total.signs = append(total.signs, sign(c.p.cols[id].kind))
	}
	c.types["total"] = reflect.TypeOf(0.0)
	c.p.grade = c.add(&colDef{name: nameGrade, role: roleGrade, title: "等次"}).id
	c.types[nameGrade] = reflect.TypeOf("")
	c.p.rank = c.add(&colDef{name: nameRank, role: roleCall, call: &callDef{fn: "rank", src: c.p.total, arg: -1}}).id
	c.types[nameRank] = reflect.TypeOf(0)
	c.p.groupRank = c.add(&colDef{name: "group_rank", role: roleCall, call: &callDef{fn: "rank", src: c.p.total, arg: c.p.group}}).id
	c.types["group_rank"] = reflect.TypeOf(0)
}

func (c *compiler) declareItem(it *Item, parent *colDef, depth int) {
	if depth > MaxDepth {
		c.errorf(it.Code, "item %s is nested %d deep; at most %d levels are allowed", it.Code, depth, MaxDepth)
		return
	}
	kind := it.ItemKind()
	if kind != KindScore && kind != KindBonus && kind != KindDeduction {
		c.errorf(it.Code, "item %s has kind %q; want score, bonus or deduction", it.Code, it.Kind)
	}
	if it.MaxPoints != nil && (*it.MaxPoints < 0 || math.IsNaN(*it.MaxPoints) || math.IsInf(*it.MaxPoints, 0)) {
		c.errorf(it.Code, "item %s has max_points %v; want a number ≥ 0", it.Code, *it.MaxPoints)
	}
	r := roleItem
	if len(it.Children) > 0 {
		r = roleCategory
		if strings.TrimSpace(it.Formula) != "" {
			c.errorf(it.Code, "item %s has children and a formula; a category is the sum of its children", it.Code)
		}
	} else if strings.TrimSpace(it.Formula) == "" {
		c.errorf(it.Code, "item %s has no formula", it.Code)
	}
	col := c.add(&colDef{name: it.Code, role: r, title: it.Title, item: it, kind: kind, max: it.MaxPoints, source: it.Formula})
	c.types[it.Code] = reflect.TypeOf(0.0)
	pcode := ""
	if parent != nil {
		col.parent = parent.id
		parent.children = append(parent.children, col.id)
		parent.signs = append(parent.signs, sign(kind))
		pcode = parent.name
	} else {
		c.p.topItems = append(c.p.topItems, col.id)
	}
	c.p.columns = append(c.p.columns, Column{Code: it.Code, Title: it.Title, Kind: kind, MaxPoints: it.MaxPoints,
		Parent: pcode, Category: r == roleCategory, Depth: depth - 1}) // 0 at the top level, as in /items
	if r == roleCategory {
		for i := range it.Children {
			c.declareItem(&it.Children[i], col, depth+1)
		}
	}
}

func sign(kind string) float64 {
	if kind == KindDeduction {
		return -1
	}
	return 1
}

func countItems(items []Item) int {
	n := 0
	for i := range items {
		n += 1 + countItems(items[i].Children)
	}
	return n
}

func typeOf(t string) (reflect.Type, bool) {
	switch t {
	case TypeNumber, "":
		return reflect.TypeOf(0.0), t != ""
	case TypeInteger:
		return reflect.TypeOf(0), true
	case TypeBoolean:
		return reflect.TypeOf(false), true
	case TypeText:
		return reflect.TypeOf(""), true
	}
	return reflect.TypeOf(0.0), false
}

// parseConfig is the configuration formulas are parsed and checked with.
func (c *compiler) config(env map[string]any) *conf.Config {
	cfg := conf.CreateNew()
	opts := functionOptions()
	if env != nil {
		opts = append(opts, expr.Env(env))
	}
	for _, o := range opts {
		o(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	return cfg
}

// parseAll parses every formula and rewrites the names that are not plain columns.
func (c *compiler) parseAll() {
	cfg := c.config(nil)
	n := len(c.p.cols)
	for id := 0; id < n; id++ {
		col := c.p.cols[id]
		if col.source == "" || (col.role != roleItem && col.role != roleOutput && col.role != roleVeto) {
			continue
		}
		owner := ownerName(col)
		if len(col.source) > MaxFormulaLength {
			c.errorf(owner, "the formula is %d bytes long; at most %d are allowed", len(col.source), MaxFormulaLength)
			continue
		}
		tree, err := parser.ParseWithConfig(col.source, cfg)
		if err != nil {
			c.addExprError(owner, col.source, err)
			continue
		}
		col.tree = tree
		c.rewrite(col)
	}
}

// ownerName is how errors name a formula's column: its code, or "veto".
func ownerName(col *colDef) string {
	if col.role == roleVeto {
		return "veto"
	}
	return col.name
}

// rewrite turns unit.*, params.* and the columns rank and grade (names shared with helpers)
// into plain identifiers, then records what the formula reads.
func (c *compiler) rewrite(col *colDef) {
	callees := map[*ast.IdentifierNode]bool{}
	ast.Find(col.tree.Node, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallNode); ok {
			if id, ok := call.Callee.(*ast.IdentifierNode); ok {
				callees[id] = true
			}
		}
		return false
	})
	v := &rewriter{c: c, col: col, callees: callees}
	ast.Walk(&col.tree.Node, v)
	col.calls = map[*ast.CallNode]int{}
	c.collect(col.tree.Node, col, col)
}

type rewriter struct {
	c       *compiler
	col     *colDef
	callees map[*ast.IdentifierNode]bool
}

func (v *rewriter) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		if v.callees[n] {
			return
		}
		switch n.Value {
		case "rank":
			ast.Patch(node, &ast.IdentifierNode{Value: nameRank})
		case "grade":
			ast.Patch(node, &ast.IdentifierNode{Value: nameGrade})
		}
	case *ast.MemberNode:
		path, ok := memberPath(n)
		if !ok {
			return
		}
		switch {
		case len(path) == 2 && path[0] == "params":
			if _, ok := v.c.params[path[1]]; !ok {
				v.c.positioned(v.col, n.Property, fmt.Sprintf("unknown param %s%s", path[1], suggest(path[1], keys(v.c.params))))
				v.placeholder(node, nameParam+path[1])
				return
			}
			ast.Patch(node, &ast.IdentifierNode{Value: nameParam + path[1]})
		case len(path) == 2 && path[0] == "unit" && path[1] != "attrs":
			switch path[1] {
			case "code", "name", "group":
				ast.Patch(node, &ast.IdentifierNode{Value: nameUnit + path[1]})
			default:
				v.c.positioned(v.col, n.Property, fmt.Sprintf("unit has code, name, group and attrs, not %s", path[1]))
				v.placeholder(node, nameUnit+path[1])
			}
		case len(path) == 3 && path[0] == "unit" && path[1] == "attrs":
			if !v.c.attrs[path[2]] {
				v.c.positioned(v.col, n.Property, fmt.Sprintf("unknown attribute %s%s (declare it in the scheme's attributes)",
					path[2], suggest(path[2], boolKeys(v.c.attrs))))
				v.placeholder(node, nameAttr+path[2])
				return
			}
			ast.Patch(node, &ast.IdentifierNode{Value: nameAttr + path[2]})
		}
	}
}

// placeholder stands in for a name already reported as unknown, typed so that the checker
// goes on to report the formula's other errors instead of this one again.
func (v *rewriter) placeholder(node *ast.Node, name string) {
	ast.Patch(node, &ast.IdentifierNode{Value: name})
	if _, ok := v.c.types[name]; !ok && !strings.HasPrefix(name, nameParam) {
		v.c.types[name] = anyType
	}
	if strings.HasPrefix(name, nameParam) {
		v.c.badParams[strings.TrimPrefix(name, nameParam)] = true
	}
}

// memberPath gives a.b.c for a chain of plain member accesses on an identifier.
func memberPath(n ast.Node) ([]string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return []string{n.Value}, true
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Optional || n.Method {
			return nil, false
		}
		base, ok := memberPath(n.Node)
		if !ok {
			return nil, false
		}
		return append(base, prop.Value), true
	}
	return nil, false
}

// collect records the names read by node into col and gives every column-function call of
// owner's formula a column of its own.
func (c *compiler) collect(node ast.Node, col, owner *colDef) {
	switch n := node.(type) {
	case nil:
		return
	case *ast.IdentifierNode:
		col.refNames = appendUnique(col.refNames, n.Value)
		return
	case *ast.ConditionalNode:
		if live, ok := c.liveBranch(n); ok {
			c.collect(live, col, owner) // the other branch is never taken (static.go)
			return
		}
	case *ast.CallNode:
		name := ""
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			name = id.Value
		}
		if columnFunctions[name] {
			c.callSite(n, name, col, owner)
			return
		}
		for _, a := range n.Arguments {
			c.collect(a, col, owner)
		}
		return
	}
	for _, ch := range children(node) {
		c.collect(ch, col, owner)
	}
}

// callSite declares the column of one column-function call.
func (c *compiler) callSite(n *ast.CallNode, fn string, col, owner *colDef) {
	colAt := 0 // apportion(pool, weight[, key]) names its column second
	if fn == "apportion" {
		colAt = 1
	}
	if len(n.Arguments) <= colAt {
		return // the checker reports the missing argument
	}
	first, ok := n.Arguments[colAt].(*ast.IdentifierNode)
	if !ok {
		which := "first"
		if colAt == 1 {
			which = "second"
		}
		c.positioned(owner, n.Arguments[colAt], fmt.Sprintf("the %s argument of %s names a column (a metric, item or output such as total), not a value", which, fn))
		return
	}
	call := c.add(&colDef{name: fmt.Sprintf("%s#%d", owner.name, len(c.p.cols)), role: roleCall,
		call: &callDef{fn: fn, arg: -1, node: n}, refNames: []string{first.Value}})
	if len(n.Arguments) > colAt+1 {
		call.call.arg = c.argColumn(call.name+".arg", n.Arguments[colAt+1], owner)
	}
	if fn == "apportion" {
		call.call.share = &shareDef{pool: c.argColumn(call.name+".pool", n.Arguments[0], owner), decimals: c.shareDecimals(owner)}
	}
	owner.calls[n] = call.id
	col.calls[n] = call.id
	col.refNames = appendUnique(col.refNames, call.name)
}

// argColumn declares the column of a column-function call's row argument (a key, a lookup
// code, a pool) and returns its id.
func (c *compiler) argColumn(name string, node ast.Node, owner *colDef) int {
	arg := c.add(&colDef{name: name, role: roleArg, node: node, calls: map[*ast.CallNode]int{}})
	c.collect(node, arg, owner)
	for k, v := range arg.calls {
		owner.calls[k] = v
	}
	return arg.id
}

// children lists a node's sub-nodes, as ast.Walk visits them.
func children(node ast.Node) []ast.Node {
	switch n := node.(type) {
	case *ast.UnaryNode:
		return []ast.Node{n.Node}
	case *ast.BinaryNode:
		return []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		return []ast.Node{n.Node}
	case *ast.MemberNode:
		return []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		return []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		return append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		return n.Arguments
	case *ast.PredicateNode:
		return []ast.Node{n.Node}
	case *ast.VariableDeclaratorNode:
		return []ast.Node{n.Value, n.Expr}
	case *ast.SequenceNode:
		return n.Nodes
	case *ast.ConditionalNode:
		return []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.ArrayNode:
		return n.Nodes
	case *ast.MapNode:
		return n.Pairs
	case *ast.PairNode:
		return []ast.Node{n.Key, n.Value}
	}
	return nil
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// resolve turns the names each formula reads into column references. Unknown names are left
// to the type checker, which reports them with their position.
func (c *compiler) resolve() {
	for _, col := range c.p.cols {
		for _, name := range col.refNames {
			if strings.HasPrefix(name, nameParam) {
				continue
			}
			id, ok := c.p.byName[name]
			if !ok {
				continue
			}
			if col.role == roleCall {
				col.call.src = id
				continue
			}
			col.reads = append(col.reads, id)
		}
		if col.role == roleCall && col.call.node != nil && len(col.refNames) > 0 {
			if _, ok := c.p.byName[col.refNames[0]]; !ok {
				col.call.src = -1
			}
		}
	}
}

// deps are the columns a column needs computed before it.
func (c *compiler) deps(col *colDef) []int {
	d := append([]int(nil), col.reads...)
	d = append(d, col.children...)
	switch col.role {
	case roleCall:
		if col.call.src >= 0 {
			d = append(d, col.call.src)
		}
		if col.call.arg >= 0 {
			d = append(d, col.call.arg)
		}
		if col.call.share != nil {
			d = append(d, col.call.share.pool)
		}
		d = append(d, c.p.complete)
	case roleTotal:
		d = append(d, c.p.complete)
		if c.p.veto >= 0 {
			d = append(d, c.p.veto)
		}
	case roleGrade:
		d = append(d, c.p.total)
		if c.p.veto >= 0 {
			d = append(d, c.p.veto)
		}
	}
	return d
}

// sort orders the columns so that each comes after everything it reads, and reports every
// cycle by its members, in order.
func (c *compiler) sort() []int {
	const (
		white = iota
		grey
		black
	)
	n := len(c.p.cols)
	state := make([]int, n)
	order := make([]int, 0, n)
	var stack []int
	reported := map[string]bool{}
	var visit func(id int)
	visit = func(id int) {
		state[id] = grey
		stack = append(stack, id)
		for _, d := range c.deps(c.p.cols[id]) {
			switch state[d] {
			case white:
				visit(d)
			case grey:
				c.cycle(stack, d, reported)
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = black
		order = append(order, id)
	}
	before := len(c.errs)
	for id := 0; id < n; id++ {
		if state[id] == white {
			visit(id)
		}
	}
	if len(c.errs) > before {
		return nil
	}
	return order
}

// cycle reports the cycle that closes at column d: d → … → d, in reading order.
func (c *compiler) cycle(stack []int, d int, reported map[string]bool) {
	start := 0
	for i, id := range stack {
		if id == d {
			start = i
		}
	}
	var names []string
	for _, id := range stack[start:] {
		if name := c.displayName(id); name != "" && (len(names) == 0 || names[len(names)-1] != name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return
	}
	key := strings.Join(sortedCopy(names), ",")
	if reported[key] {
		return
	}
	reported[key] = true
	names = append(names, names[0])
	c.errs = append(c.errs, &Error{Item: names[0], Message: "cycle: " + strings.Join(names, " → ")})
}

// displayName is a column's name as a clerk knows it; internal columns take their owner's.
func (c *compiler) displayName(id int) string {
	col := c.p.cols[id]
	switch {
	case col.role == roleVeto:
		return "veto"
	case col.name == nameRank:
		return "rank"
	case col.name == nameGrade:
		return "grade"
	case col.role == roleCall || col.role == roleArg:
		name := col.name
		if i := strings.IndexByte(name, '#'); i >= 0 {
			return name[:i]
		}
		return name
	}
	return col.name
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// check type-checks every formula in evaluation order, so that an output's type is known
// before the formulas that read it are checked.
func (c *compiler) check(order []int) {
	for _, id := range order {
		col := c.p.cols[id]
		if col.tree == nil {
			continue
		}
		owner := ownerName(col)
		cfg := c.envConfig()
		t, err := checker.Check(col.tree, cfg)
		if err != nil {
			c.addExprError(owner, col.source, err)
			c.types[col.name] = anyType
			continue
		}
		switch col.role {
		case roleItem:
			if !numberLike(t) {
				c.positioned(col, col.tree.Node, fmt.Sprintf("a %s item's formula must give a number; this one gives %s", col.kind, typeName(t)))
			}
		case roleVeto:
			if t != nil && t.Kind() != reflect.Bool && t != anyType {
				c.positioned(col, col.tree.Node, fmt.Sprintf("the veto formula must give true or false; this one gives %s", typeName(t)))
			}
		case roleOutput:
			if t == nil {
				t = anyType
			}
			if col.precision >= 0 && !numberLike(t) {
				c.positioned(col, col.tree.Node, fmt.Sprintf("output %s sets a precision, so its formula must give a number; this one gives %s", col.name, typeName(t)))
			}
			if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
				t = reflect.TypeOf(0.0)
			}
			c.types[col.name] = t
		}
	}
}

func numberLike(t reflect.Type) bool {
	if t == nil || t == anyType {
		return true
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "a map"
	}
	return t.String()
}

// envConfig is the checker's configuration: every name with its current type.
func (c *compiler) envConfig() *conf.Config {
	env := make(map[string]any, len(c.types)+len(c.params))
	var anys []string
	for name, t := range c.types {
		if t == anyType {
			anys = append(anys, name)
			env[name] = 0.0
			continue
		}
		env[name] = reflect.Zero(t).Interface()
	}
	for name := range c.params {
		env[nameParam+name] = 0.0
	}
	for name := range c.badParams {
		env[nameParam+name] = 0.0
	}
	cfg := c.config(env)
	for _, name := range anys {
		cfg.Env.Fields[name] = cfg.NtCache.FromType(anyType)
	}
	return cfg
}

// addExprError converts an expr error into positioned Errors, with a suggestion for an
// unknown name.
func (c *compiler) addExprError(owner, source string, err error) {
	var fe *file.Error
	if !errors.As(err, &fe) {
		c.errs = append(c.errs, &Error{Item: owner, Message: err.Error()})
		return
	}
	if fe.Snippet == "" {
		fe = fe.Bind(file.NewSource(source))
	}
	c.errs = append(c.errs, &Error{
		Item:    owner,
		Line:    fe.Line,
		Column:  fe.Column + 1,
		Snippet: strings.TrimPrefix(fe.Snippet, "\n"),
		Message: c.clarify(fe.Message),
	})
}

// positioned reports an error at a node of col's formula.
func (c *compiler) positioned(col *colDef, node ast.Node, msg string) {
	fe := &file.Error{Location: node.Location(), Message: msg}
	c.addExprError(ownerName(col), col.source, fe)
}

// clarify rewrites expr's messages into the words of a scheme: internal names back to what
// the clerk wrote, and the nearest existing code for an unknown name.
func (c *compiler) clarify(msg string) string {
	if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
		return "unknown name " + name + suggest(name, c.knownNames())
	}
	if strings.HasPrefix(msg, "unknown func ") || strings.Contains(msg, "is not callable") {
		return msg + " (the formula language has: " + strings.Join(helperNames(), ", ") + ")"
	}
	r := strings.NewReplacer(nameRank, "rank", nameGrade, "grade", nameUnit, "unit.", nameAttr, "unit.attrs.", nameParam, "params.")
	return r.Replace(msg)
}

// knownNames are the names a formula may use: every column declared — an output not yet
// type-checked too (res_rat must suggest the output res_rate, not the item res_rank) — and
// the helpers.
func (c *compiler) knownNames() []string {
	seen := map[string]bool{}
	var names []string
	add := func(name string) {
		if !strings.HasPrefix(name, "__") && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	for name := range c.types {
		add(name)
	}
	for name := range c.p.byName {
		add(name)
	}
	return append(names, helperNames()...)
}

func helperNames() []string {
	var names []string
	for n := range rowFunctions {
		names = append(names, n)
	}
	for n := range columnFunctions {
		names = append(names, n)
	}
	names = append(names, builtins...)
	sort.Strings(names)
	return names
}

func keys(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func boolKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
