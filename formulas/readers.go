package formulas

// indexReaders records, for every column, the columns that read it in the same row and the
// column functions that read it whole, and which metrics decide completeness.
func (c *compiler) indexReaders() {
	p := c.p
	n := len(p.cols)
	p.rowReaders = make([][]int, n)
	p.wholeReaders = make([][]int, n)
	isRead := make([]bool, n)
	for _, col := range p.cols {
		if col.role == roleCall {
			if col.call.src >= 0 {
				p.wholeReaders[col.call.src] = append(p.wholeReaders[col.call.src], col.id)
				isRead[col.call.src] = true
			}
			if col.call.arg >= 0 {
				p.wholeReaders[col.call.arg] = append(p.wholeReaders[col.call.arg], col.id)
			}
			if col.call.share != nil {
				p.wholeReaders[col.call.share.pool] = append(p.wholeReaders[col.call.share.pool], col.id)
			}
			p.wholeReaders[p.complete] = append(p.wholeReaders[p.complete], col.id)
			continue
		}
		for _, d := range c.deps(col) {
			p.rowReaders[d] = append(p.rowReaders[d], col.id)
			isRead[d] = true
		}
	}
	for _, id := range p.metrics {
		if isRead[id] {
			p.read = append(p.read, id)
		}
	}
}
