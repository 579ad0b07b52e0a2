package schema

import (
	"bytes"
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
	"github.com/rubric-dev/rubric/seeds"
)

func TestCompare(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		ctx := context.Background()
		c, err := s.Compare(ctx, "test-medical", LayerSelf, LayerFinal)
		if err != nil {
			t.Fatal(err)
		}
		if c.A.Layer != LayerSelf || c.B.Layer != LayerFinal || c.A.Publication != 0 || len(c.Units) != 3 {
			t.Fatalf("sides %+v %+v, %d units", c.A, c.B, len(c.Units))
		}
		// By hand: xinbei 自评 100/100 → 10 + 10 + 0 = 20 优胜, award 100 × 20 = 2000; 考核 17.5
		// 合格, award 1900. dongcheng has no 自评. xicheng has nothing.
		x := c.Units[0]
		if x.Unit != "xinbei" || *x.A.Total != 20 || *x.B.Total != 17.5 || *x.Delta != -2.5 || !x.GradeDiffers ||
			len(x.MoneyDiffers) != 1 || x.MoneyDiffers[0] != "award" {
			t.Fatalf("xinbei %+v a %+v b %+v", x, x.A, x.B)
		}
		for _, cell := range x.Cells {
			if cell.Code == "award" && (cell.A != 2000.0 || cell.B != 1900.0 || *cell.Delta != -100) {
				t.Errorf("award %+v", cell)
			}
			if cell.Code == "res_enrol" && (cell.A != 10.0 || cell.B != 9.5 || *cell.Delta != -0.5) {
				t.Errorf("res_enrol %+v", cell)
			}
		}
		if d := c.Units[1]; d.Unit != "dongcheng" || d.A.Complete || d.A.Total != nil || *d.B.Total != 22 || d.Delta != nil || d.GradeDiffers {
			t.Errorf("dongcheng %+v", d)
		}
		if len(c.Differing) != 1 || c.Differing[0] != "xinbei" {
			t.Errorf("differing %v", c.Differing)
		}

		// A publication against the live sheet of its layer.
		if _, err := s.Publish(ctx, "test-medical", PublicationSpec{}, "office"); err != nil {
			t.Fatal(err)
		}
		if err := s.PatchValues(WithReason(ctx, "复核"), "test-medical", "xinbei", LayerFinal, map[string]any{"res_actual": 100}, "office"); err != nil {
			t.Fatal(err)
		}
		c, err = s.Compare(ctx, "test-medical", "1", LayerFinal)
		if err != nil {
			t.Fatal(err)
		}
		if x := c.Units[0]; c.A.Publication != 1 || *x.A.Total != 17.5 || *x.B.Total != 18 || x.GradeDiffers != true {
			t.Errorf("publication 1 vs final: %+v a %+v b %+v", x, x.A, x.B)
		}
		for _, bad := range [][2]string{{"draft", LayerFinal}, {LayerSelf, "0"}} {
			if _, err := s.Compare(ctx, "test-medical", bad[0], bad[1]); ErrorKind(err) != Invalid {
				t.Errorf("%v: %v", bad, err)
			}
		}
		if _, err := s.Compare(ctx, "test-medical", "2", LayerFinal); ErrorKind(err) != NotFound {
			t.Errorf("publication 2: %v", err)
		}
	})
}

// TestCompareChangzhouFee checks seed 002: the fee is computed on the final layer only, so
// self vs final shows 天宁's fee on the final side and none on the self side.
func TestCompareChangzhouFee(t *testing.T) {
	s := mustOpenStore(t, testdb.SQLite)
	data, err := seeds.Read("changzhou-2016-enrolment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := DecodeYAML(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateScheme(context.Background(), doc, "seed", ""); err != nil {
		t.Fatal(err)
	}
	c, err := s.Compare(context.Background(), doc.Code, LayerSelf, LayerFinal)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range c.Units {
		if u.Unit != "tianning" {
			continue
		}
		// 自评 95, 考核 89.5; fee 143870 × 3 × 90% = 388449 on the final layer only.
		if *u.A.Total != 95 || *u.B.Total != 89.5 || *u.Delta != -5.5 {
			t.Errorf("tianning totals %v %v %v", *u.A.Total, *u.B.Total, *u.Delta)
		}
		for _, cell := range u.Cells {
			if cell.Code == "fee" && (cell.A != nil || cell.B != 388449.0 || cell.Delta != nil) {
				t.Errorf("fee %+v", cell)
			}
		}
	}
}
