package formulas

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
)

// Budgets on the text a scheme makes the engine hold. MaxTextLength bounds one text; these
// bound the texts of a row and of a sheet, so that outputs that each join long texts cannot
// make one results request hold gigabytes (issue 11: 4,990 outputs of 64 KB for 40 units).
const (
	// MaxRowText is the most text, in bytes, a scheme may be certain to build for every unit:
	// a scheme whose formulas must build more (their string literals joined) is refused when
	// it is compiled, naming its heaviest columns.
	MaxRowText = 1 << 20
	// MaxSheetText is the most text, in bytes, the computed cells of one sheet may hold: once
	// it is spent, a formula that would join texts is a cell error instead. With it, one
	// evaluated sheet holds at most this much text whatever its data.
	MaxSheetText = 32 << 20
)

// store sets cell (c, r) to v, keeping the count of text the sheet's computed cells hold.
func (sh *Sheet) store(c *column, r int, v val) {
	if c.s != nil {
		sh.text -= len(c.s[r])
	}
	c.set(r, v)
	if v.k == kStr {
		sh.text += len(v.s)
	}
}

// joinText joins two texts of a formula, within MaxTextLength and what is left of the
// sheet's MaxSheetText: the check comes before the bytes are allocated.
func (sh *Sheet) joinText(a, b string) val {
	n := len(a) + len(b)
	if n > MaxTextLength {
		return fail("the text would be %d bytes long; at most %d are allowed", n, MaxTextLength)
	}
	if sh.text+n > MaxSheetText {
		return fail("the sheet's texts would pass %d MB; no more text is built in it", MaxSheetText>>20)
	}
	return str(a + b)
}

// checkText refuses a scheme that must build more text than the budgets allow: a column
// whose string literals alone make a text longer than MaxTextLength, or columns that together
// must build more than MaxRowText for every unit. The bound is a lower one (literals joined,
// the shorter branch of a condition), so a scheme is refused only when every unit would pass
// the budget.
func (c *compiler) checkText(order []int) {
	least := make([]int, len(c.p.cols))
	type heavy struct {
		code string
		n    int
	}
	var total int
	var heavies []heavy
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
		n := c.leastText(node, least)
		least[id] = n
		if n == 0 {
			continue
		}
		if n > MaxTextLength {
			c.positioned(col, node, fmt.Sprintf("the formula builds a text of at least %d bytes; at most %d are allowed", n, MaxTextLength))
			continue
		}
		total += n
		heavies = append(heavies, heavy{ownerName(col), n})
	}
	if total <= MaxRowText {
		return
	}
	sort.SliceStable(heavies, func(i, j int) bool { return heavies[i].n > heavies[j].n })
	names := make([]string, 0, 10)
	for i, h := range heavies {
		if i == 10 {
			names = append(names, fmt.Sprintf("and %d more", len(heavies)-10))
			break
		}
		names = append(names, fmt.Sprintf("%s (%d bytes)", h.code, h.n))
	}
	c.errs = append(c.errs, &Error{Item: heavies[0].code, Message: fmt.Sprintf(
		"the formulas build at least %d bytes of text for every unit; at most %d are allowed: %s",
		total, MaxRowText, strings.Join(names, ", "))})
}

// leastText is the fewest bytes of text node must build, given the least of every column.
func (c *compiler) leastText(node ast.Node, least []int) int {
	switch n := node.(type) {
	case *ast.StringNode:
		return len(n.Value)
	case *ast.IdentifierNode:
		if id, ok := c.p.byName[n.Value]; ok {
			return least[id]
		}
	case *ast.BinaryNode:
		l, r := c.leastText(n.Left, least), c.leastText(n.Right, least)
		switch n.Operator {
		case "+":
			return min(l+r, MaxRowText+1) // capped: a chain of joins cannot overflow
		case "??":
			return min(l, r)
		}
	case *ast.ConditionalNode:
		return min(c.leastText(n.Exp1, least), c.leastText(n.Exp2, least))
	}
	return 0
}

// ResultsJSONSize is about how many bytes AppendResultsJSON writes for results: the texts
// exactly as escaped, a number at most 24 bytes. A server checks it against the budget of an
// answer, and sizes its buffer with it, before a byte is written.
func ResultsJSONSize(results []Result) int {
	n := 2
	for i := range results {
		r := &results[i]
		n += 160 + jsonLen(r.Unit.Code) + jsonLen(r.Unit.Name) + jsonLen(r.Unit.Group) + 64*len(r.Unit.Attrs)
		for _, m := range r.Missing {
			n += jsonLen(m) + 1
		}
		for code, v := range r.Cells {
			n += jsonLen(code) + 2
			if s, ok := v.(string); ok {
				n += jsonLen(s)
			} else {
				n += 24
			}
		}
		for code, msg := range r.Errors {
			n += jsonLen(code) + jsonLen(msg) + 2
		}
		if r.Grade != nil {
			n += jsonLen(*r.Grade)
		}
	}
	return n
}

// jsonLen is the length of s quoted as appendString quotes it.
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&':
				n++
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			default:
				n += 6
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}
