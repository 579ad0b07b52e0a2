package formulas

import "testing"

// TestLargeTexts: a sheet holds large texts when its computed texts pass 1 MB in all and 1 KB
// a unit on average — issue 11's text bombs (40 units of about 1 MB each) do, a 100,000-unit
// sheet of grades (about 12 bytes a unit, 1.2 MB in all) does not.
func TestLargeTexts(t *testing.T) {
	for _, c := range []struct {
		units, text int
		want        bool
	}{
		{40, 40 * 1017450, true},   // the bomb of TestIssue11TextBudget
		{100000, 1200000, false},   // grades at 100,000 units
		{100000, 102400001, true},  // over 1 KB a unit
		{100000, 102400000, false}, // exactly 1 KB a unit
		{10, 1 << 20, false},       // 1 MB in all is not over it
		{10, 1<<20 + 1, true},
		{0, 0, false},
	} {
		sh := &Sheet{units: make([]Unit, c.units), text: c.text}
		if got := sh.LargeTexts(); got != c.want {
			t.Errorf("%d units, %d bytes of text: LargeTexts %v, want %v", c.units, c.text, got, c.want)
		}
	}
}
