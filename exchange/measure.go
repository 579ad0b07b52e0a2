package exchange

import (
	"strings"
)

// measure is what the numbers of a results column count, derived from the scheme: points for
// items and the total, and for an output from its unit. It decides the column's number format
// and whether its 合计 (sum) means anything: a sum of points, money or counts does, a sum of
// rates, ranks or numbers of unknown meaning does not.
type measure uint8

const (
	measureOther  measure = iota // an output without a unit rubric knows: General, averaged only
	measurePoints                // items, the total, outputs in 分
	measureRate                  // outputs in % or ‰: pct() already multiplied by 100
	measureMoney                 // outputs in 元, 万元, …
	measureCount                 // outputs in 个, 人, 项, …: whole things
)

// countUnits are the units of outputs that count things (量词), so that their sum is a count.
var countUnits = map[string]bool{
	"个": true, "人": true, "人次": true, "户": true, "户次": true, "项": true, "例": true, "件": true,
	"次": true, "家": true, "名": true, "所": true, "座": true, "台": true, "处": true, "条": true,
	"篇": true, "起": true, "宗": true, "套": true, "辆": true, "批": true,
}

// measureOf reads the measure of an output from its unit.
func measureOf(unit string) measure {
	u := strings.TrimSpace(unit)
	switch {
	case u == "":
		return measureOther
	case u == "%" || u == "％" || u == "‰" || u == "百分比":
		return measureRate
	case strings.HasSuffix(u, "元"):
		return measureMoney
	case u == "分":
		return measurePoints
	case countUnits[u]:
		return measureCount
	}
	return measureOther
}

// additive reports whether a 合计 of the column means something.
func (m measure) additive() bool {
	return m == measurePoints || m == measureMoney || m == measureCount
}

// format is the number format of a column of measure m with decimals (-1: not declared),
// where sign is the rate's sign (% or ‰). Points show the scheme's precision (0.00); a rate
// is shown with its sign as text, because pct() is already ×100 (a "0.0%" format would show
// 9453.8%); money has thousands separators (#,##0.00); counts too. A rate or money without a
// declared precision is shown at the scheme's (schemeDecimals), since 94.5384615384615 is
// not what anyone prints; other numbers without one are General.
func (m measure) format(decimals, schemeDecimals int, sign string) string {
	switch m {
	case measureRate:
		if decimals < 0 {
			decimals = schemeDecimals
		}
		return numFmt(decimals) + `"` + sign + `"`
	case measureMoney:
		if decimals < 0 {
			decimals = schemeDecimals
		}
		return "#,##" + numFmt(decimals)
	case measureCount:
		if decimals < 0 {
			return "General"
		}
		return "#,##" + numFmt(decimals)
	}
	return numFmt(decimals)
}
