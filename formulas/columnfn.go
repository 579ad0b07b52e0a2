package formulas

import (
	"math"
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
	out := sh.own(id) // the column is written whole
	n := len(sh.units)
	set := func(r int, v val) {
		if changed != nil && !same(out.get(r), v) {
			*changed = append(*changed, r)
		}
		sh.store(out, r, v) // lookup copies texts of other rows
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
	if call.fn == "apportion" {
		sh.computeApportion(col, set)
		return
	}
	src := &sh.cols[call.src]
	ids := map[groupKey]int32{}
	groups := make([]int32, n)
	for r := 0; r < n; r++ {
		groups[r] = sh.groupOf(call, ids, r)
	}

	if call.fn == "rank" || call.fn == "rank_asc" {
		st := &rankState{ids: ids, groups: groups}
		st.entries = make([]entry, 0, n)
		for r := 0; r < n; r++ {
			if e, ok := st.entry(src, r); ok {
				st.entries = append(st.entries, e)
			}
		}
		st.sort(call.fn == "rank_asc")
		if sh.ranks == nil {
			sh.ranks = map[int]*rankState{}
		}
		sh.ranks[id] = st
		delete(sh.sharedRanks, id)
		sh.assignRanks(call, st, nil, set)
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

// groupOf is the group a row takes part in, or -1 when it is left out (an incomplete unit, or
// a null key).
func (sh *Sheet) groupOf(call *callDef, ids map[groupKey]int32, r int) int32 {
	if !sh.isComplete(r) {
		return -1
	}
	if call.arg < 0 {
		return 0
	}
	k := sh.cols[call.arg].get(r)
	if k.k == kNull || k.k == kErr {
		return -1
	}
	gk := groupKey(k)
	g, ok := ids[gk]
	if !ok {
		g = int32(len(ids))
		ids[gk] = g
	}
	return g
}

// rankState keeps a rank column's rows sorted between updates, so that changing a few values
// costs a merge, O(n + k log k), instead of a new sort.
type rankState struct {
	ids     map[groupKey]int32
	groups  []int32
	entries []entry // sorted by group, then value (descending for rank), then row
}

// entry returns row r's entry, if it takes part.
func (st *rankState) entry(src *column, r int) (entry, bool) {
	if st.groups[r] < 0 || src.k[r] != kNum {
		return entry{}, false
	}
	return entry{group: st.groups[r], row: int32(r), x: canon(src.n[r])}, true
}

func entryOrder(asc bool) func(a, b entry) int {
	return func(a, b entry) int {
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
	}
}

// sort orders the entries as entryOrder does. Above a few hundred rows it uses a stable LSD
// radix sort on the bits of the values, then on the group: linear, where a comparison sort
// was a quarter of a whole sheet's time.
func (st *rankState) sort(asc bool) {
	if len(st.entries) < 256 {
		slices.SortFunc(st.entries, entryOrder(asc))
		return
	}
	src := st.entries
	dst := make([]entry, len(src))
	key := func(e entry) uint64 {
		x := e.x
		if x == 0 {
			x = 0 // -0 ties +0
		}
		k := math.Float64bits(x)
		if k&(1<<63) != 0 {
			k = ^k
		} else {
			k |= 1 << 63
		}
		if !asc {
			k = ^k
		}
		return k
	}
	var count [256]int
	for shift := uint(0); shift < 64; shift += 8 {
		count = [256]int{}
		for _, e := range src {
			count[(key(e)>>shift)&0xff]++
		}
		if count[(key(src[0])>>shift)&0xff] == len(src) {
			continue // every key has this digit
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, e := range src {
			d := (key(e) >> shift) & 0xff
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	// Last, a stable counting sort by group.
	groups := 0
	for _, e := range src {
		groups = max(groups, int(e.group)+1)
	}
	if groups > 1 {
		starts := make([]int, groups+1)
		for _, e := range src {
			starts[e.group+1]++
		}
		for g := 1; g <= groups; g++ {
			starts[g] += starts[g-1]
		}
		for _, e := range src {
			dst[starts[e.group]] = e
			starts[e.group]++
		}
		src = dst
	}
	if &src[0] != &st.entries[0] {
		copy(st.entries, src)
	}
}

// assignRanks gives every ranked row its rank within its group: ties share the smaller rank,
// as Excel RANK (9, 8, 8, 7 → 1, 2, 2, 4). Rows left out get a null; with only != nil, only
// those rows can have left.
func (sh *Sheet) assignRanks(call *callDef, st *rankState, only []int, set func(int, val)) {
	n := len(sh.units)
	ranked := make([]bool, n)
	groupStart, prev := 0, 0.0
	for i, e := range st.entries {
		switch {
		case i == 0 || st.entries[i-1].group != e.group:
			groupStart, prev = i, 1
		case st.entries[i-1].x != e.x:
			prev = float64(i - groupStart + 1)
		}
		ranked[e.row] = true
		set(int(e.row), num(prev))
	}
	rows := only
	if rows == nil {
		rows = make([]int, n)
		for r := range rows {
			rows[r] = r
		}
	}
	for _, r := range rows {
		if ranked[r] {
			continue
		}
		if st.groups[r] < 0 {
			set(r, sh.callNull(call, r))
			continue
		}
		if v := sh.cols[call.src].get(r); v.k == kNull {
			set(r, sh.nullFrom(call.src, r))
			continue
		}
		set(r, null(""))
	}
}

// updateRank re-ranks after the rows in rows changed their value, key or completeness.
func (sh *Sheet) updateRank(id int, rows []int, changed *[]int) {
	st := sh.ownRank(id)
	call := sh.p.cols[id].call
	out := &sh.cols[id]
	src := &sh.cols[call.src]
	set := func(r int, v val) {
		if !same(out.get(r), v) {
			*changed = append(*changed, r)
			sh.own(id).set(r, v) // out points at sh.cols[id], so it sees the copy
		}
	}
	moved := make(map[int32]bool, len(rows))
	var fresh []entry
	for _, r := range rows {
		moved[int32(r)] = true
		st.groups[r] = sh.groupOf(call, st.ids, r)
		if e, ok := st.entry(src, r); ok {
			fresh = append(fresh, e)
		}
	}
	asc := call.fn == "rank_asc"
	order := entryOrder(asc)
	slices.SortFunc(fresh, order)
	merged := make([]entry, 0, len(st.entries)+len(fresh))
	j := 0
	for _, e := range st.entries {
		if moved[e.row] {
			continue
		}
		for j < len(fresh) && order(fresh[j], e) < 0 {
			merged = append(merged, fresh[j])
			j++
		}
		merged = append(merged, e)
	}
	merged = append(merged, fresh[j:]...)
	st.entries = merged
	sh.assignRanks(call, st, rows, set)
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
			set(r, null(nullIncompleteUnit+k.s))
			continue
		}
		set(r, sh.cols[call.src].get(other))
	}
}
