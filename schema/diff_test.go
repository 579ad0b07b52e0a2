package schema

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// brief writes a diff's units, values and formula changes as compact JSON lines for comparison.
func brief(tb testing.TB, d *Diff) (units, values, changes string) {
	tb.Helper()
	type cell struct {
		Code     string
		Old, New any
		Delta    *float64
	}
	type unit struct {
		Unit               string
		OldTotal, NewTotal *float64
		Delta              *float64
		OldGrade, NewGrade *string
		OldRank, NewRank   *int
		Cells              []cell
	}
	var us []unit
	for _, u := range d.Units {
		x := unit{Unit: u.Unit, OldTotal: u.OldTotal, NewTotal: u.NewTotal, Delta: u.Delta, OldGrade: u.OldGrade,
			NewGrade: u.NewGrade, OldRank: u.OldRank, NewRank: u.NewRank}
		for _, c := range u.Cells {
			x.Cells = append(x.Cells, cell{c.Code, c.Old, c.New, c.Delta})
		}
		us = append(us, x)
	}
	type value struct {
		Unit, Metric, Who, Reason string
		Old, New                  any
	}
	var vs []value
	for _, v := range d.Values {
		vs = append(vs, value{v.Unit, v.Metric, v.Who, v.Reason, v.Old, v.New})
	}
	type change struct {
		Kind, Target, Action, Who, Reason string
		Revision                          int
		Old, New                          any
	}
	var cs []change
	for _, c := range d.Formulas {
		cs = append(cs, change{c.Kind, c.Target, c.Action, c.Who, c.Reason, c.Revision, c.Old, c.New})
	}
	enc := func(v any) string { data, _ := json.Marshal(v); return string(data) }
	return enc(us), enc(vs), enc(cs)
}

func TestDiff(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		ctx := WithWho(context.Background(), "office")
		code := "test-medical"
		if _, err := s.Publish(ctx, code, PublicationSpec{}, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.PatchValues(WithReason(ctx, "复核更正"), code, "xinbei", LayerFinal, map[string]any{"res_actual": 98}, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UpdateScheme(WithReason(ctx, "细则调整"), code, func(sc *formulas.Scheme) error {
			sc.Items[1].Formula = "clamp(10 - 2 * late_reports, 0, 10)"
			return nil
		}, "", "迟报加倍扣分"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Publish(WithReason(ctx, "再次通报"), code, PublicationSpec{}, ""); err != nil {
			t.Fatal(err)
		}

		d, err := s.Diff(context.Background(), code, "1", "2", "")
		if err != nil {
			t.Fatal(err)
		}
		if d.From.Publication != 1 || d.To.Publication != 2 || d.From.Revision != 1 || d.To.Revision != 2 || d.Unchanged != 2 {
			t.Fatalf("diff 1 → 2: from %+v to %+v, %d unchanged", d.From, d.To, d.Unchanged)
		}
		// By hand: xinbei res_enrol 10 − 0.1×5 = 9.5 → 10 − 0.1×2 = 9.8; reports 10 − 2 = 8 →
		// 10 − 2×2 = 6; total 17.5 → 15.8 (−1.7); award 95×20 = 1900 → 98×20 = 1960.
		units, values, changes := brief(t, d)
		wantUnits := `[{"Unit":"xinbei","OldTotal":17.5,"NewTotal":15.8,"Delta":-1.7,"OldGrade":"合格","NewGrade":"合格","OldRank":2,"NewRank":2,"Cells":[` +
			`{"Code":"enrol","Old":9.5,"New":9.8,"Delta":0.3},{"Code":"res_enrol","Old":9.5,"New":9.8,"Delta":0.3},` +
			`{"Code":"reports","Old":8,"New":6,"Delta":-2},{"Code":"res_rate","Old":95,"New":98,"Delta":3},` +
			`{"Code":"award","Old":1900,"New":1960,"Delta":60}]}]`
		if units != wantUnits {
			t.Errorf("units\n%s\nwant\n%s", units, wantUnits)
		}
		if want := `[{"Unit":"xinbei","Metric":"res_actual","Who":"office","Reason":"复核更正","Old":95,"New":98}]`; values != want {
			t.Errorf("values\n%s\nwant\n%s", values, want)
		}
		if want := `[{"Kind":"scheme","Target":"test-medical","Action":"update","Who":"office","Reason":"细则调整","Revision":2,"Old":{"revision":1},"New":{"revision":2}},` +
			`{"Kind":"item","Target":"reports","Action":"update","Who":"office","Reason":"细则调整","Revision":2,"Old":{"formula":"clamp(10 - late_reports, 0, 10)"},"New":{"formula":"clamp(10 - 2 * late_reports, 0, 10)"}}]`; changes != want {
			t.Errorf("formulas\n%s\nwant\n%s", changes, want)
		}

		// Against the live sheet: dongcheng reports 3 late reports: 10 − 6 = 4, total 22 → 16,
		// 优胜 → 合格; the biggest change comes first.
		if err := s.PatchValues(WithReason(ctx, "补录"), code, "dongcheng", LayerFinal, map[string]any{"late_reports": 3}, ""); err != nil {
			t.Fatal(err)
		}
		d, err = s.Diff(context.Background(), code, "1", Live, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Units) != 2 || d.Units[0].Unit != "dongcheng" || *d.Units[0].Delta != -6 || *d.Units[0].NewGrade != "合格" ||
			d.Units[1].Unit != "xinbei" || d.To.Publication != 0 || d.To.Layer != LayerFinal {
			units, _, _ := brief(t, d)
			t.Fatalf("diff 1 → live: %s", units)
		}
		if len(d.Values) != 2 || d.Values[0].Unit != "dongcheng" || d.Values[0].Reason != "补录" || d.Values[0].Old != nil {
			t.Fatalf("values %+v", d.Values)
		}
		d, err = s.Diff(context.Background(), code, "2", Live, "")
		if err != nil || len(d.Units) != 1 || len(d.Formulas) != 0 || d.Unchanged != 2 {
			t.Fatalf("diff 2 → live: %+v %v", d, err)
		}
		for _, bad := range [][2]string{{"0", "1"}, {"1", "x"}, {"01", "2"}} {
			if _, err := s.Diff(context.Background(), code, bad[0], bad[1], ""); ErrorKind(err) != Invalid {
				t.Errorf("%v: %v", bad, err)
			}
		}
		if _, err := s.Diff(context.Background(), code, "1", "9", ""); ErrorKind(err) != NotFound {
			t.Errorf("publication 9: %v", err)
		}
	})
}
