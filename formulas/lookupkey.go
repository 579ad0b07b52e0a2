package formulas

import "fmt"

// checkLookupKeys refuses a lookup whose key depends on entered values: lookup(col, key)
// reads another unit's row, and a unit enters its own (self) values, so a key computed from
// them would let a unit token read any unit's cell — and probe which unit codes exist —
// through its own row and its explanation (issue 11). A key from the roster
// (unit.attrs.pool_city, as the seeds' counties read their city's row), from params or
// constants is set by the office and allowed.
func (c *compiler) checkLookupKeys() {
	memo := map[int]string{} // column → the metric it reads ("" none)
	seen := map[int]bool{}
	var entered func(id int) string
	entered = func(id int) string {
		if m, ok := memo[id]; ok {
			return m
		}
		if seen[id] {
			return "" // a cycle, reported elsewhere
		}
		seen[id] = true
		col := c.p.cols[id]
		found := ""
		if col.role == roleMetric {
			found = col.name
		}
		next := append(append([]int(nil), col.reads...), col.children...)
		if col.call != nil {
			if col.call.src >= 0 {
				next = append(next, col.call.src)
			}
			if col.call.arg >= 0 {
				next = append(next, col.call.arg)
			}
		}
		for _, d := range next {
			if found != "" {
				break
			}
			found = entered(d)
		}
		memo[id] = found
		return found
	}
	for _, col := range c.p.cols {
		if col.role != roleCall || col.call.fn != "lookup" || col.call.arg < 0 || len(col.call.node.Arguments) < 2 {
			continue
		}
		if m := entered(col.call.arg); m != "" {
			c.positioned(c.ownerOf(col), col.call.node.Arguments[1], fmt.Sprintf(
				"the unit a lookup reads must not depend on entered values, and this one reads metric %s: key it by the roster (unit.code, unit.attrs.…)", m))
		}
	}
}
