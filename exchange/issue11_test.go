package exchange

import (
	"testing"
)

// TestIssue11HugeIntegers: 2^53 + 1 is refused as written, in CSV and in XLSX (where the cell
// holds the number, not a text), instead of being stored as 2^53; a 16-digit whole number
// below 2^53 is kept exactly, not read at 15 digits.
func TestIssue11HugeIntegers(t *testing.T) {
	fx := mustMini(t)
	const msg = "9007199254740993 is too large: numbers are exact up to ±9007199254740991"
	t.Run("ErrCSV", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,9007199254740993\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "2", Metric: "target", Unit: "a", Value: "9007199254740993", Message: msg}})
	})
	t.Run("ErrCSVThousands", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,\"9,007,199,254,740,993\"\n"), "", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "csv", []Problem{{Row: 2, Column: "2", Metric: "target", Unit: "a", Value: "9,007,199,254,740,993", Message: msg}})
	})
	t.Run("ErrXLSX", func(t *testing.T) {
		data := mustWorkbook(t, "Sheet1", [][]any{{"unit", "target"}, {"a", int64(9007199254740993)}})
		got, err := ReadValues(data, "x.xlsx", "", fx.scheme, fx.units)
		checkProblems(t, got, err, "xlsx", []Problem{{Row: 2, Column: "B", Metric: "target", Unit: "a", Value: "9007199254740993", Message: msg}})
	})
	t.Run("OKSixteenDigits", func(t *testing.T) {
		got, err := ReadValues([]byte("unit,target\na,1234567890123456\n"), "", "", fx.scheme, fx.units)
		if err != nil {
			t.Fatal(err)
		}
		if v := got["a"]["target"]; v != 1234567890123456.0 {
			t.Errorf("target = %v, want 1234567890123456", v)
		}
	})
}
