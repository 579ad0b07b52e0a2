package formulas

import (
	"strconv"
	"strings"
)

// Error is a compile error of one formula (or of the scheme's structure), positioned in the
// formula's source when it has a position. Line and Column are 1-based; 0 means no position.
type Error struct {
	Item    string `json:"item,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Snippet string `json:"snippet,omitempty"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Item != "" {
		b.WriteString(e.Item)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(itoa(e.Column))
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors is every compile error of a scheme, reported together.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

func itoa(n int) string {
	return strconv.Itoa(n)
}
