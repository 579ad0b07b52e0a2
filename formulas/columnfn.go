package formulas

import (
	"slices"
)

// Column functions (rank, rank_asc, col_*, lookup) are computed a whole column at a time:
// each call site of a formula is a column of its own, holding for every row the function's
// value in that row. Ranks sort once, O(n log n), instead of a spreadsheet's COUNTIF per row.

// groupKey is the value of a call's key argument, usable as a map key.
type groupKey struct {
	k kind
	n float64
	s string
}

// entry is one row taking part in a column function.
type entry struct {
	group int32
	row   int32
	x     float64
}

// computeCall computes a column-function column for every row. When changed is not nil,
// the rows whose value changed are appended to it.
func (sh *Sheet) computeCall(id int, changed *[]int) {
	col := sh.p.cols[id]
	call := col.call
	out := &sh.cols[id]
	n := len(sh.units)
	set := func(r int, v val) {
		if changed != nil && !same(out.get(r), v) {
			*changed = append(*changed, r)
		}
		out.set(r, v)
	}
	if call.src < 0 {
		for r := 0; r < n; r++ {
			set(r, fail("unknown column"))
		}
		return
	}
	if call.fn == "lookup" {
		sh.computeLookup(col, set)
		return
	}
	src := &sh.cols[call.src]

	// Which group each complete row belongs to.
	groups := make([]int32, n)
	ids := map[groupKey]int32{}
	for r := 0; r < n; r++ {
		groups[r] = -1
		if !sh.isComplete(r) {
			continue
		}
		if call.arg < 0 {
			groups[r] = 0
			continue
		}
		k := sh.cols[call.arg].get(r)
		if k.k == kNull || k.k == kErr {
			continue
		}
		gk := groupKey{k.k, k.n, k.s}
		g, ok := ids[gk]
		if !ok {
			g = int32(len(ids))
			ids[gk] = g
		}
		groups[r] = g
	}

	if call.fn == "rank" || call.fn == "rank_asc" {
		sh.computeRank(call, src, groups, set)
		return
	}

	// Aggregates: one pass per group.
	type agg struct {
		sum, max, min float64
		count         int
	}
	aggs := make([]agg, max(len(ids), 1))
	for r := 0; r < n; r++ {
		g := groups[r]
		if g < 0 {
			continue
		}
		v := src.get(r)
		if v.k == kNull || v.k == kErr {
			continue
		}
		a := &aggs[g]
		if call.fn == "col_count" {
			a.count++
			continue
		}
		if v.k != kNum {
			continue
		}
		x := canon(v.n)
		if a.count == 0 || x > a.max {
			a.max = x
		}
		if a.count == 0 || x < a.min {
			a.min = x
		}
		a.sum += x
		a.count++
	}
	for r := 0; r < n; r++ {
		g := groups[r]
		if g < 0 {
			set(r, sh.callNull(call, r))
			continue
		}
		a := aggs[g]
		switch call.fn {
		case "col_sum":
			set(r, num(canon(a.sum)))
		case "col_count":
			set(r, num(float64(a.count)))
		case "col_avg", "col_max", "col_min":
			if a.count == 0 {
				set(r, null(""))
				continue
			}
			switch call.fn {
			case "col_avg":
				set(r, num(canon(a.sum/float64(a.count))))
			case "col_max":
				set(r, num(a.max))
			default:
				set(r, num(a.min))
			}
		}
	}
}

// callNull is the cell of a row left out of a column function.
func (sh *Sheet) callNull(call *callDef, r int) val {
	if !sh.isComplete(r) {
		return null("incomplete")
	}
	if call.arg >= 0 {
		if v := sh.cols[call.arg].get(r); v.k == kNull || v.k == kErr {
			return sh.nullFrom(call.arg, r)
		}
	}
	return null("")
}

// computeRank ranks every row within its group: 1 for the highest (rank) or lowest
// (rank_asc) value; ties share the smaller rank, as Excel RANK (9, 8, 8, 7 → 1, 2, 2, 4).
func (sh *Sheet) computeRank(call *callDef, src *column, groups []int32, set func(int, val)) {
	n := len(sh.units)
	entries := make([]entry, 0, n)
	for r := 0; r < n; r++ {
		if groups[r] < 0 || src.k[r] != kNum {
			continue
		}
		entries = append(entries, entry{group: groups[r], row: int32(r), x: canon(src.n[r])})
	}
	asc := call.fn == "rank_asc"
	slices.SortFunc(entries, func(a, b entry) int {
		if a.group != b.group {
			return int(a.group - b.group)
		}
		switch {
		case a.x == b.x:
			return int(a.row - b.row)
		case (a.x > b.x) != asc:
			return -1
		}
		return 1
	})
	ranks := make([]float64, n)
	groupStart := 0
	for i, e := range entries {
		switch {
		case i == 0 || entries[i-1].group != e.group:
			groupStart = i
			ranks[e.row] = 1
		case entries[i-1].x == e.x:
			ranks[e.row] = ranks[entries[i-1].row]
		default:
			ranks[e.row] = float64(i - groupStart + 1)
		}
	}
	ranked := make([]bool, n)
	for _, e := range entries {
		ranked[e.row] = true
	}
	for r := 0; r < n; r++ {
		if ranked[r] {
			set(r, num(ranks[r]))
			continue
		}
		if groups[r] < 0 {
			set(r, sh.callNull(call, r))
			continue
		}
		v := src.get(r)
		if v.k == kNull {
			set(r, sh.nullFrom(call.src, r))
			continue
		}
		set(r, null(""))
	}
}

// computeLookup reads column src in the row of the unit whose code the argument gives.
func (sh *Sheet) computeLookup(col *colDef, set func(int, val)) {
	call := col.call
	for r := range sh.units {
		if !sh.isComplete(r) {
			set(r, null("incomplete"))
			continue
		}
		k := sh.cols[call.arg].get(r)
		if k.k != kStr {
			if k.k == kNull || k.k == kErr {
				set(r, sh.nullFrom(call.arg, r))
				continue
			}
			set(r, fail("lookup takes a unit code, not %s", k))
			continue
		}
		other, ok := sh.index[k.s]
		if !ok {
			set(r, fail("lookup: no unit %q", k.s))
			continue
		}
		if !sh.isComplete(other) {
			set(r, null("incomplete unit "+k.s))
			continue
		}
		set(r, sh.cols[call.src].get(other))
	}
}
