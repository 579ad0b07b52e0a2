package seeds_test

import (
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

// Changzhou grassroots platforms (docs/sources/003): 附件2's 54 weighted items scored by the
// factor method, the A+/A/B rating and its reward, complaints, the one-vote veto. Clauses are
// the document's own: 四(二)1 is 四、考核办法 (二) 1. 基础达标考核, and so on.

const platformsFile = "changzhou-platforms.yaml"

// platformsCheckUnit asserts a complete unit: no cell is null or an error.
func platformsCheckUnit(t *testing.T, s *sheet, unit string) {
	t.Helper()
	r := s.results[unit]
	if !r.Complete || len(r.Missing) != 0 || len(r.Errors) != 0 || r.Total == nil || r.Rank == nil {
		t.Errorf("%s: complete=%v missing=%v errors=%v total=%v rank=%v", unit, r.Complete, r.Missing, r.Errors, r.Total, r.Rank)
	}
	for code, v := range r.Cells {
		if v == nil {
			t.Errorf("%s.%s is null", unit, code)
		}
	}
}

// platformsWantTotal asserts a unit's total and overall rank.
func platformsWantTotal(t *testing.T, s *sheet, unit string, total float64, rank int) {
	t.Helper()
	r := s.results[unit]
	if r.Total == nil || *r.Total != total {
		t.Errorf("%s total = %v, want %v", unit, platformsDeref(r.Total), total)
	}
	if r.Rank == nil || *r.Rank != rank {
		t.Errorf("%s rank = %v, want %v", unit, platformsDeref(r.Rank), rank)
	}
}

func platformsDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestPlatformsDocument(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")
	if len(s.warnings) != 0 {
		t.Fatalf("warnings: %v", s.warnings)
	}
	// 附件2: five categories whose weights add to 40 / 36 / 7 / 5 / 12 = 100, 54 items in all,
	// numbered 1…54 in document order.
	want := map[string]float64{"employment": 40, "insurance": 36, "card": 7, "talent": 5, "labour": 12}
	sum, leaves := 0.0, 0
	for _, cat := range s.doc.Items {
		w, ok := want[cat.Code]
		if !ok || cat.MaxPoints == nil || *cat.MaxPoints != w {
			t.Errorf("category %s max_points = %v, want %v", cat.Code, platformsDeref(cat.MaxPoints), w)
		}
		catSum := 0.0
		for _, it := range cat.Children {
			leaves++
			if it.Code != "s"+twoDigits(leaves) || it.MaxPoints == nil || it.Formula == "" || it.Criteria == "" {
				t.Errorf("item %d is %s (max %v)", leaves, it.Code, platformsDeref(it.MaxPoints))
				continue
			}
			catSum += *it.MaxPoints * 10 // weights have one decimal: add tenths exactly
		}
		if catSum/10 != w {
			t.Errorf("category %s: weights add to %v, want %v", cat.Code, catSum/10, w)
		}
		sum += catSum / 10
	}
	if leaves != 54 || sum != 100 || s.doc.TotalPoints != 100 {
		t.Errorf("%d items adding to %v of %v; want 54 items adding to 100", leaves, sum, s.doc.TotalPoints)
	}
	if s.doc.Veto == nil || s.doc.Veto.Label != "一票否决" {
		t.Errorf("veto = %+v", s.doc.Veto)
	}
	if len(s.doc.Units) < 5 {
		t.Errorf("roster has %d units", len(s.doc.Units))
	}
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func TestPlatformsSheet(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")
	for _, u := range s.doc.Units {
		if u.Code != "zouqu" {
			platformsCheckUnit(t, s, u.Code)
		}
	}
	// zouqu: 仲裁处 has not reported v53 (劳动人事争议调解) — the one incomplete unit. Its item cells
	// (each reads a column sum over complete units only) and its total are null; the rating,
	// which reads no volume, is still computed: no hall, no window → B (四(二)1).
	r := s.results["zouqu"]
	if r.Complete || !reflect.DeepEqual(r.Missing, []string{"v53"}) || r.Total != nil || r.Rank != nil {
		t.Errorf("zouqu: complete=%v missing=%v total=%v rank=%v", r.Complete, r.Missing, platformsDeref(r.Total), platformsDeref(r.Rank))
	}
	s.wantCells(t, "zouqu", map[string]any{
		"s01": nil, "s54": nil, "labour": nil, "employment": nil, "workload_base": nil, "workload_subsidy": nil, "award_total": nil,
		"rating": "B", "rating_reward": 0.0, "hw_subsidy": 0.0,
	})
}

// The factor method (三(二), 四(二)2): item NN scores weight × the unit's volume ÷ the volume of
// all complete units that are not vetoed (zhenglu's falsified figures and incomplete zouqu are
// left out), rounded to 2 decimals. The example volumes of the four counted units stand
// 4 : 3 : 2 : 1 (就业创业), 2 : 3 : 2 : 3 (社会保险), 3 : 3 : 1 : 3 (社会保障卡), 2 : 2 : 4 : 2
// (人才工作) and 3 : 3 : 2 : 2 (劳动关系) for sanjing : xuejia : chashan : wuxing, except
// s01 (131 / 93 / 76 / 40), s09 (sanjing alone), s15 (nobody) and s45 (xuejia alone).
// Weights left in 就业创业 without s01, s09, s15: 40 − 5.6 − 0.4 − 0.4 = 33.6; in 社会保险
// without s45: 36 − 0.5 = 35.5.
func TestPlatformsHandWorked(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")

	// sanjing (三井街道, 新北区): independent hall + standardised → A+ (四(二)1).
	s.wantCells(t, "sanjing", map[string]any{
		"s01":              2.16, // 附件2 1: 5.6 × 131 / (131+93+76+40 = 340) = 2.1576… → 2.16
		"s03":              2.56, // 附件2 3: 6.4 × 160 / 400 = 6.4 × 0.4
		"s09":              0.4,  // 附件2 9: the only unit to report a case: the whole weight 0.4 (the item's cap)
		"s15":              0.0,  // 附件2 15: no counted unit did it: 0 for all, the weight is not shared out
		"s45":              0.0,  // 附件2 45: 0 volume
		"s53":              2.1,  // 附件2 53: 7.0 × 18 / 60
		"employment":       16.0, // 33.6 × 0.4 + 2.16 + 0.4 + 0 = 13.44 + 2.56
		"insurance":        7.1,  // 35.5 × 0.2
		"card":             2.1,  // 7 × 0.3
		"talent":           1.0,  // 5 × 0.2
		"labour":           3.6,  // 12 × 0.3
		"rating":           "A+",
		"rating_reward":    12000.0,   // 四(二)1: A+类 12000元
		"workload_base":    299196.79, // apportion: 1 000 000 × 29.80 / 99.60 = 299 196.787… → 299 196.78 + the one fen left (largest remainder .7)
		"complaint_cut":    0.0,       // no complaint
		"workload_subsidy": 299196.79,
		"winner":           true,      // 四(二)3: selected, A+ and not vetoed
		"winner_reward":    5000.0,    // params.winner_reward (example amount)
		"hw_subsidy":       80000.0,   // 四(一): 80 000 × 100% progress
		"award_total":      396196.79, // 80 000 + 12 000 + 299 196.79 + 5 000
	})
	platformsWantTotal(t, s, "sanjing", 29.8, 1) // 16 + 7.1 + 2.1 + 1 + 3.6

	// xuejia (薛家镇): no hall but a window, standardised → A; two verified complaints.
	s.wantCells(t, "xuejia", map[string]any{
		"s01":              1.53,  // 5.6 × 93 / 340 = 1.5317… → 1.53
		"s45":              0.5,   // 附件2 45: the only unit: the whole weight 0.5
		"employment":       11.61, // 33.6 × 0.3 + 1.53 = 10.08 + 1.53
		"insurance":        11.15, // 35.5 × 0.3 + 0.5 = 10.65 + 0.5
		"rating":           "A",
		"rating_reward":    10000.0,   // 四(二)1: A类 10000元
		"workload_base":    295783.13, // 1 000 000 × 29.46 / 99.60 = 295 783.132… (remainder .25: no extra fen)
		"complaint_cut":    29578.31,  // 四(二)2: 2 complaints × 5% = 10% of 295 783.13 = 29 578.313
		"workload_subsidy": 266204.82,
		"hw_subsidy":       45000.0,   // 四(一): 60 000 × 75% progress (未达到进度的按比例扣减)
		"award_total":      326204.82, // 45 000 + 10 000 + 266 204.82 + 5 000
	})
	platformsWantTotal(t, s, "xuejia", 29.46, 2) // 11.61 + 11.15 + 2.1 + 1 + 3.6

	// chashan (茶山街道): a hall but not standardised → only B (四(二)1); one complaint and an
	// assessor's cut for errors (酌情扣减).
	s.wantCells(t, "chashan", map[string]any{
		"s01":              1.25, // 5.6 × 76 / 340 = 1.2517… → 1.25
		"employment":       7.97, // 33.6 × 0.2 + 1.25 = 6.72 + 1.25
		"insurance":        7.1,  // 35.5 × 0.2
		"card":             0.7,  // 7 × 0.1
		"talent":           2.0,  // 5 × 0.4
		"labour":           2.4,  // 12 × 0.2
		"rating":           "B",
		"rating_reward":    0.0,
		"workload_base":    202510.04, // 1 000 000 × 20.17 / 99.60 = 202 510.040…
		"complaint_cut":    10125.5,   // 5% of 202 510.04 = 10 125.502
		"workload_subsidy": 187384.54, // 202 510.04 − 10 125.50 − 5 000
		"winner":           false,
	})
	// wuxing (五星街道): a different mix of volumes lands on the same total as chashan: a tie,
	// both ranked 3rd (ties share the lower rank). 20 complaints take exactly 100% of the subsidy
	// (四(二)2 “依次类推”: the threshold met exactly); the further 2 000 元 cut for errors cannot
	// take it below 0 (clamped).
	s.wantCells(t, "wuxing", map[string]any{
		"s01":              0.66,  // 5.6 × 40 / 340 = 0.6588… → 0.66
		"employment":       4.02,  // 33.6 × 0.1 + 0.66 = 3.36 + 0.66
		"insurance":        10.65, // 35.5 × 0.3
		"card":             2.1,
		"talent":           1.0,
		"labour":           2.4,
		"rating":           "A",
		"rating_reward":    10000.0,
		"workload_base":    202510.04, // the same total as chashan, the same share
		"complaint_cut":    202510.04, // min(20 × 5, 100)% = 100%
		"workload_subsidy": 0.0,       // max(0, 202 510.04 − 202 510.04 − 2 000)
		"winner":           false,     // not selected
		"award_total":      10000.0,
	})
	platformsWantTotal(t, s, "chashan", 20.17, 3) // 7.97 + 7.1 + 0.7 + 2 + 2.4
	platformsWantTotal(t, s, "wuxing", 20.17, 3)  // 4.02 + 10.65 + 2.1 + 1 + 2.4

	// zhenglu (郑陆镇): 12333's call-back found falsified figures → 一票否决 (五.2). Its cells are
	// still computed — its share of all complete units' volume including its own: 2.5 parts of
	// 12.5 = 0.2 of every pattern item — but its total is 0, its rating B and it gets no
	// performance money; the hardware subsidy (四(一), a separate assessment) is still paid.
	s.wantCells(t, "zhenglu", map[string]any{
		"s01":              1.12, // 5.6 × 85 / (340 + 85) = 5.6 × 0.2
		"s15":              0.4,  // the only unit with a 附件2 15 case: its whole weight
		"employment":       8.24, // 33.6 × 0.2 + 1.12 + 0 + 0.4 = 6.72 + 1.52
		"insurance":        7.1,  // 35.5 × 0.2
		"card":             1.4,
		"talent":           1.0,
		"labour":           2.4,
		"rating":           "B",
		"rating_reward":    0.0,
		"workload_base":    0.0, // total 0
		"workload_subsidy": 0.0,
		"winner":           false, // selected (excellent) but vetoed
		"winner_reward":    0.0,
		"hw_subsidy":       50000.0,
		"award_total":      50000.0,
	})
	r := s.results["zhenglu"]
	if !r.Vetoed || r.Total == nil || *r.Total != 0 || r.Rank == nil || *r.Rank != 5 {
		t.Errorf("zhenglu: vetoed=%v total=%v rank=%v; want vetoed, 0, 5th", r.Vetoed, platformsDeref(r.Total), platformsDeref(r.Rank))
	}

	// The counted units' totals add up to the 100 weights less s15's 0.4 that nobody earned.
	sum := 0.0
	for _, u := range []string{"sanjing", "xuejia", "chashan", "wuxing"} {
		sum += *s.results[u].Total * 100
	}
	if sum != 9960 {
		t.Errorf("counted totals add to %v, want 99.60", sum/100)
	}
}

// A vetoed unit's volume is left out of the others' denominators: lifting the veto puts it
// back, and every other unit's share of 附件2 1 shrinks.
func TestPlatformsVetoLiftedSharesShrink(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")
	if err := s.sheet.Set("zhenglu", "falsified", false); err != nil {
		t.Fatal(err)
	}
	r, _ := s.sheet.Result("sanjing")
	// 5.6 × 131 / (340 + 85) = 1.7261… → 1.73
	if got := r.Cells["s01"]; got != 1.73 {
		t.Errorf("sanjing.s01 after lifting the veto = %v, want 1.73", got)
	}
	z, _ := s.sheet.Result("zhenglu")
	if z.Vetoed || z.Total == nil || *z.Total != 20.14 {
		t.Errorf("zhenglu after lifting the veto: vetoed=%v total=%v, want 20.14", z.Vetoed, platformsDeref(z.Total))
	}
}

// Issue 16: the workload pool (四(二)2) is split by apportion, so the money adds up to the
// pool to the fen. In the example the counted totals add up to 99.60 (nobody earned s15's
// 0.4), and 299 196.79 + 295 783.13 + 202 510.04 + 202 510.04 + 0 (vetoed zhenglu) = 1 000 000.
func TestPlatformsWorkloadAddsUpToThePool(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")
	fen := 0.0
	for _, u := range []string{"sanjing", "xuejia", "chashan", "wuxing", "zhenglu"} {
		fen += math.Round(s.cell(t, u, "workload_base").(float64) * 100)
	}
	if fen != 100_000_000 {
		t.Errorf("workload_base adds up to %.2f, want the pool 1000000.00", fen/100)
	}
}

// The case of issue 16: three counted units with equal volumes each score 33.34 (rounded
// shares of the 100 weights add up to 100.02 points); the money is still 1 000 000, one fen
// more to the unit listed first: 333 333.34 + 333 333.33 + 333 333.33.
func TestPlatformsEqualVolumesShareThePoolExactly(t *testing.T) {
	s := mustLoad(t, platformsFile, "final")
	base := s.doc.Values["final"]["sanjing"]
	var rows []formulas.Row
	for _, code := range []string{"u1", "u2", "u3"} {
		vals := map[string]any{}
		for k, v := range base {
			vals[k] = v
		}
		for _, m := range s.doc.Metrics {
			if len(m.Code) == 3 && m.Code[0] == 'v' {
				vals[m.Code] = 7
			}
		}
		rows = append(rows, formulas.Row{Unit: formulas.Unit{Code: code, Name: code, Group: "新北区"}, Values: vals})
	}
	sh := s.program.Evaluate(rows)
	want := []float64{333333.34, 333333.33, 333333.33}
	points := 0.0
	for i, r := range sh.Results() {
		if r.Total == nil || *r.Total != 33.34 {
			t.Errorf("%s total = %v, want 33.34", r.Unit.Code, platformsDeref(r.Total))
		} else {
			points += *r.Total
		}
		if got := r.Cells["workload_base"]; got != want[i] {
			t.Errorf("%s workload_base = %v, want %v", r.Unit.Code, got, want[i])
		}
	}
	if math.Round(points*100) != 10002 {
		t.Errorf("points add up to %v, want 100.02 (each unit's items are rounded on their own)", points)
	}
}
