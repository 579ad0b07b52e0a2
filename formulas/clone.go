package formulas

import (
	"errors"
	"maps"
	"slices"
)

// Clone returns a copy of the sheet that Set can change while the original is still read by
// other goroutines: a service publishes a sheet, applies the next change to a clone and
// publishes that, so that no reader ever sees half of a change. The copy is lazy: the clone
// shares every column and rank order with the original and copies one only when a change
// first writes to it, so a change that touches a few columns copies those few. The original
// becomes read-only (Set refuses to change it); cloning it again is safe.
func (sh *Sheet) Clone() *Sheet {
	sh.frozen.Store(true)
	c := &Sheet{p: sh.p, units: sh.units, index: sh.index, cols: slices.Clone(sh.cols), text: sh.text, layer: sh.layer,
		shared: make([]bool, len(sh.cols))}
	for i := range c.shared {
		c.shared[i] = true
	}
	if sh.ranks != nil {
		c.ranks = maps.Clone(sh.ranks)
		c.sharedRanks = make(map[int]bool, len(sh.ranks))
		for id := range sh.ranks {
			c.sharedRanks[id] = true
		}
	}
	return c
}

// own returns column id for writing, first copying it if it is shared with another sheet.
func (sh *Sheet) own(id int) *column {
	c := &sh.cols[id]
	if sh.shared != nil && sh.shared[id] {
		*c = column{k: slices.Clone(c.k), n: slices.Clone(c.n), s: slices.Clone(c.s)}
		sh.shared[id] = false
	}
	return c
}

// ownRank returns the sorted order of rank column id for changing, first copying what an
// update changes in place (the merge replaces entries with a new slice, so they stay shared).
func (sh *Sheet) ownRank(id int) *rankState {
	st := sh.ranks[id]
	if sh.sharedRanks[id] {
		st = &rankState{ids: maps.Clone(st.ids), groups: slices.Clone(st.groups), entries: st.entries}
		sh.ranks[id] = st
		delete(sh.sharedRanks, id)
	}
	return st
}

// ErrTooLarge is the error of Sheet.AppendResultsJSON when the rows pass the limit.
var ErrTooLarge = errors.New("formulas: the sheet's JSON passes the limit")

// AppendResultsJSON appends the sheet's rows as a JSON array, as AppendResultsJSON(b,
// sh.Results()) would, without holding every row's Result at once. After the first row it
// makes room for all of them (rows of one scheme are about as long), so that the buffer is
// not grown by doubling to up to twice the size of the answer. When b grows past limit bytes
// (limit > 0) it stops with ErrTooLarge: memory stays bounded by the limit and one row.
func (sh *Sheet) AppendResultsJSON(b []byte, limit int) ([]byte, error) {
	b = append(b, '[')
	for r := range sh.units {
		if r > 0 {
			b = append(b, ',')
		}
		start := len(b)
		var err error
		if b, err = sh.result(r).AppendJSON(b); err != nil {
			return nil, err
		}
		if limit > 0 && len(b) > limit {
			return nil, ErrTooLarge
		}
		if r == 0 {
			more := (len(b)-start+1)*(len(sh.units)-1)*21/20 + 64
			if limit > 0 {
				more = min(more, limit-len(b)+64)
			}
			b = slices.Grow(b, more)
		}
	}
	return append(b, ']'), nil
}
