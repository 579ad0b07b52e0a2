package exchange

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// MaxProblems is the most problems an import reports; a last problem says how many more
// there were.
const MaxProblems = 1000

// Problem is one thing wrong with an imported file, found at Row and Column. Row is the
// 1-based row of the sheet (XLSX) or record of the file (CSV, as Excel numbers its rows), 0
// when the problem concerns the whole file. Column is the column's letter ("C"), in an XLSX
// and a CSV file alike, as a spreadsheet shows them; "" for the whole row or file. Header is
// the column's header in the file (its title, or code), when it has one, so that a problem
// names its column as "C 列（案件数）" / "column C (cases)". Metric and Unit are the codes
// concerned when known (Unit may be the unknown text of the file), Value the cell's text as
// read.
type Problem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Header  string `json:"header,omitempty"`
	Metric  string `json:"metric,omitempty"`
	Unit    string `json:"unit,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`

	msg i18n.Message // Message before it is written in a language (In)
}

// String is the problem as one line: where, then what.
func (p Problem) String() string {
	where := p.Where(i18n.EN)
	if where == "" {
		return p.Message
	}
	return where + ": " + p.Message
}

// Where names the problem's place in l: "row 5, column C (cases)", "第 5 行 C 列（案件数）";
// "" for the whole file.
func (p Problem) Where(l i18n.Lang) string {
	col := ""
	switch {
	case p.Column != "" && p.Header != "":
		col = i18n.Sprintf(l, "column %s (%s)", p.Column, p.Header)
	case p.Column != "":
		col = i18n.Sprintf(l, "column %s", p.Column)
	}
	switch {
	case p.Row > 0 && col != "":
		return i18n.Sprintf(l, "row %d, %s", p.Row, col)
	case p.Row > 0:
		return i18n.Sprintf(l, "row %d", p.Row)
	}
	return col
}

// ImportError is the error of an import that found problems: nothing of the file is
// returned. It wraps a *schema.Error of kind Invalid (so schema.ErrorKind gives Invalid)
// whose Problems carry the same list, each with Field "row 5, column C" and Line 5.
type ImportError struct {
	Format   string    // "xlsx" or "csv"
	Problems []Problem // every problem, in the order of the file
	err      *schema.Error
	msgs     []i18n.Message // each problem's message before it is written in a language
}

func newImportError(format string, problems []Problem) *ImportError {
	msgOf := make([]i18n.Message, len(problems))
	for i := range problems {
		p := &problems[i]
		msgOf[i] = p.msg
		if msgOf[i].IsZero() {
			msgOf[i] = i18n.M("%s", p.Message) // a text from elsewhere (a reader's error), as it is
		}
		p.Message, p.msg = msgOf[i].In(i18n.EN), i18n.Message{}
	}
	sp := make([]schema.Problem, len(problems))
	msgs := make([]string, len(problems))
	for i, p := range problems {
		sp[i] = schema.Problem{Field: p.Where(i18n.EN), Unit: p.Unit, Metric: p.Metric, Line: p.Row, Message: p.Message}
		msgs[i] = p.String()
	}
	msg := fmt.Sprintf("the %s file has %s: %s", strings.ToUpper(format), plural(len(problems), "problem"), strings.Join(msgs, "; "))
	if len(problems) == 1 {
		msg = fmt.Sprintf("the %s file has a problem: %s", strings.ToUpper(format), msgs[0])
	}
	e := &schema.Error{Kind: schema.Invalid, Message: msg, Problems: sp}
	if len(problems) == 1 {
		e.Field = sp[0].Field
	}
	return &ImportError{Format: format, Problems: problems, err: e, msgs: msgOf}
}

// In returns the error with every problem's message written in l (they are English as
// made); the overall message, for developers, stays English.
func (e *ImportError) In(l i18n.Lang) *ImportError {
	out := &ImportError{Format: e.Format, Problems: append([]Problem(nil), e.Problems...), msgs: e.msgs}
	for i := range out.Problems {
		out.Problems[i].Message = e.msgs[i].In(l)
	}
	se := *e.err
	se.Problems = append([]schema.Problem(nil), e.err.Problems...)
	for i := range se.Problems {
		se.Problems[i].Message = out.Problems[i].Message
		se.Problems[i].Field = out.Problems[i].Where(l)
	}
	out.err = &se
	return out
}

// Error lists every problem.
func (e *ImportError) Error() string { return "exchange: " + e.err.Message }

// Unwrap returns the *schema.Error of kind Invalid that carries the problems.
func (e *ImportError) Unwrap() error { return e.err }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
