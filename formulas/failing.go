package formulas

import (
	"fmt"
	"strconv"
)

// WarnFailing is the Warning kind of a formula that fails for every unit.
const WarnFailing = "fails_for_every_unit"

// FailingEverywhere warns of every item and output whose formula fails — a cell error such as
// a division by zero — for every unit whose row computes it (a unit that lacks a value it reads
// does not count): a formula such as cases / 0 can never give a value, and is most likely a
// mistake the save should point out. A sheet where no unit computes the formula warns of
// nothing.
func (sh *Sheet) FailingEverywhere() []Warning {
	p := sh.p
	var out []Warning
	for _, c := range p.columns {
		col := p.cols[p.byName[c.Code]]
		if col.source == "" {
			continue
		}
		computed, failed, first := 0, 0, ""
		for r := range sh.units {
			switch v := sh.cols[col.id].get(r); v.k {
			case kNull:
			case kErr:
				computed++
				failed++
				if first == "" {
					first = v.s
				}
			default:
				computed++
			}
		}
		if computed > 0 && failed == computed {
			out = append(out, Warning{Kind: WarnFailing, Item: c.Code,
				Message: fmt.Sprintf(warningFormats[WarnFailing], c.Code, strconv.Itoa(failed), strconv.Itoa(len(sh.units)), first)})
		}
	}
	return out
}
