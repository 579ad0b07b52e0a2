package formulas

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// kind is the kind of a cell's value.
type kind uint8

const (
	kNull kind = iota // no value: a missing input (s names it) or nil on purpose
	kNum              // n
	kBool             // n is 1 or 0
	kStr              // s
	kErr              // s is the message
)

// val is one cell's value. It is passed by value: evaluating a cell allocates nothing.
type val struct {
	k kind
	n float64
	s string
}

func num(x float64) val   { return val{k: kNum, n: x} }
func str(s string) val    { return val{k: kStr, s: s} }
func null(why string) val { return val{k: kNull, s: why} }
func fail(format string, args ...any) val {
	return val{k: kErr, s: fmt.Sprintf(format, args...)}
}

func boolean(b bool) val {
	if b {
		return val{k: kBool, n: 1}
	}
	return val{k: kBool}
}

// any is the value as Go and JSON see it: float64, string, bool or nil.
func (v val) any() any {
	switch v.k {
	case kNum:
		if math.IsNaN(v.n) || math.IsInf(v.n, 0) {
			return nil // never in JSON: a finished cell with one is an error (finish)
		}
		return v.n
	case kBool:
		return v.n != 0
	case kStr:
		return v.s
	}
	return nil
}

// String formats the value for explanations and messages.
func (v val) String() string {
	switch v.k {
	case kNum:
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	case kBool:
		return strconv.FormatBool(v.n != 0)
	case kStr:
		return strconv.Quote(v.s)
	case kErr:
		return "error: " + v.s
	}
	return "null"
}

// fromGo converts an input value (a metric value, an attribute, a default) into a cell.
func fromGo(x any) val {
	switch x := x.(type) {
	case nil:
		return null("")
	case float64:
		return checkedNum(x)
	case float32:
		return checkedNum(float64(x))
	case int:
		return num(float64(x))
	case int64:
		return num(float64(x))
	case int32:
		return num(float64(x))
	case uint64:
		return num(float64(x))
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return fail("%q is not a number", x.String())
		}
		return checkedNum(f)
	case bool:
		return boolean(x)
	case string:
		return str(x)
	}
	return fail("unsupported value %v of type %T", x, x)
}

func checkedNum(x float64) val {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fail("%v is not a finite number", x)
	}
	return num(x)
}

// column is one column of the sheet, stored as parallel slices so that a numeric column
// costs 9 bytes a cell; the strings are allocated only when a cell holds one.
type column struct {
	k []kind
	n []float64
	s []string
}

func newColumn(rows int) column {
	return column{k: make([]kind, rows), n: make([]float64, rows)}
}

func (c *column) get(r int) val {
	v := val{k: c.k[r], n: c.n[r]}
	if c.s != nil {
		v.s = c.s[r]
	}
	return v
}

func (c *column) set(r int, v val) {
	c.k[r], c.n[r] = v.k, v.n
	if v.s != "" {
		if c.s == nil {
			c.s = make([]string, len(c.k))
		}
		c.s[r] = v.s
	} else if c.s != nil {
		c.s[r] = ""
	}
}

// same reports whether two values are identical (used to stop change propagation).
func same(a, b val) bool {
	return a.k == b.k && a.s == b.s && (a.n == b.n || (math.IsNaN(a.n) && math.IsNaN(b.n)))
}
