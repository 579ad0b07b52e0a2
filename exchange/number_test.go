package exchange

import "testing"

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"OKWhole", 27, "27"},
		{"OKDecimal", 14.7, "14.7"},
		{"OKNoise", 14.700000000000001, "14.7"},
		{"OKSum", 0.1 + 0.2, "0.3"},
		{"OKNegativeZero", -1 * 0.0, "0"},
		{"OKLarge", 1e21, "1000000000000000000000"},
		{"OKSmall", 0.000001, "0.000001"},
		{"OKFifteenDigits", 2.0 / 3, "0.666666666666667"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatCell(tt.in); got != tt.want {
				t.Errorf("formatCell(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		percent bool
		want    float64
		ok      bool
	}{
		{"43750", false, 43750, true},
		{"43,750", false, 43750, true},
		{"1,234,567.89", false, 1234567.89, true},
		{"-3.5", false, -3.5, true},
		{".5", false, 0.5, true},
		{"1.2E+05", false, 120000, true},
		{"58%", true, 58, true},
		{"58 %", true, 58, true},
		{"58%", false, 0, false},
		{"4,37,50", false, 0, false},
		{"1_000", false, 0, false},
		{"0x10", false, 0, false},
		{"Inf", false, 0, false},
		{"NaN", false, 0, false},
		{"1e400", false, 0, false},
		{"", false, 0, false},
		{"abc", false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNumber(tt.in, tt.percent)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseNumber(%q, %v) = %v, %v; want %v, %v", tt.in, tt.percent, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestDisplayWidth(t *testing.T) {
	for in, want := range map[string]int{
		"":            0,
		"total":       5,
		"总分":          4,
		"居民参保完成(5)":   15,
		"（全角）":        8,
		"第一行\nsecond": 6,
	} {
		if got := displayWidth(in); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", in, got, want)
		}
	}
}
