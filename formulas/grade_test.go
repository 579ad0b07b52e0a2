package formulas

import "testing"

// Jiaxing's bands (issue 16): "75分（含）以下为不合格，76~84分基本合格" — only 75 and below is 不合格.
func TestGradeAbove(t *testing.T) {
	bands := []Grade{MinGrade(95, "优胜"), MinGrade(85, "合格"), AboveGrade(75, "基本合格"), MinGrade(0, "不合格")}
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{100, "优胜"}, {95, "优胜"}, {94.99, "合格"}, {85, "合格"}, {84.5, "基本合格"}, {76, "基本合格"},
		{75.5, "基本合格"}, {75.01, "基本合格"}, {75, "不合格"}, {74.99, "不合格"}, {0, "不合格"}, {-1, "不合格"},
		{75.00000000000001, "不合格"}, // 75 read at 15 digits: binary noise does not move it up a band
	} {
		if got := gradeOf(bands, tt.x); got.s != tt.want {
			t.Errorf("grade(%v) = %v, want %s", tt.x, got, tt.want)
		}
	}
}

func TestGradeBelow(t *testing.T) {
	for _, tt := range []struct {
		g, prev Grade
		want    bool
	}{
		{MinGrade(0, "b"), MinGrade(1, "a"), true},
		{MinGrade(1, "b"), MinGrade(1, "a"), false},
		{AboveGrade(75, "b"), MinGrade(76, "a"), true},
		{AboveGrade(76, "b"), MinGrade(76, "a"), false}, // an empty band
		{MinGrade(75, "b"), AboveGrade(75, "a"), true},  // 75 alone
		{AboveGrade(75, "b"), AboveGrade(75, "a"), false},
	} {
		if got := tt.g.Below(tt.prev); got != tt.want {
			t.Errorf("%v below %v = %v, want %v", tt.g, tt.prev, got, tt.want)
		}
	}
}
