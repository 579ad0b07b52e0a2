package formulas

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
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
	large := sh.LargeTexts()
	if large {
		// Rows of computed text vary in length: the first row says nothing of the rest. The
		// rows are measured first, one at a time in a scratch buffer, and room made for them.
		size := len(sh.units) + 1
		var scratch []byte
		for r := range sh.units {
			var err error
			if scratch, err = sh.appendRowJSON(scratch[:0], r); err != nil {
				return nil, err
			}
			if size += len(scratch); limit > 0 && len(b)+size > limit {
				return nil, ErrTooLarge
			}
		}
		b = slices.Grow(b, size)
	}
	for r := range sh.units {
		if r > 0 {
			b = append(b, ',')
		}
		start := len(b)
		var err error
		if b, err = sh.appendRowJSON(b, r); err != nil {
			return nil, err
		}
		if limit > 0 && len(b) > limit {
			return nil, ErrTooLarge
		}
		if r == 0 && !large {
			more := (len(b)-start+1)*(len(sh.units)-1)*21/20 + 64
			if limit > 0 {
				more = min(more, limit-len(b)+64)
			}
			b = slices.Grow(b, more)
		}
	}
	return append(b, ']'), nil
}

// appendRowJSON appends row r as sh.result(r).AppendJSON would, straight from the columns:
// no map of cells, no boxed number per cell (the whole sheet's JSON after every change).
func (sh *Sheet) appendRowJSON(b []byte, r int) ([]byte, error) {
	p := sh.p
	if len(p.codes) != len(p.columns) {
		return sh.result(r).AppendJSON(b)
	}
	b = append(b, `{"unit":`...)
	var err error
	if b, err = appendUnit(b, sh.units[r]); err != nil {
		return nil, err
	}
	b = append(b, `,"complete":`...)
	b = strconv.AppendBool(b, sh.isComplete(r))
	b = append(b, `,"missing":[`...)
	n := 0
	for _, id := range p.read {
		if sh.cols[id].k[r] == kNull {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendString(b, p.cols[id].name)
		}
	}
	type cellError struct{ key, msg string }
	var errs []cellError
	for _, id := range p.metrics {
		if v := sh.cols[id].get(r); v.k == kErr {
			errs = append(errs, cellError{p.cols[id].name, v.s})
		}
	}
	b = append(b, `],"cells":{`...)
	for i, c := range p.columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Code)
		b = append(b, ':')
		v := sh.cols[p.byName[c.Code]].get(r)
		switch v.k {
		case kNum:
			if math.IsNaN(v.n) || math.IsInf(v.n, 0) {
				return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(v.n, 'g', -1, 64)}
			}
			b = appendFloat(b, v.n)
		case kBool:
			b = strconv.AppendBool(b, v.n != 0)
		case kStr:
			b = appendString(b, v.s)
		default:
			b = append(b, "null"...)
		}
		if v.k == kErr {
			errs = append(errs, cellError{c.Code, v.s})
		}
	}
	if p.veto >= 0 {
		if v := sh.cols[p.veto].get(r); v.k == kErr {
			errs = append(errs, cellError{"veto", v.s})
		}
	}
	b = append(b, `},"errors":{`...)
	// As the map of Result.Errors: one entry per key, the last one set, in key order.
	slices.SortStableFunc(errs, func(a, b cellError) int { return strings.Compare(a.key, b.key) })
	n = 0
	for i, e := range errs {
		if i+1 < len(errs) && errs[i+1].key == e.key {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, e.key)
		b = append(b, ':')
		b = appendString(b, e.msg)
	}
	b = append(b, `},"total":`...)
	if v := sh.cols[p.total].get(r); v.k == kNum {
		b = appendFloat(b, v.n)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"grade":`...)
	if v := sh.cols[p.grade].get(r); v.k == kStr {
		b = appendString(b, v.s)
	} else {
		b = append(b, "null"...)
	}
	for _, c := range []struct {
		key string
		id  int
	}{{`,"rank":`, p.rank}, {`,"group_rank":`, p.groupRank}} {
		b = append(b, c.key...)
		if v := sh.cols[c.id].get(r); v.k == kNum {
			b = strconv.AppendInt(b, int64(int(v.n)), 10)
		} else {
			b = append(b, "null"...)
		}
	}
	if sh.vetoed(r) {
		b = append(b, `,"vetoed":true`...)
	}
	return append(b, '}'), nil
}

// LargeTexts reports whether the sheet's computed cells hold large texts: more than 1 MB in all
// and more than 1 KB a unit on average (issue 11's text bombs build up to 1 MB a unit). Rows of
// large texts vary in length, so they are measured before room is made for them; grades and
// short labels stay under it at any roster size (about 10 bytes a unit: 1 MB at 100,000
// units), and their rows are sized from the first.
func (sh *Sheet) LargeTexts() bool { return sh.text > 1<<20 && sh.text > 1<<10*len(sh.units) }

// TextBytes is how many bytes of text the sheet's computed cells hold (at most MaxSheetText).
func (sh *Sheet) TextBytes() int { return sh.text }
