package formulas

// Results returns every row of the sheet, in the order of the rows evaluated.
func (sh *Sheet) Results() []Result {
	out := make([]Result, len(sh.units))
	for r := range sh.units {
		out[r] = sh.result(r)
	}
	return out
}

// Result returns the row of one unit.
func (sh *Sheet) Result(unit string) (Result, bool) {
	r, ok := sh.index[unit]
	if !ok {
		return Result{}, false
	}
	return sh.result(r), true
}

// Has reports whether the sheet has a row for unit.
func (sh *Sheet) Has(unit string) bool {
	_, ok := sh.index[unit]
	return ok
}

// Units lists the units of the sheet in row order.
func (sh *Sheet) Units() []Unit { return sh.units }

// Program is the program that computed the sheet.
func (sh *Sheet) Program() *Program { return sh.p }

func (sh *Sheet) result(r int) Result {
	p := sh.p
	res := Result{
		Unit:     sh.units[r],
		Complete: sh.isComplete(r),
		Missing:  []string{},
		Cells:    make(map[string]any, len(p.columns)),
		Errors:   map[string]string{},
		Vetoed:   sh.vetoed(r),
	}
	for _, id := range p.read {
		if sh.cols[id].k[r] == kNull {
			res.Missing = append(res.Missing, p.cols[id].name)
		}
	}
	for _, id := range p.metrics {
		if v := sh.cols[id].get(r); v.k == kErr {
			res.Errors[p.cols[id].name] = v.s
		}
	}
	res.order = p.codes
	for _, c := range p.columns {
		v := sh.cols[p.byName[c.Code]].get(r)
		res.Cells[c.Code] = v.any()
		if v.k == kErr {
			res.Errors[c.Code] = v.s
		}
	}
	if p.veto >= 0 {
		if v := sh.cols[p.veto].get(r); v.k == kErr {
			res.Errors["veto"] = v.s
		}
	}
	if v := sh.cols[p.total].get(r); v.k == kNum {
		t := v.n
		res.Total = &t
	}
	if v := sh.cols[p.grade].get(r); v.k == kStr {
		g := v.s
		res.Grade = &g
	}
	if v := sh.cols[p.rank].get(r); v.k == kNum {
		k := int(v.n)
		res.Rank = &k
	}
	if v := sh.cols[p.groupRank].get(r); v.k == kNum {
		k := int(v.n)
		res.GroupRank = &k
	}
	return res
}
