package seeds_test

import (
	"reflect"
	"testing"
)

// Jiaxing 2013 (docs/sources/004): five parts 25 / 20 / 25 / 15 / 15, the rules the truncated
// text keeps, assessor-entered points lost (*_cut) where the rules are judgements or missing,
// bands 95+ 优胜 / 85–94 合格 / 76–84 基本合格 (above 75) / ≤75 不合格. Clauses are the document's own:
// 一(四)3 is part 一, section (四) 综合管理, rule 3.

const jiaxingFile = "jiaxing-2013-social-security.yaml"

func jiaxingDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// jiaxingWant asserts a unit's total, grade, rank and group rank.
func jiaxingWant(t *testing.T, s *sheet, unit string, total float64, grade string, rank, groupRank int) {
	t.Helper()
	r := s.results[unit]
	if r.Total == nil || *r.Total != total || r.Grade == nil || *r.Grade != grade ||
		r.Rank == nil || *r.Rank != rank || r.GroupRank == nil || *r.GroupRank != groupRank {
		t.Errorf("%s: total %v grade %v rank %v group rank %v; want %v %s %d %d", unit, jiaxingDeref(r.Total),
			jiaxingDeref(r.Grade), jiaxingDeref(r.Rank), jiaxingDeref(r.GroupRank), total, grade, rank, groupRank)
	}
}

func TestJiaxingDocument(t *testing.T) {
	s := mustLoad(t, jiaxingFile, "final")
	if len(s.warnings) != 0 {
		t.Fatalf("warnings: %v", s.warnings)
	}
	// 考核总分为100分: 一 25, 二 20, 三 25, 四 15, 五 15; two bonus items outside the parts.
	want := map[string]float64{"p1": 25, "p2": 20, "p3": 25, "p4": 15, "p5": 15}
	sum := 0.0
	for _, it := range s.doc.Items {
		if it.Kind == "bonus" {
			if it.MaxPoints != nil {
				t.Errorf("bonus %s has a cap the document does not set", it.Code)
			}
			continue
		}
		if it.MaxPoints == nil || *it.MaxPoints != want[it.Code] {
			t.Errorf("part %s max_points = %v, want %v", it.Code, jiaxingDeref(it.MaxPoints), want[it.Code])
			continue
		}
		sum += *it.MaxPoints
	}
	if sum != 100 || s.doc.TotalPoints != 100 {
		t.Errorf("parts add to %v of %v", sum, s.doc.TotalPoints)
	}
}

func TestJiaxingSheet(t *testing.T) {
	s := mustLoad(t, jiaxingFile, "final")
	for _, u := range s.doc.Units {
		r := s.results[u.Code]
		if len(r.Errors) != 0 {
			t.Errorf("%s: errors %v", u.Code, r.Errors)
		}
		if u.Code == "xinfeng" {
			continue
		}
		if !r.Complete || r.Total == nil || r.Grade == nil || r.Rank == nil {
			t.Errorf("%s: complete=%v missing=%v", u.Code, r.Complete, r.Missing)
		}
		for code, v := range r.Cells {
			if v == nil {
				t.Errorf("%s.%s is null", u.Code, code)
			}
		}
	}
	// xinfeng (新丰镇) has not reported its recovery rate (三(三)2): incomplete. The cells that
	// read it are null up to the total; everything else is computed.
	r := s.results["xinfeng"]
	if r.Complete || !reflect.DeepEqual(r.Missing, []string{"recovery_rate"}) || r.Total != nil || r.Grade != nil || r.Rank != nil {
		t.Errorf("xinfeng: complete=%v missing=%v total=%v grade=%v", r.Complete, r.Missing, jiaxingDeref(r.Total), jiaxingDeref(r.Grade))
	}
	s.wantCells(t, "xinfeng", map[string]any{
		"p3_3_2": nil, "p3_3": nil, "p3": nil,
		"p3_3_1": 2.0,  // 三(三)1: 99.5% ≥ 99%
		"p1":     23.5, // 6 + (3 − 0.5) + (6 − 1) + 10
	})
}

func TestJiaxingHandWorked(t *testing.T) {
	s := mustLoad(t, jiaxingFile, "final")

	// yuxin (余新镇): every threshold met exactly, total exactly 95 → 优胜 (通知: 95分（含）以上).
	s.wantCells(t, "yuxin", map[string]any{
		"p1_4_3": 2.0, // 一(四)3: 3 trainings = 3次以上 → no deduction
		"p1_4_4": 3.0, // 一(四)4: showcase, 4 articles = 不少于4篇
		"p1_4":   10.0,
		"p1_3":   5.0,  // 6 − 1 (assessor's cut)
		"p1":     24.0, // 6 + 3 + 5 + 10
		"p2_2_5": 1.9,  // 二(二)5: 2 × 95% (申报率折算)
		"p2":     19.9, // 4 + (3 + 3 + 4 + 2 + 1.9 + 2)
		"p3_1_3": 1.0,  // 三(一)3: 3 staff × 6000 = 18 000 clients exactly (1∶6000 met)
		"p3_2_3": 2.0,  // 三(二)3: 100%
		"p3_2_4": 3.6,  // 4 − 0.4
		"p3_3_1": 2.0,  // 三(三)1: 99% exactly → 0 points below
		"p3_3_2": 2.0,  // 三(三)2: 认证率 100%, 追缴率 90% exactly
		"p3":     24.6, // 4 + (1 + 1 + 2 + 3.6 + 2 + 2) + 9
		"p4":     13.0, // (10 − 2) + 5
		"p5":     13.5, // 5 + (7 − 1.5) + 3
	})
	jiaxingWant(t, s, "yuxin", 95, "优胜", 1, 1) // 24 + 19.9 + 24.6 + 13 + 13.5

	// wangdian (王店镇): over-deductions stop at 0 (扣完为止).
	s.wantCells(t, "wangdian", map[string]any{
		"p1_4_3": 0.0,  // 一(四)3: 0 trainings → 2 − 3 × 1 = −1 → 0
		"p1_4_4": 0.5,  // 一(四)4: no showcase −1, 1 article = 3 short × 0.5 → 3 − 1 − 1.5
		"p1_4":   3.5,  // 1 + (2 − 1) + 0 + 0.5 + (2 − 1)
		"p2_2_5": 1.2,  // 二(二)5: 2 × 60%
		"p3_1_3": 0.0,  // 三(一)3: 2 × 6000 = 12 000 < 13 500 clients
		"p3_2_3": 0.0,  // 三(二)3: 98.6% → 1.4 points below → 2 started points → 2 − 2
		"p3_3_1": 0.0,  // 三(三)1: 97.5% → 1.5 below 99% → 2 started points → 2 − 2
		"p3_3_2": 0.0,  // 三(三)2: 97% → −3 × 0.5, 85% → −5 × 0.5: 2 − 1.5 − 2.5 = −2 → 0
		"p3_3":   3.0,  // 0 + 0 + (5 − 2)
		"p1":     14.5, // 5 + 2 + 4 + 3.5
		"p2":     15.2, // (1.5 + 1) + (3 + 2 + 3 + 1.5 + 1.2 + 2)
		"p3":     13.0, // (1 + 1 + 0) + (1 + 0.5 + 0 + 3 + 2 + 1.5) + 3
		"p4":     12.0, // 8 + 4
		"p5":     11.0, // 4 + 5 + 2
	})
	jiaxingWant(t, s, "wangdian", 65.7, "不合格", 5, 2) // 14.5 + 15.2 + 13 + 12 + 11 ≤ 75

	// jianshe and tanghui (街道) tie at 84.5: both 3rd, both 2nd of 街道. 84.5 falls in the gap
	// the document leaves between 84 and 85: below 85, so 基本合格.
	s.wantCells(t, "jianshe", map[string]any{
		"p1_4_4": 2.5,  // 一(四)4: 3 articles → −0.5
		"p2_2_5": 1.75, // 二(二)5: 2 × 87.5%
		"p3_2_3": 1.0,  // 三(二)3: 99.5% → 0.5 below, a started point (准确率100% for full marks) → −1
		"p3_3_1": 1.0,  // 三(三)1: 98.2% → 0.8 below 99, a started point → −1
		"p3_3_2": 1.5,  // 三(三)2: 认证率 99% → exactly 1 point → −0.5; 追缴率 92% ≥ 90%
		"p4_1":   10.0, // 四(一): no cut
		"p5_3":   2.75, // 3 − 0.25
	})
	s.wantCells(t, "tanghui", map[string]any{
		"p1_4_3": 1.0, // 一(四)3: 2 trainings → one short → −1
		"p1_4_4": 2.0, // 一(四)4: no showcase → −1; 5 articles ≥ 4
		"p2_2_5": 1.6, // 2 × 80%
		"p3_1_3": 0.0, // 三(一)3: 2 × 6000 = 12 000 < 12 001: one client over the ratio
	})
	// jianshe: 100 − 0.25 (online) − 0.5 (articles) − 1 (核对 99.5%) − 1 (信息 98.2%) − 0.5 (认证率)
	// − 12.25 (assessor's cuts)
	jiaxingWant(t, s, "jianshe", 84.5, "基本合格", 3, 2)
	// tanghui: 100 − 1 (training) − 1 (showcase) − 0.4 (online) − 1 (staff) − 12.1 (cuts)
	jiaxingWant(t, s, "tanghui", 84.5, "基本合格", 3, 2)

	// gaozhao (高照街道): figures above the bar earn no more than full marks; the bonus items
	// (一(四) 特色酌情加分 1, 三(四) 加分项目 0.5) add to the total outside the parts' caps and
	// lift 83.5 to exactly 85 → 合格 (85~94分为合格).
	s.wantCells(t, "gaozhao", map[string]any{
		"p1_4_3":   2.0, // 6 trainings: still 2
		"p1_4_4":   3.0, // 8 articles: still 3
		"p2_2_5":   2.0, // 100%
		"p1_bonus": 1.0,
		"p3_bonus": 0.5,
		"p1":       20.0, // (6 − 1) + (3 − 1) + (6 − 1.5) + (0.5 + 1 + 2 + 3 + 2)
		"p2":       16.5, // (2 + 1) + (3 + 1.5 + 3 + 2 + 2 + 2)
		"p3":       21.5, // (1 + 1 + 1) + (1 + 1 + 2 + 3 + 2 + 2) + (2 + 2 + 3.5)
		"p4":       12.0,
		"p5":       13.5,
	})
	jiaxingWant(t, s, "gaozhao", 85, "合格", 2, 1) // 20 + 16.5 + 21.5 + 12 + 13.5 + 1 + 0.5
}

// The bands at their edges: 94.99 is still 合格; "75分（含）以下为不合格，76~84分基本合格" makes 75
// 不合格 and everything above 75 — 75.5 in the gap the document leaves, 76 — 基本合格
// ({above: 75}, issue 16).
func TestJiaxingBandEdges(t *testing.T) {
	s := mustLoad(t, jiaxingFile, "final")
	// yuxin loses 0.01 more: 2 × 94.5% = 1.89 instead of 1.9 → 94.99.
	if err := s.sheet.Set("yuxin", "online_rate", 94.5); err != nil {
		t.Fatal(err)
	}
	r, _ := s.sheet.Result("yuxin")
	if r.Total == nil || *r.Total != 94.99 || r.Grade == nil || *r.Grade != "合格" {
		t.Errorf("yuxin: total %v grade %v, want 94.99 合格", jiaxingDeref(r.Total), jiaxingDeref(r.Grade))
	}
	// wangdian gains 9.8 points back (7.8 of cuts, and 参保信息准确率 99% → 三(三)1 2 instead of 0)
	// → 75.5; then 一(一)1 loses 0.5 more (cut 1.5) → 75.0, or 0.5 less (cut 0.5) → 76.0.
	for metric, v := range map[string]float64{"p4_1_cut": 0, "p5_2_cut": 0, "p3_3_3_cut": 0, "p1_3_cut": 0.2, "info_accuracy": 99} {
		if err := s.sheet.Set("wangdian", metric, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		cut   float64
		total float64
		grade string
	}{
		{1, 75.5, "基本合格"}, // above 75: not 75（含）以下
		{1.5, 75, "不合格"},  // 75（含）以下
		{0.5, 76, "基本合格"}, // 76~84
	} {
		if err := s.sheet.Set("wangdian", "p1_1_cut", tt.cut); err != nil {
			t.Fatal(err)
		}
		r, _ = s.sheet.Result("wangdian")
		if r.Total == nil || *r.Total != tt.total || r.Grade == nil || *r.Grade != tt.grade {
			t.Errorf("wangdian with p1_1_cut %v: total %v grade %v, want %v %s", tt.cut, jiaxingDeref(r.Total), jiaxingDeref(r.Grade), tt.total, tt.grade)
		}
	}
}
