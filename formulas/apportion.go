package formulas

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/rubric-dev/rubric/i18n"
)

// apportion(pool, weight[, key]) splits a money pool over the complete units in proportion to
// a weight column, so that the shares add up to the pool to the fen. Rounding every share on
// its own does not: three equal weights of 1,000,000 give 333,333.33 each and lose a fen, and
// shares taken from rounded points (33.34 each) pay out 1,000,200 of a 1,000,000 pool. Offices
// use the largest-remainder method (最大余额法): every share is first rounded down to the
// precision, then the fen left over go one each to the units whose exact shares lost the most,
// ties going to the unit listed first. The arithmetic is done in exact fractions (math/big):
// a remainder compared in binary floating point could give the fen to the wrong unit.

// shareDef is the part of an apportion call that other column functions do not have.
type shareDef struct {
	pool     int // the column of the pool argument, evaluated in every row
	decimals int // the precision of the shares: the output's, else the scheme's
}

// shareDecimals is the precision an apportion call in owner's formula shares at: the output's
// own precision when it sets one, else the scheme's.
func (c *compiler) shareDecimals(owner *colDef) int {
	if owner.role == roleOutput && owner.precision >= 0 {
		return owner.precision
	}
	return c.s.Decimals()
}

// allocation is the split of one group's pool.
type allocation struct {
	rows   []int      // the rows sharing, in unit order
	units  []*big.Int // each row's share, in units of 10^-decimals
	exact  []*big.Rat // each row's exact share, in the same units
	extra  []bool     // whether the row got one of the units left over
	order  []int      // the position of each row's remainder, largest first (0-based)
	pool   *big.Int   // the pool in units
	weight *big.Rat   // the sum of the weights
	left   int        // the units left over after rounding down
	err    string     // why the group cannot be split
}

// computeApportion computes an apportion column for every row.
func (sh *Sheet) computeApportion(col *colDef, set func(int, val)) {
	call := col.call
	members := sh.shareGroups(call)
	share := make([]val, len(sh.units))
	for r := range share {
		share[r] = sh.shareLeftOut(call, r)
	}
	scale := pow10Int(call.share.decimals)
	for _, rows := range members {
		a := sh.allocate(call, rows)
		for i, r := range rows {
			if a.err != "" {
				share[r] = fail("%s", a.err)
				continue
			}
			x, _ := new(big.Rat).SetFrac(a.units[i], scale).Float64()
			share[r] = num(x)
		}
	}
	for r := range share {
		set(r, share[r])
	}
}

// shareGroups lists the rows taking part in an apportion call, per group, in unit order: the
// complete rows with a key, a pool and a number as weight.
func (sh *Sheet) shareGroups(call *callDef) [][]int {
	ids := map[groupKey]int32{}
	var members [][]int
	for r := range sh.units {
		g := sh.groupOf(call, ids, r)
		if g < 0 {
			continue
		}
		if p := sh.cols[call.share.pool].get(r); p.k != kNum {
			continue
		}
		if w := sh.cols[call.src].get(r); w.k != kNum {
			continue
		}
		for int(g) >= len(members) {
			members = append(members, nil)
		}
		members[g] = append(members[g], r)
	}
	return members
}

// shareLeftOut is the cell of a row that takes no part: null with the reason, or the error of
// its pool or weight when they are not numbers.
func (sh *Sheet) shareLeftOut(call *callDef, r int) val {
	if !sh.isComplete(r) {
		return null("incomplete")
	}
	for _, id := range []int{call.share.pool, call.src} {
		switch v := sh.cols[id].get(r); v.k {
		case kNull:
			return sh.nullFrom(id, r)
		case kErr:
			return null(sh.p.cols[id].name)
		case kNum:
		default:
			return fail("apportion takes numbers, not %s", v)
		}
	}
	return sh.callNull(call, r)
}

// allocate splits the pool of one group over its rows by the largest-remainder method.
func (sh *Sheet) allocate(call *callDef, rows []int) *allocation {
	d := call.share.decimals
	a := &allocation{rows: rows}
	poolVal := sh.cols[call.share.pool].get(rows[0]).n
	for _, r := range rows[1:] {
		if p := sh.cols[call.share.pool].get(r).n; compare(p, poolVal) != 0 {
			a.err = fmt.Sprintf("apportion: the pool is %s for %s but %s for %s; one group shares one pool",
				num(poolVal), sh.units[rows[0]].Code, num(p), sh.units[r].Code)
			return a
		}
	}
	pool := decimalRat(poolVal)
	pool.Mul(pool, new(big.Rat).SetInt(pow10Int(d)))
	if !pool.IsInt() || pool.Sign() < 0 {
		a.err = fmt.Sprintf("apportion: the pool %s is not a whole number of units of %d decimals ≥ 0", num(poolVal), d)
		return a
	}
	a.pool = new(big.Int).Set(pool.Num())
	weights := make([]*big.Rat, len(rows))
	a.weight = new(big.Rat)
	for i, r := range rows {
		w := sh.cols[call.src].get(r).n
		if w < 0 {
			a.err = fmt.Sprintf("apportion: the weight of %s is %s; weights must be ≥ 0", sh.units[r].Code, num(canon(w)))
			return a
		}
		weights[i] = decimalRat(w)
		a.weight.Add(a.weight, weights[i])
	}
	if a.weight.Sign() == 0 {
		if a.pool.Sign() == 0 {
			a.weight.SetInt64(1) // nothing to share: every share is 0
		} else {
			a.err = fmt.Sprintf("apportion: the weights of the %d units sharing the pool add up to 0", len(rows))
			return a
		}
	}
	a.units = make([]*big.Int, len(rows))
	a.exact = make([]*big.Rat, len(rows))
	a.extra = make([]bool, len(rows))
	rem := make([]*big.Rat, len(rows))
	given := new(big.Int)
	for i := range rows {
		q := new(big.Rat).Mul(new(big.Rat).SetInt(a.pool), weights[i])
		q.Quo(q, a.weight)
		a.exact[i] = q
		f := new(big.Int).Quo(q.Num(), q.Denom()) // q ≥ 0: truncation is the floor
		a.units[i] = f
		rem[i] = new(big.Rat).Sub(q, new(big.Rat).SetInt(f))
		given.Add(given, f)
	}
	a.left = int(new(big.Int).Sub(a.pool, given).Int64()) // < len(rows)
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return -rem[x].Cmp(rem[y]) })
	a.order = make([]int, len(rows))
	for pos, i := range idx {
		a.order[i] = pos
		if pos < a.left {
			a.units[i].Add(a.units[i], big.NewInt(1))
			a.extra[i] = true
		}
	}
	return a
}

// explainApportion says how row r's share was found, for the cell's explanation.
func (sh *Sheet) explainApportion(call *callDef, r int) i18n.Message {
	members := sh.shareGroups(call)
	for _, rows := range members {
		i := slices.Index(rows, r)
		if i < 0 {
			continue
		}
		a := sh.allocate(call, rows)
		if a.err != "" {
			return i18n.M("%s", a.err)
		}
		d := call.share.decimals
		unit := fmtUnits(big.NewInt(1), d)
		exact, _ := a.exact[i].Float64()
		text := i18n.M("largest-remainder method: the pool %s is split over the %d units sharing it in proportion to their weights (%s of %s); the exact share is %s (in units of %s), rounded down to %s; the %d units of %s left over go one each to the largest remainders, ties to the unit listed first; this unit's remainder is number %d%s",
			fmtUnits(a.pool, d), len(rows), num(canon(sh.cols[call.src].get(r).n)), ratString(a.weight),
			strconv.FormatFloat(exact, 'g', 15, 64), unit, fmtUnits(new(big.Int).Sub(a.units[i], boolInt(a.extra[i])), d),
			a.left, unit, a.order[i]+1, i18n.M(", so it gets none: %s", fmtUnits(a.units[i], d)))
		if a.extra[i] {
			text.Args[len(text.Args)-1] = i18n.M(", so it gets one more %s: %s", unit, fmtUnits(a.units[i], d))
		}
		return text
	}
	return i18n.Message{}
}

func boolInt(b bool) *big.Int {
	if b {
		return big.NewInt(1)
	}
	return big.NewInt(0)
}

// decimalRat is x read at 15 significant digits, as an exact fraction.
func decimalRat(x float64) *big.Rat {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(canon(x), 'g', -1, 64))
	if !ok {
		return new(big.Rat)
	}
	return r
}

func pow10Int(d int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
}

// fmtUnits formats a count of units of 10^-d as a decimal: 100000000 with d = 2 is 1000000.
func fmtUnits(u *big.Int, d int) string {
	return new(big.Rat).SetFrac(u, pow10Int(d)).FloatString(d)
}

// ratString formats an exact sum of decimals.
func ratString(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(canon(f), 'f', -1, 64)
}
