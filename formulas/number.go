package formulas

import (
	"math"
	"strconv"
)

// Numbers are float64 read the way Excel reads them: before every discontinuity (ceil, floor,
// steps, round_to, tier, a comparison, a rank) and when a cell is stored, a value is rounded
// to 15 significant digits. Binary noise such as 58.00000000000001 (25375/43750×100) then
// reads as the 58 a decimal calculator shows, while every value with fewer than 15
// significant digits — all rubric data — is kept exactly.

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// significant is the number of significant decimal digits a value keeps.
const significant = 15

// canon rounds x to 15 significant digits: the double nearest to the decimal a calculator
// would show.
func canon(x float64) float64 {
	if x == math.Trunc(x) || math.IsNaN(x) || math.IsInf(x, 0) {
		// Whole numbers (counts, people, most data) are exact up to 2^53.
		if math.Abs(x) < 1e15 || math.IsNaN(x) || math.IsInf(x, 0) {
			return x
		}
	}
	a := math.Abs(x)
	e := decimalExponent(a)
	p := significant - 1 - e // decimals to keep
	switch {
	case p >= 0 && p < len(pow10):
		s := pow10[p]
		y := x * s
		if math.Abs(y-math.Trunc(y)) != 0.5 || math.FMA(x, s, -y) == 0 {
			return math.Round(y) / s
		}
		// x·s rounded onto a half although the exact product is not one: rounding it again
		// would round twice (33.333/4.725 = 7.054603174603174|5… read 7.05460317460318).
		// Found by the differential test (TestDifferentialCanonDoubleRounding).
	case p < 0 && -p < len(pow10):
		s := pow10[-p]
		q := x / s
		if math.Abs(q-math.Trunc(q)) != 0.5 || math.FMA(-q, s, x) == 0 {
			if r := math.Round(q) * s; !math.IsInf(r, 0) {
				return r
			}
		}
	}
	// Far outside any score's range: let strconv do it exactly.
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', significant, 64), 64)
	return r
}

// roundHalfAway rounds x to n decimals, a half going away from zero (四舍五入, Excel ROUND),
// after reading x at 15 significant digits: 4.725 (4.7249999999999996 in binary) gives 4.73.
func roundHalfAway(x float64, n int) float64 {
	return roundCanon(canon(x), n)
}

// roundCanon is roundHalfAway for an x already read at 15 significant digits.
func roundCanon(x float64, n int) float64 {
	if n >= 0 && math.Abs(x) >= 1e15 {
		return x // read at 15 significant digits it has no decimals to round
	}
	switch {
	case n == 0:
		return math.Round(x)
	case n > 0 && n < len(pow10):
		s := pow10[n]
		return math.Round(canon(x*s)) / s
	case n < 0 && -n < len(pow10):
		s := pow10[-n]
		return math.Round(canon(x/s)) * s
	}
	return x
}

// compare orders two numbers as a decimal calculator would: -1, 0 or +1.
func compare(a, b float64) int {
	a, b = canon(a), canon(b)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// negPow10 holds 1e-1 … 1e-22 (nearest doubles), for finding the exponent of small values.
var negPow10 = [...]float64{1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
	1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22}

// decimalExponent is floor(log10(a)) for a > 0, from the binary exponent and a table: a
// logarithm is the slowest step of reading a number at 15 digits.
func decimalExponent(a float64) int {
	_, e2 := math.Frexp(a) // a = f × 2^e2, f in [0.5, 1)
	e := int(math.Floor(float64(e2-1) * 0.30102999566398120))
	switch {
	case e >= 0 && e+1 < len(pow10):
		if a >= pow10[e+1] {
			e++
		} else if a < pow10[e] {
			e--
		}
	case e < 0 && -e < len(negPow10):
		if -e-1 >= 0 && a >= negPow10[-e-1] {
			e++
		} else if a < negPow10[-e] {
			e--
		}
	default:
		// Log10 is off by one ulp near powers of ten (log10(1.000000000000001e30) gives
		// 29.999…): correct it against the power itself. Found by FuzzDifferential
		// (TestDifferentialExponentOfLargeNumbers).
		e = int(math.Floor(math.Log10(a)))
		if a >= math.Pow10(e+1) {
			e++
		} else if a < math.Pow10(e) {
			e--
		}
	}
	return e
}
