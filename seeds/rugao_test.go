package seeds_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

// 001_34527197a5123bce.txt: 如皋市 2022年医疗保障工作考核办法. Clauses are cited as the
// document numbers them: 二(一)…二(九) for the nine items, 加分 / 减分 for 加减分项目, 四(二)1 for
// the awards, 四(二)3①② for the subsidies, 附件1 / 附件2 for the annexes. Every expected value
// below was worked out by hand from the example values in rugao-2022-medical.yaml.

const rugaoFile = "rugao-2022-medical.yaml"

// rugaoIncomplete is the deliberately incomplete unit: 石庄镇 has not reported res_actual.
const rugaoIncomplete = "shizhuang"

func TestRugaoCompiles(t *testing.T) {
	s := mustLoad(t, rugaoFile, "final")
	if len(s.warnings) > 0 {
		t.Errorf("warnings: %+v", s.warnings)
	}
	if s.doc.Code != "rugao-2022-medical" || s.doc.Title != "2022年医疗保障工作考核办法" || s.doc.TotalPoints != 100 {
		t.Errorf("code %q title %q total_points %v", s.doc.Code, s.doc.Title, s.doc.TotalPoints)
	}
	// 二: nine items, 7 × 10 + 2 × 15, plus the 加分 and 减分 items.
	var tens, fifteens int
	for _, it := range s.doc.Items {
		if it.ItemKind() != "score" {
			continue
		}
		switch *it.MaxPoints {
		case 10:
			tens++
		case 15:
			fifteens++
		default:
			t.Errorf("item %s is worth %v", it.Code, *it.MaxPoints)
		}
	}
	if tens != 7 || fifteens != 2 {
		t.Errorf("%d items of 10 and %d of 15, want 7 and 2", tens, fifteens)
	}
}

// 附件2: the targets of the 14 镇（区、街道） add up to the document's 合计.
func TestRugaoTargetsMatchDocument(t *testing.T) {
	s := mustLoad(t, rugaoFile, "final")
	if len(s.doc.Units) != 14 {
		t.Fatalf("%d units, want 14", len(s.doc.Units))
	}
	groups := map[string]int{}
	var emp, res int
	for _, u := range s.doc.Units {
		groups[u.Group]++
		v := s.doc.Values["final"][u.Code]
		emp += v["emp_target"].(int)
		res += v["res_target"].(int)
	}
	if groups["主功能区"] != 4 || groups["镇"] != 10 {
		t.Errorf("groups %v, want 4 主功能区 and 10 镇", groups)
	}
	if emp != 20000 {
		t.Errorf("Σ 职工医疗保险 targets = %d, want 20000 (附件2 合计)", emp)
	}
	if res != 780300 {
		t.Errorf("Σ 居民医疗保险 targets = %d, want 780300 (附件2 合计)", res)
	}
}

func TestRugaoSheetComplete(t *testing.T) {
	s := mustLoad(t, rugaoFile, "final")
	for code, r := range s.results {
		if len(r.Errors) > 0 {
			t.Errorf("%s: cell errors %v", code, r.Errors)
		}
		if r.Grade != nil {
			t.Errorf("%s: grade %q, but the document has no grade bands", code, *r.Grade)
		}
		if code == rugaoIncomplete {
			continue
		}
		if !r.Complete || len(r.Missing) > 0 || r.Total == nil || r.Rank == nil || r.GroupRank == nil {
			t.Errorf("%s: complete=%v missing=%v; want a complete unit with total and ranks", code, r.Complete, r.Missing)
		}
		for cell, v := range r.Cells {
			if v == nil {
				t.Errorf("%s.%s is null", code, cell)
			}
		}
	}
	r := s.results[rugaoIncomplete]
	if r.Complete || !slices.Equal(r.Missing, []string{"res_actual"}) || r.Total != nil || r.Rank != nil || r.GroupRank != nil {
		t.Errorf("%s: complete=%v missing=%v total=%v; want incomplete, missing [res_actual], no total or ranks",
			rugaoIncomplete, r.Complete, r.Missing, r.Total)
	}
	// What reads res_actual, a rank or the total is null; the rest is still computed.
	s.wantCells(t, rugaoIncomplete, map[string]any{
		"res_rate": nil, "res_enrol": nil, "enrol": nil, "res_rank": nil, "emp_rank": nil, "ranking": nil,
		"key_work": nil, "award": nil, "award_fund": nil, "basic_subsidy": nil, "org_subsidy": nil, "money_total": nil,
		// 二(一): nothing missing; 四(二)3②: 1100 × 20 + 110 × 30.
		"basic": 10.0, "emp_rate": 110.0, "enrol_bonus": 25300.0,
	})
}

// rugaoWantTotal checks a unit's total, overall rank and rank inside its group.
func rugaoWantTotal(t *testing.T, s *sheet, unit string, total float64, rank, groupRank int) {
	t.Helper()
	r := s.results[unit]
	if r.Total == nil || *r.Total != total {
		t.Errorf("%s: total = %v, want %v", unit, r.Total, total)
	}
	if r.Rank == nil || *r.Rank != rank || r.GroupRank == nil || *r.GroupRank != groupRank {
		t.Errorf("%s: rank %v group_rank %v, want %d and %d", unit, r.Rank, r.GroupRank, rank, groupRank)
	}
}

func TestRugaoHandWorked(t *testing.T) {
	s := mustLoad(t, rugaoFile, "final")

	// 如皋工业园区（如城街道）, 主功能区.
	s.wantCells(t, "rucheng", map[string]any{
		"res_rate":  102.0, // 60588 / 59400
		"res_enrol": 0.0,   // 二(二)①: completed, no deduction
		"enrol":     10.0,  // 二(二): 3 + 2 + 3 + 2
		// 二(三)①: 主功能区 completers 如城 102, 城南 102, 城北 100: a tie for 1st → full 5
		"res_rank": 5.0,
		// 二(三)②: 主功能区 如城 110, 长江 110, 城南 105, 城北 100: a tie for 1st → 5
		"emp_rank":      5.0,
		"info":          9.0,     // 二(四): 1 维护错误 → 10 − 1
		"key_work":      10.0,    // 二(七): 2 projects: 100 and 100, 1st on both → 5 + 5
		"bonus":         2.0,     // 加分: 2.5 entered, 加分累计不超过2分 → 2 (cap reached)
		"award":         "一等奖",   // 四(二)1: total 101 ranked 1st of 13 → 一等奖1名
		"award_fund":    30000.0, // 四(二)1: 一等奖 3万元
		"basic_subsidy": 90882.0, // 四(二)3①: 60588 × 1.5
		"org_subsidy":   60000.0, // 四(二)3①: target 59400 < 8万 → 6万
		"enrol_bonus":   39100.0, // 四(二)3②: 1700 × 20 + (1870 − 1700) × 30 = 34000 + 5100
		"money_total":   219982.0,
	})
	// 10 + 10 + 10 + 9 + 10 + 10 + 10 + 15 + 15 + 2 = 101
	rugaoWantTotal(t, s, "rucheng", 101, 1, 1)

	// 经济技术开发区（城北街道）, 主功能区: both targets met exactly.
	s.wantCells(t, "chengbei", map[string]any{
		"res_rate":   100.0, // 85950 / 85950: threshold met exactly
		"res_enrol":  0.0,   // 二(二)①: 100% is 完成, no deduction
		"emp_expand": 2.0,   // 二(二)④: 1700 / 1700 = 100% → 2
		"basic":      9.0,   // 二(一): 1 缺项 → 10 − 1
		// 二(三)①: 100% still ranks; 3rd of the 3 主功能区 completers → 5 − 2 × 0.5
		"res_rank": 4.0,
		// 二(三)②: 4th of 4 (110, 110, 105, 100) → 5 − 3 × 0.5
		"emp_rank":    3.5,
		"special_id":  8.0,  // 二(五): 2 身份标识不准确 → 10 − 2
		"key_work":    9.2,  // 二(七): project 1 all 100 → 5; project 2 主功能区 100, 98, 95, 90 → 3rd → 5 − 2 × 0.4
		"empower":     15.0, // 二(八): 宣讲 exactly 2 → no deduction
		"bonus":       1.0,
		"award":       "三等奖", // 四(二)1: 94.7 ranked 6th → 三等奖 (4th–6th)
		"award_fund":  10000.0,
		"org_subsidy": 80000.0, // 四(二)3①: target 85950 ≥ 8万 and completed → 8万
		"enrol_bonus": 34000.0, // 四(二)3②: 1700 × 20, nothing beyond target
	})
	// 9 + 10 + 7.5 + 10 + 8 + 10 + 9.2 + 15 + 15 + 1 = 94.7
	rugaoWantTotal(t, s, "chengbei", 94.7, 6, 2)

	// 长江镇（如皋港区）, 主功能区: 居民 97.5%, a province-level notice.
	s.wantCells(t, "changjiang", map[string]any{
		"res_rate":      97.5, // 76245 / 78200
		"res_enrol":     0.3,  // 二(二)①: 2.5 points short, a started point counts → 3 × 0.1
		"special":       2.0,  // 二(二)①: 1 special-group person not enrolled → 3 − 1
		"enrol":         8.7,  // 二(二): 2 + 2 + 3 + 2 − 0.3
		"res_rank":      0.0,  // 二(三)①: target not completed → not ranked
		"emp_rank":      5.0,  // 二(三)②: 110%, tied 1st with 如城 → 5
		"ranking":       5.0,
		"key_work":      8.8,  // 二(七): 5 + project 2 4th of 4 → 5 − 3 × 0.4
		"empower":       14.0, // 二(八): 1 经办服务缺限 → 15 − 1
		"deduction":     3.0,  // 减分: 省级通报1项 × 3
		"award":         "",
		"award_fund":    0.0,
		"basic_subsidy": 114367.5, // 四(二)3①: 76245 × 1.5
		"org_subsidy":   0.0,      // 四(二)3①: target not completed
		"enrol_bonus":   34500.0,  // 四(二)3②: 1500 × 20 + 150 × 30
	})
	// 10 + 8.7 + 5 + 10 + 10 + 10 + 8.8 + 14 + 15 − 3 = 88.5
	rugaoWantTotal(t, s, "changjiang", 88.5, 10, 4)

	// 东陈镇, 镇: ties in both rankings.
	s.wantCells(t, "dongchen", map[string]any{
		// 二(三)①: 镇 completers 104, 103, 102, 102, 101.5, 101, 100.8, 100 → 东陈 and 江安 tie 3rd → 5 − 2 × 0.25
		"res_rank": 4.5,
		// 二(三)②: 镇 completers 115, 110 × 3, 105 × 2, 100 → tied 2nd → 5 − 1 × 0.25
		"emp_rank":   4.75,
		"info":       9.0,   // 二(四): 1 已缴费未录入 → 10 − 1
		"key_work":   10.0,  // 二(七): 镇 100 and 100: 1st on project 1 (all 100), tied 1st on project 2 with 白蒲, 江安 → 5 + 5
		"empower":    14.0,  // 二(八): 1 资料归档缺限 → 15 − 1
		"award":      "二等奖", // 四(二)1: 97.25 ranked 3rd → 二等奖 (2nd–3rd)
		"award_fund": 20000.0,
	})
	rugaoWantTotal(t, s, "dongchen", 97.25, 3, 2)

	// 丁堰镇, 镇: a deduction past the floor, 职工扩面 short.
	s.wantCells(t, "dingyan", map[string]any{
		"res_rank":    5.0,     // 二(三)①: 104%, 1st of the 镇 completers → full 5
		"emp_rate":    90.0,    // 630 / 700
		"emp_expand":  1.0,     // 二(二)④: 10 points short → 2 − 10 × 0.1
		"emp_rank":    0.0,     // 二(三)②: target not completed → not ranked
		"supervision": 0.0,     // 二(六): 10 − 4 × 1 − 4 × 2 = −2 → clamped at 0
		"key_work":    8.8,     // 二(七): 5 + project 2 镇 92 ranked 7th of 9 → 5 − 6 × 0.2
		"circle":      15.0,    // 二(九): population 48000 < 5万, 2 专职人员 suffice
		"enrol_bonus": 12600.0, // 四(二)3②: 630 × 20
		"award":       "",
	})
	rugaoWantTotal(t, s, "dingyan", 82.8, 12, 8)

	// 白蒲镇, 镇: bonus exactly at the cap, understaffed service point.
	s.wantCells(t, "baipu", map[string]any{
		"res_rank":    3.75,    // 二(三)①: 101%, 6th of 镇 completers → 5 − 5 × 0.25
		"emp_rank":    5.0,     // 二(三)②: 115%, 1st → 5
		"circle":      14.0,    // 二(九): population 110000 needs 3 专职人员, has 2 → 15 − 1
		"bonus":       2.0,     // 加分: 2 entered, exactly the cap
		"award":       "二等奖",   // 四(二)1: 99.75 ranked 2nd
		"enrol_bonus": 49000.0, // 四(二)3②: 2000 × 20 + 300 × 30
	})
	rugaoWantTotal(t, s, "baipu", 99.75, 2, 1)

	// 下原镇, 镇: information work late, no 宣讲, no subsidy for late entry.
	s.wantCells(t, "xiayuan", map[string]any{
		"res_enrol":     0.2, // 二(二)①: 37583 / 38350 = 98% → 2 × 0.1
		"enrol":         9.8,
		"res_rank":      0.0, // 二(三)①: not completed
		"emp_rank":      3.5, // 二(三)②: exactly 100%, 7th of 镇 completers → 5 − 6 × 0.25
		"info":          0.0, // 二(四): 未在规定的时间内完成信息维护 → 不得分
		"key_work":      9.4, // 二(七): 5 + project 2 镇 96, tied 4th with 吴窑 → 5 − 3 × 0.2
		"empower":       9.5, // 二(八): 0 宣讲 → 2 × 2, 酌情扣分 1.5 → 15 − 4 − 1.5
		"basic_subsidy": 0.0, // 四(二)3①: entry and payment not in time
		"org_subsidy":   0.0,
		"enrol_bonus":   26000.0, // 四(二)3②: 1300 × 20
	})
	rugaoWantTotal(t, s, "xiayuan", 77.2, 13, 9)

	// 九华镇, 镇: 南通 and 如皋 notices, organisation subsidy refused.
	s.wantCells(t, "jiuhua", map[string]any{
		"res_rate":      100.8,   // 44100 / 43750
		"res_rank":      3.5,     // 二(三)①: 7th of 镇 completers → 5 − 6 × 0.25
		"special_id":    8.0,     // 二(五): 1 生存核查逾期 + 1 评定资料不全 → 10 − 2
		"key_work":      8.4,     // 二(七): 5 + project 2 镇 88 ranked 9th of 9 → 5 − 8 × 0.2
		"deduction":     4.0,     // 减分: 南通市级 1 × 2 + 如皋市级 2 × 1
		"basic_subsidy": 66150.0, // 四(二)3①: 44100 × 1.5
		"org_subsidy":   0.0,     // 四(二)3①: completed, but 组织有力 not recognised
	})
	// 10 + 10 + 8.25 + 10 + 8 + 10 + 8.4 + 15 + 15 − 4 = 90.65
	rugaoWantTotal(t, s, "jiuhua", 90.65, 9, 6)

	// 磨头镇, 镇: 居民 exactly 100%, 职工 short by a non-whole rate.
	s.wantCells(t, "motou", map[string]any{
		"res_enrol":   0.0,  // 二(二)①: 50850 / 50850 = 100% exactly → no deduction
		"res_rank":    3.25, // 二(三)①: 8th (last) of 镇 completers → 5 − 7 × 0.25
		"emp_expand":  1.4,  // 二(二)④: 1229 / 1300 = 94.54%, 5.46 points short → 6 × 0.1
		"emp_rank":    0.0,
		"info":        8.0,     // 二(四): 1 次恶劣影响 → 10 − 2
		"deduction":   1.0,     // 减分: 如皋市级 1 × 1
		"org_subsidy": 60000.0, // 四(二)3①: completed exactly, target < 8万
		"enrol_bonus": 24580.0, // 四(二)3②: 1229 × 20
	})
	rugaoWantTotal(t, s, "motou", 88.25, 11, 7)

	// 江安镇, 镇: a leaf clamped at 0.
	s.wantCells(t, "jiangan", map[string]any{
		"special":       0.0,   // 二(二)①: 4 special-group persons not enrolled → 3 − 4 → 0
		"enrol":         7.0,   // 二(二): 0 + 2 + 3 + 2
		"res_rank":      4.5,   // 二(三)①: 102%, tied 3rd with 东陈
		"emp_rank":      4.0,   // 二(三)②: 105%, tied 5th with 吴窑 → 5 − 4 × 0.25
		"award":         "三等奖", // 四(二)1: 95.5 ranked 5th
		"award_fund":    10000.0,
		"basic_subsidy": 104116.5, // 四(二)3①: 69411 × 1.5
		// 四(二)3①: target 68050 completed (69411), but the 考核小组 has entered no finding of
		// 组织有力，责任明确: an unentered judgement pays nothing (issue 16; it paid 6万 by default).
		"org_subsidy": 0.0,
		"enrol_bonus": 32250.0,  // 四(二)3②: 1500 × 20 + 75 × 30
		"money_total": 146366.5, // 10000 + 104116.5 + 0 + 32250
	})
	rugaoWantTotal(t, s, "jiangan", 95.5, 5, 4)
	// 附件1: 因镇村宣传不到位引起参保人员信访的，有一例扣1分 comes off the whole 二(二) (10), not the
	// 3 of 特殊人群 — which jiangan has already lost (4 cases → 0): one petition costs it 1 point,
	// 7 → 6, total 95.5 → 94.5 (it cost nothing when it was taken inside special; issue 16).
	if err := s.sheet.Set("jiangan", "petition_cases", 1); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.sheet.Result("jiangan"); r.Cells["special"] != 0.0 || r.Cells["petition"] != 1.0 || r.Cells["enrol"] != 6.0 || r.Total == nil || *r.Total != 94.5 {
		t.Errorf("jiangan with a petition: special %v petition %v enrol %v total %v, want 0 1 6 94.5", r.Cells["special"], r.Cells["petition"], r.Cells["enrol"], r.Total)
	}
	if err := s.sheet.Set("jiangan", "petition_cases", nil); err != nil {
		t.Fatal(err)
	}
	// Once the finding is entered, the 6万 (target < 8万) is paid.
	if err := s.sheet.Set("jiangan", "org_ok", true); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.sheet.Result("jiangan"); r.Cells["org_subsidy"] != 60000.0 || r.Cells["money_total"] != 206366.5 {
		t.Errorf("jiangan with org_ok: org_subsidy %v money_total %v, want 60000 206366.5", r.Cells["org_subsidy"], r.Cells["money_total"])
	}
	if err := s.sheet.Set("jiangan", "org_ok", nil); err != nil {
		t.Fatal(err)
	}

	// 搬经镇, 镇: 8万 target, 上访.
	s.wantCells(t, "banjing", map[string]any{
		"res_rank":    4.0,     // 二(三)①: 101.5%, 5th of 镇 completers → 5 − 4 × 0.25
		"empower":     14.0,    // 二(八): 1 上访 → 15 − 1
		"org_subsidy": 80000.0, // 四(二)3①: target 81600 ≥ 8万 → 8万
		"award":       "三等奖",   // 四(二)1: 96.75 ranked 4th
	})
	rugaoWantTotal(t, s, "banjing", 96.75, 4, 3)
}

// 四(二)1: exactly one 一等奖, two 二等奖 and three 三等奖 in the example sheet.
func TestRugaoAwards(t *testing.T) {
	s := mustLoad(t, rugaoFile, "final")
	count := map[any]int{}
	for _, r := range s.results {
		count[r.Cells["award"]]++
	}
	if count["一等奖"] != 1 || count["二等奖"] != 2 || count["三等奖"] != 3 || count[""] != 7 || count[nil] != 1 {
		t.Errorf("awards %v, want 1 一等奖, 2 二等奖, 3 三等奖, 7 none and the incomplete unit null", count)
	}
}

// rugaoKeyWork evaluates 二(七) for four 主功能区 units that report like rucheng except for the
// key projects' rates, with params.key_projects = n.
func rugaoKeyWork(t *testing.T, n float64, rates map[string][]any) map[string]formulas.Result {
	t.Helper()
	s := mustLoad(t, rugaoFile, "final")
	doc := *s.doc
	doc.Params = map[string]float64{}
	for k, v := range s.doc.Params {
		doc.Params[k] = v
	}
	doc.Params["key_projects"] = n
	prog, _, err := formulas.Compile(&doc.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	var rows []formulas.Row
	for _, code := range []string{"a", "b", "c", "d"} {
		vals := map[string]any{}
		for k, v := range s.doc.Values["final"]["rucheng"] {
			if m, ok := v.(map[string]any); ok {
				v = m["value"]
			}
			vals[k] = v
		}
		delete(vals, "key_rate_1")
		delete(vals, "key_rate_2")
		for i, r := range rates[code] {
			if r != nil {
				vals[fmt.Sprintf("key_rate_%d", i+1)] = r
			}
		}
		rows = append(rows, formulas.Row{Unit: formulas.Unit{Code: code, Name: code, Group: "主功能区", Attrs: map[string]any{"population": 100000}}, Values: vals})
	}
	out := map[string]formulas.Result{}
	for _, r := range prog.Evaluate(rows).Results() {
		out[r.Unit.Code] = r
	}
	return out
}

// Issue 16, 二(七) "按重点工作的项目数平均分配单项考核得分，按完成率…分别进行排名": two projects of 5
// points, each ranked on its own in the group (主功能区: −0.4 a place). Unit a has 80% and 95%:
// 4th on project 1 (5 − 3 × 0.4 = 3.8) and 1st on project 2 (5): 8.8 — not the 9.6 of ranking
// its average 87.5 (2nd of 90, 87.5, 85, 85).
func TestRugaoKeyWorkPerProject(t *testing.T) {
	res := rugaoKeyWork(t, 2, map[string][]any{
		"a": {80, 95}, "b": {90, 80}, "c": {85, 85}, "d": {100, 80},
	})
	for unit, want := range map[string]float64{
		"a": 8.8, // 3.8 + 5
		"b": 8.8, // project 1: 2nd → 4.6; project 2: 80 tied 3rd with d → 4.2
		"c": 8.8, // 3rd → 4.2; 2nd → 4.6
		"d": 9.2, // 1st → 5; tied 3rd → 4.2
	} {
		if got := res[unit].Cells["key_work"]; got != want {
			t.Errorf("%s key_work = %v, want %v", unit, got, want)
		}
	}
}

// With params.key_projects = 3 the third rate is needed (a unit without it is incomplete) and
// each project is worth 10 / 3: a has 80, 95, 90 → 2nd on project 3 (100, 90, 70, 60):
// (10/3 − 1.2) + 10/3 + (10/3 − 0.4) = 10 − 1.6 = 8.4.
func TestRugaoKeyWorkThreeProjects(t *testing.T) {
	res := rugaoKeyWork(t, 3, map[string][]any{
		"a": {80, 95, 90}, "b": {90, 80, 100}, "c": {85, 85, 70}, "d": {100, 80, nil},
	})
	if d := res["d"]; d.Complete || !reflect.DeepEqual(d.Missing, []string{"key_rate_3"}) {
		t.Errorf("d: complete %v missing %v, want incomplete for key_rate_3", d.Complete, d.Missing)
	}
	// d left out: project 1 ranks 90, 85, 80 (a 3rd: 10/3 − 0.8); project 2: 95 1st; project 3: 2nd.
	// (10/3 − 0.8) + 10/3 + (10/3 − 0.4) = 8.8
	if got := res["a"].Cells["key_work"]; got != 8.8 {
		t.Errorf("a key_work = %v, want 8.8", got)
	}
	res = rugaoKeyWork(t, 3, map[string][]any{
		"a": {80, 95, 90}, "b": {90, 80, 100}, "c": {85, 85, 70}, "d": {100, 80, 60},
	})
	if got := res["a"].Cells["key_work"]; got != 8.4 {
		t.Errorf("a key_work = %v, want 8.4", got)
	}
}
