package formulas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTie checks that tie, the quick test of the ties a rank explanation lists, says what
// equal says: numbers one at 15 significant digits (binary noise) tie, any other pair does
// not, whatever their size.
func TestTie(t *testing.T) {
	cases := []struct {
		a, b val
		want bool
	}{
		{num(58), num(25375.0 / 43750 * 100), true}, // 58.00000000000001
		{num(0.1 + 0.2), num(0.3), true},
		{num(7.054603174603174), num(7.05460317460317), true}, // one at 15 digits
		{num(1), num(1.00000000000001), false},                // the 15th digit differs
		{num(0), num(1e-300), false},
		{num(0), num(0), true},
		{num(-2.5), num(-2.5), true},
		{num(math.Inf(1)), num(math.Inf(1)), true},
		{num(1e300), num(1.0000000000000001e300), true},
		{str("a"), str("a"), true},
		{str("a"), num(1), false},
	}
	for _, c := range cases {
		if got := tie(c.a, c.b); got != c.want || got != equal(c.a, c.b) {
			t.Errorf("tie(%v, %v) = %v, equal %v, want %v", c.a, c.b, got, equal(c.a, c.b), c.want)
		}
	}
	rng := rand.New(rand.NewPCG(15, 15))
	for i := 0; i < 200000; i++ {
		x := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
		y := x
		switch rng.IntN(3) {
		case 0: // a few ulps away: mostly one at 15 digits
			y = math.Nextafter(x, math.Inf(1))
			for k := rng.IntN(20); k > 0; k-- {
				y = math.Nextafter(y, math.Inf(1))
			}
		case 1: // the 14th to 16th digit apart
			y = x * (1 + math.Pow(10, -float64(13+rng.IntN(4))))
		}
		if tie(num(x), num(y)) != equal(num(x), num(y)) {
			t.Fatalf("tie(%v, %v) = %v, equal says %v", x, y, tie(num(x), num(y)), equal(num(x), num(y)))
		}
	}
}
