package formulas

import (
	"fmt"
	"slices"
)

// Set changes one metric value of one unit (nil removes it) and recomputes only what depends
// on it: the cells of that row that read it, the column functions over the columns that
// changed, and the rows whose cells those changed — like a spreadsheet, cell by cell.
func (sh *Sheet) Set(unit, metric string, value any) error {
	if sh.frozen.Load() {
		return fmt.Errorf("formulas: the sheet was cloned and is read-only: change its clone")
	}
	r, err := sh.row(unit)
	if err != nil {
		return err
	}
	id, ok := sh.p.byName[metric]
	if !ok || sh.p.cols[id].role != roleMetric {
		return fmt.Errorf("formulas: the scheme has no metric %q", metric)
	}
	v := metricValue(sh.p.cols[id].metric, value, value != nil)
	if same(sh.cols[id].get(r), v) {
		return nil
	}
	sh.own(id).set(r, v)
	u := newUpdate(sh)
	u.changed(id, r)
	wasComplete := sh.isComplete(r)
	sh.setComplete(r)
	if sh.isComplete(r) != wasComplete {
		u.changed(sh.p.complete, r)
	}
	u.run()
	return nil
}

// update propagates changed cells through the columns in evaluation order.
type update struct {
	sh      *Sheet
	pending [][]int // rows to recompute, per column
	whole   [][]int // column functions to recompute: the rows whose inputs changed
}

func newUpdate(sh *Sheet) *update {
	return &update{sh: sh, pending: make([][]int, len(sh.p.cols)), whole: make([][]int, len(sh.p.cols))}
}

// changed records that cell (id, r) changed, scheduling its readers.
func (u *update) changed(id, r int) {
	for _, reader := range u.sh.p.rowReaders[id] {
		u.pending[reader] = append(u.pending[reader], r)
	}
	for _, reader := range u.sh.p.wholeReaders[id] {
		u.whole[reader] = append(u.whole[reader], r)
	}
}

func (u *update) run() {
	sh := u.sh
	var changedRows []int
	for _, id := range sh.p.order {
		col := sh.p.cols[id]
		if col.role == roleCall {
			rows := u.whole[id]
			if len(rows) == 0 {
				continue
			}
			changedRows = changedRows[:0]
			if _, ok := sh.ranks[id]; ok {
				slices.Sort(rows)
				sh.updateRank(id, slices.Compact(rows), &changedRows)
			} else {
				sh.computeCall(id, &changedRows)
			}
			for _, r := range changedRows {
				u.changed(id, r)
			}
			continue
		}
		rows := u.pending[id]
		if len(rows) == 0 {
			continue
		}
		slices.Sort(rows)
		rows = slices.Compact(rows)
		c := &sh.cols[id]
		for _, r := range rows {
			v := sh.cell(col, r)
			if same(c.get(r), v) {
				continue
			}
			sh.own(id)
			sh.store(c, r, v) // c points at sh.cols[id]: it sees the copy own made
			u.changed(id, r)
		}
		u.pending[id] = nil
	}
}
