package formulas

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// role says what a column of the sheet is and so how its cells are computed.
type role uint8

const (
	roleMetric    role = iota // an input: the unit's value or the metric's default
	roleUnitField             // unit.code, unit.name, unit.group, unit.attrs.<code>
	roleComplete              // whether the unit has every metric the formulas read
	roleItem                  // a leaf item: its formula, clamped by kind, rounded
	roleCategory              // Σ of its children, clamped by kind, rounded
	roleOutput                // a named formula that is not points
	roleVeto                  // the one-vote veto condition
	roleTotal                 // Σ of the top-level items, rounded; 0 when vetoed
	roleGrade                 // the band of the total
	roleCall                  // one column-function call: a column computed over rows
	roleArg                   // the key (or lookup code) argument of a column-function call
)

// evalFn computes a formula for row r of a sheet.
type evalFn func(sh *Sheet, r int) val

// colDef is one column of the compiled sheet.
type colDef struct {
	id     int
	name   string // the code formulas use; internal columns have names no code can take
	role   role
	title  string
	item   *Item
	output *Output
	metric *Metric
	kind   string   // score, bonus or deduction for items and categories
	max    *float64 // max_points of items and categories

	source string       // the formula
	tree   *parser.Tree // its checked syntax tree
	node   ast.Node     // for roleArg: the argument's subtree
	eval   evalFn

	reads    []int // columns read in the same row; a null there makes this cell null
	children []int // categories and total: the columns summed
	signs    []float64

	call *callDef // roleCall

	precision int // outputs: decimals, or -1 to keep the value as computed
	parent    int // the category holding an item, or -1
	refNames  []string
	calls     map[*ast.CallNode]int // column-function calls of this formula → their columns
}

// callDef is one column-function call: fn over column src, grouped by (or looked up with)
// the argument column arg (-1 when there is none).
type callDef struct {
	fn   string
	src  int
	arg  int
	node *ast.CallNode
	// apportion: the pool argument's column and the decimals of the shares (apportion.go).
	share *shareDef
}

// Program is a compiled scheme: immutable, safe for concurrent use, evaluated many times.
type Program struct {
	scheme  *Scheme
	cols    []*colDef
	byName  map[string]int
	order   []int // every computed column, each after the columns it reads
	metrics []int // metric columns in document order
	read    []int // metric columns that some formula reads: completeness is decided on them

	complete, total, grade, rank, groupRank, veto, group int
	topItems                                             []int
	columns                                              []Column
	codes                                                []string // the columns' codes, in order

	// For incremental updates: who reads a column in the same row, who reads it whole.
	rowReaders   [][]int
	wholeReaders [][]int
}

// Column describes one column of the sheet for exports and front ends.
type Column struct {
	Code      string   `json:"code"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"` // score, bonus, deduction or output
	MaxPoints *float64 `json:"max_points,omitempty"`
	Parent    string   `json:"parent,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Category  bool     `json:"category,omitempty"`
	Depth     int      `json:"depth"` // 0 at the top level (outputs too), 1 under a top-level category
}

// Scheme is the scheme the program was compiled from. It must not be modified.
func (p *Program) Scheme() *Scheme { return p.scheme }

// Columns lists the sheet's item and output columns in document order: items depth first,
// then outputs.
func (p *Program) Columns() []Column { return p.columns }
