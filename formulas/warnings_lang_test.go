package formulas

import (
	"testing"

	"github.com/rubric-dev/rubric/i18n"
)

// TestWarningsIn: a scheme's warnings — points that do not add up, a formula that fails for
// every unit — are written in Chinese or English from the English text Compile gives; a
// message of another form stays as it is.
func TestWarningsIn(t *testing.T) {
	for _, tt := range []struct {
		w      Warning
		zh, en string
	}{
		{Warning{Kind: WarnCategoryPoints, Item: "part", Message: "category part is worth 50 points but its score items add up to 40"},
			"分类 part 为 50 分，但其下得分项合计 40 分", "category part is worth 50 points but its score items add up to 40"},
		{Warning{Kind: WarnTotalPoints, Message: "the scheme states 100 points but its top-level score items add up to 90.5"},
			"方案总分为 100 分，但一级得分项合计 90.5 分", "the scheme states 100 points but its top-level score items add up to 90.5"},
		{Warning{Kind: WarnFailing, Item: "rate", Message: "rate fails for every unit (3 of 4): division by zero (cases / 0)"},
			"rate 对每个单位都无法计算（3/4 个单位）：division by zero (cases / 0)", "rate fails for every unit (3 of 4): division by zero (cases / 0)"},
		{Warning{Kind: "other", Message: "as it is"}, "as it is", "as it is"},
		{Warning{Kind: WarnTotalPoints, Message: "not the form"}, "not the form", "not the form"},
	} {
		if got := tt.w.In(i18n.ZH); got.Message != tt.zh || got.Kind != tt.w.Kind || got.Item != tt.w.Item {
			t.Errorf("zh: %+v, want %q", got, tt.zh)
		}
		if got := WarningsIn([]Warning{tt.w}, i18n.EN); got[0].Message != tt.en {
			t.Errorf("en: %+v, want %q", got, tt.en)
		}
	}
	if ws := WarningsIn(nil, i18n.ZH); ws == nil || len(ws) != 0 {
		t.Errorf("WarningsIn(nil) = %#v, want an empty list", ws)
	}
	// The warnings Compile and FailingEverywhere write are of the forms In reads.
	s := &Scheme{Code: "w", TotalPoints: 10, Metrics: []Metric{{Code: "x", Type: TypeNumber}},
		Items: []Item{{Code: "a", MaxPoints: pts(5), Formula: "x / 0"}}}
	p, ws, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	ws = append(ws, p.Evaluate([]Row{{Unit: Unit{Code: "u"}, Values: map[string]any{"x": 1}}}).FailingEverywhere()...)
	if len(ws) != 2 {
		t.Fatalf("warnings %+v, want total points and a failing a", ws)
	}
	for _, w := range ws {
		if zh := w.In(i18n.ZH).Message; zh == w.Message {
			t.Errorf("%s: %q not written in Chinese", w.Kind, w.Message)
		}
	}
}
