package exchange

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// formatNumber writes x exactly as the sheet holds it: the shortest decimal that reads back
// as x, never in exponent form (14.7, never 14.700000000000001 or 1.47e+01).
func formatNumber(x float64) string {
	if x == 0 {
		return "0" // and never "-0"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// canon reads x at 15 significant digits, as Excel shows a number: the binary noise of a
// sum (0.1+0.2) or of a number an application stored with 17 digits goes away.
func canon(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 15, 64), 64)
	if err != nil {
		return x
	}
	return y
}

// formatCell writes a result cell as CSV text: numbers exactly (read at 15 significant
// digits, as Excel shows them: 0.1+0.2 is 0.3), booleans as true/false, null as nothing.
func formatCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return formatNumber(canon(x))
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return ""
}

// numFmt is the number format of a number of decimals: "0", "0.00"; "General" for -1.
func numFmt(decimals int) string {
	switch {
	case decimals < 0:
		return "General"
	case decimals == 0:
		return "0"
	}
	return "0." + strings.Repeat("0", decimals)
}

// numberRe is a number as a person or a spreadsheet writes it, once thousands separators and
// a unit are taken off: 43750, -3.5, .5, 1.2E+05.
var numberRe = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// thousandsRe is a number with thousands separators: 43,750 or 1,234,567.89.
var thousandsRe = regexp.MustCompile(`^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?$`)

// parseNumber reads the text of a number cell (already narrowed and trimmed). percent allows
// a trailing "%" (the metric's unit is %: "58%" is 58). ok is false when it is not a number.
func parseNumber(s string, percent bool) (float64, bool) {
	s, ok := numberText(s, percent)
	if !ok {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, false
	}
	if x == math.Trunc(x) {
		// A whole number has no binary noise to take away: reading it at 15 digits would turn
		// 1234567890123456 into 1234567890123460, silently (issue 11).
		return x, true
	}
	return canon(x), true
}

// numberText is the text of a number cell as strconv reads it: the "%" (if percent) and the
// thousands separators taken off. ok is false when it is not a number.
func numberText(s string, percent bool) (string, bool) {
	if percent {
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	if thousandsRe.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	return s, numberRe.MatchString(s)
}
