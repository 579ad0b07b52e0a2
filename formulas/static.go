package formulas

import (
	"strings"

	"github.com/expr-lang/expr/ast"
)

// A condition made only of literals and params has the same value in every row and every
// sheet of a program: params are constants of the scheme. Such a conditional takes one branch
// for good, so the other branch is neither compiled nor read — its metrics are not needed for
// a unit to be complete. This is how a scheme says "this year there are 2 key projects" in
// params.key_projects and keeps the formulas of projects 3 to 6 written, guarded by
// params.key_projects >= 3, without anyone entering their rates.

// liveBranch returns the branch a conditional always takes, when its condition depends on
// literals and params only.
func (c *compiler) liveBranch(n *ast.ConditionalNode) (ast.Node, bool) {
	if !c.static(n.Cond) {
		return nil, false
	}
	b := &builder{c: c, col: &colDef{}}
	fn := b.node(n.Cond)
	if b.failed || fn == nil {
		return nil, false
	}
	v := fn(&Sheet{}, 0) // literals and params read no cell; a text join counts on an empty sheet
	if v.k != kBool {
		return nil, false
	}
	if v.n != 0 {
		return n.Exp1, true
	}
	return n.Exp2, true
}

// static reports whether a node's value depends on literals and params only, through
// operators that need no sheet.
func (c *compiler) static(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.StringNode:
		return true
	case *ast.IdentifierNode:
		name, ok := strings.CutPrefix(n.Value, nameParam)
		if !ok || c.badParams[name] {
			return false
		}
		_, ok = c.params[name]
		return ok
	case *ast.UnaryNode:
		return c.static(n.Node)
	case *ast.BinaryNode:
		switch n.Operator {
		case "+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "and", "&&", "or", "||":
			return c.static(n.Left) && c.static(n.Right)
		}
	case *ast.ConditionalNode:
		return c.static(n.Cond) && c.static(n.Exp1) && c.static(n.Exp2)
	}
	return false
}
