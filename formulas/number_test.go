package formulas

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestCanon(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want float64
	}{
		{"binary noise above", 25375.0 / 43750 * 100, 58},
		{"binary noise sum", 4.9 + 4.9 + 4.9, 14.7},
		{"product", 0.1 * 3 * 10, 3},
		{"exact fraction kept", 1.0 / 3, 0.333333333333333},
		{"whole", 120000, 120000},
		{"negative", -(0.1 + 0.2), -0.3},
		{"power of ten", 1000, 1000},
		{"small", 1e-20 * 3, 3e-20},
		{"huge", 1.2345678901234567e30, 1.23456789012346e30},
		{"zero", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canon(tt.in); got != tt.want {
				t.Errorf("canon(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if !math.IsNaN(canon(math.NaN())) || !math.IsInf(canon(math.Inf(1)), 1) {
		t.Error("canon must keep NaN and Inf")
	}
}

func TestRoundHalfAway(t *testing.T) {
	tests := []struct {
		in   float64
		n    int
		want float64
	}{
		{2.675, 2, 2.68},
		{1.005, 2, 1.01},
		{-2.5, 0, -3},
		{2.5, 0, 3},
		{5.0 * 63 / 400 * 6, 2, 4.73},
		{15 * 0.835, 2, 12.53},
		{0.7999999999999998, 2, 0.8},
		{1234.5, -1, 1230},
		{13502.699999999999, 2, 13502.7},
		{-0.125, 2, -0.13},
	}
	for _, tt := range tests {
		if got := roundHalfAway(tt.in, tt.n); got != tt.want {
			t.Errorf("roundHalfAway(%v, %d) = %v, want %v", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestDecimalExponent checks the table-driven exponent against strconv's on values of every
// magnitude scores and money take, including the neighbours of each power of ten.
func TestDecimalExponent(t *testing.T) {
	check := func(a float64) {
		s := strconv.FormatFloat(a, 'e', -1, 64)
		want, _ := strconv.Atoi(s[strings.IndexByte(s, 'e')+1:])
		if got := decimalExponent(a); got != want {
			t.Fatalf("decimalExponent(%v) = %d, want %d", a, got, want)
		}
	}
	for e := -21; e <= 21; e++ {
		p := math.Pow(10, float64(e))
		check(p)
		check(math.Nextafter(p, 0))
		check(math.Nextafter(p, math.Inf(1)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100000; i++ {
		check(math.Pow(10, rng.Float64()*40-20))
	}
}
