package seeds_test

import (
	"slices"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

// The three schemes of 000_e41233b442e7d56c.txt (Anhui 2012, 人社部门三项民生工程考核评价办法),
// 附件1. Clauses are cited as 医保 年终N / 平时N (城镇居民基本医疗保险工作考核评分细则, 年终考核
// and 平时考核 rows), 养老 N (城乡居民社会养老保险工作考核评分细则) and 培训 N (就业技能培训工作考核评分细则).
// The document has no grade bands, so every grade is nil; it has no ranking rule, so the ties
// are the sheet's own overall rank of the total.

// anhuiCheckSheet asserts the properties every Anhui sheet shares: no compile warnings but
// want, no null cell and no cell error outside the one deliberately incomplete unit, and that
// unit incomplete with exactly the given metrics missing.
func anhuiCheckSheet(t *testing.T, s *sheet, want []formulas.Warning, incomplete string, missing []string) {
	t.Helper()
	if !slices.Equal(s.warnings, want) {
		t.Errorf("warnings = %+v, want %+v", s.warnings, want)
	}
	if len(s.results) != 18 {
		t.Errorf("%d units, want 18 (16 cities + 广德, 宿松)", len(s.results))
	}
	for code, r := range s.results {
		if len(r.Errors) > 0 {
			t.Errorf("%s: cell errors %v", code, r.Errors)
		}
		if r.Grade != nil {
			t.Errorf("%s: grade %q, but the document has no grade bands", code, *r.Grade)
		}
		if code == incomplete {
			if r.Complete || !slices.Equal(r.Missing, missing) || r.Total != nil || r.Rank != nil {
				t.Errorf("%s: complete=%v missing=%v total=%v rank=%v; want incomplete, missing %v, no total or rank",
					code, r.Complete, r.Missing, r.Total, r.Rank, missing)
			}
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
	if _, ok := s.results[incomplete]; !ok {
		t.Errorf("no incomplete unit %q", incomplete)
	}
}

// anhuiWantTotal checks a unit's total, overall rank and rank in its group (市 / 省直管县).
func anhuiWantTotal(t *testing.T, s *sheet, unit string, total float64, rank, groupRank int) {
	t.Helper()
	r, ok := s.results[unit]
	if !ok {
		t.Fatalf("no unit %q", unit)
	}
	if r.Total == nil || *r.Total != total {
		t.Errorf("%s total = %v, want %v", unit, anhuiDeref(r.Total), total)
	}
	if r.Rank == nil || *r.Rank != rank {
		t.Errorf("%s rank = %v, want %d", unit, anhuiDeref(r.Rank), rank)
	}
	if r.GroupRank == nil || *r.GroupRank != groupRank {
		t.Errorf("%s group rank = %v, want %d", unit, anhuiDeref(r.GroupRank), groupRank)
	}
	if r.Grade != nil {
		t.Errorf("%s grade = %q, want none (no bands in the document)", unit, *r.Grade)
	}
}

func anhuiDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestAnhuiMedical(t *testing.T) {
	s := mustLoad(t, "anhui-2012-medical.yaml", "final")
	// 黄山 has not reported its enrolment: everything built on the completion rate is null,
	// and so are the cells that read other rows (lookup leaves incomplete units out).
	anhuiCheckSheet(t, s, nil, "huangshan", []string{"med_enrolled"})
	s.wantCells(t, "huangshan", map[string]any{
		"med_rate": nil, "enrol": nil, "year_end": nil, "pooling": nil,
		// 年终2(4) reads 基金结余 through lookup (第三条: the counties take their city's), so 年终2
		// is null too; its other sub-items are computed.
		"benefit_cap": 4.0, "benefit_balance": nil, "benefit": nil, "regular": 29.5, "med_fund_gap": 0.0,
	})

	t.Run("hefei", func(t *testing.T) {
		s.wantCells(t, "hefei", map[string]any{
			// 年终1: 1551040 / 1520000 = 102.04% ≥ 95 → no step; 9400 ≥ 9306.24 万元 配套到位 → 15.
			"enrol": 15.0,
			// 年终4: 五统一 6 + 调剂金 5 + 统收统支视情加分 1.5 − 划转 0 = 12.5, held at the item's 11 (cap).
			"pool_unify": 6.0, "pool_fund": 5.0, "pool_integration": 1.5, "pool_transfer": 0.0, "pooling": 11.0,
			// 年终5(2): 视情扣分 0.5 (群众投诉查实) → 3.5; 年终5 = 4 + 3.5 + 4 + 2 + 4.
			"service_handling": 3.5, "service": 17.5,
			// 年终: 15 + 18 + 8 + 11 + 17.5.
			"year_end": 69.5,
			// 平时2(1): 1 例数据不准确 × 0.5 → 5.5.
			"basics_monthly": 5.5, "regular": 29.5,
			// 平时4 工作创新: 1 + 0.5 + 0.5, no cap in the document.
			"innovation": 2.0,
		})
		// 69.5 + 29.5 + 2 = 101, tied with 马鞍山 (70 + 30 + 1): both rank 1.
		anhuiWantTotal(t, s, "hefei", 101, 1, 1)
		anhuiWantTotal(t, s, "maanshan", 101, 1, 1)
	})

	t.Run("huaibei", func(t *testing.T) {
		s.wantCells(t, "huaibei", map[string]any{
			"enrol": 15.0, // 年终1: 401100 / 420000 = 95.5% ≥ 95.
			// 年终2(1): 1 例 → 4 − 1; 年终2(2): 2 例 → 10 − 2.
			"benefit_cap": 3.0, "benefit_ratio": 8.0, "benefit": 15.0,
			// 年终3: 1 县未实行 × 0.5 → 3.5; 3 例支付比例 × 0.2 → 3.4.
			"outpatient_pool": 3.5, "outpatient_ratio": 3.4, "outpatient": 6.9,
			// 年终4(2): 1 例调剂金未足额上解 × 0.5 → 4.5.
			"pool_fund": 4.5, "pooling": 10.5,
			"service_network": 3.0, // 年终5(3): 视情扣分 1.
			"year_end":        64.4,
			// 平时1(3): 对县区 2 次、对高校 2 次 — both exactly the required 2 → 2.
			"mech_inspect": 2.0,
			// 平时2(1): 6 − 4 漏报 × 1 − (3 迟报 + 2 不准确) × 0.5 = −0.5, clamped at 0.
			"basics_monthly": 0.0, "basics": 4.5,
			"pub_info": 4.0, "publicity": 10.5, // 平时3: 视情扣分 1 and 0.5.
			"regular": 21.0,
		})
		anhuiWantTotal(t, s, "huaibei", 85.4, 15, 13)
	})

	t.Run("bozhou", func(t *testing.T) {
		s.wantCells(t, "bozhou", map[string]any{
			// 年终1: 655500 / 690000 = 95% exactly: not below 95 → no deduction.
			"med_rate": 95.0, "enrol": 15.0,
			"benefit_balance": 0.0, "benefit": 15.0, // 年终2(4): 结余超标 → 0; 年终2(2): 1 例 → 9.
			"outpatient_ratio": 3.6, // 年终3: 2 例 × 0.2.
			"pool_fund":        4.0, // 年终4(2): 2 例 × 0.5.
			"year_end":         65.1,
			"basics_monthly":   4.0, // 平时2(1): 6 − 1 漏报 − 2 迟报 × 0.5.
			"regular":          27.5,
		})
		anhuiWantTotal(t, s, "bozhou", 92.6, 11, 10)
	})

	t.Run("susong", func(t *testing.T) {
		s.wantCells(t, "susong", map[string]any{
			// 年终1: 73440 / 85000 = 86.4%, 8.6 short of 95 → 8.6 / 5 = 1.72: one full step and a
			// started one, which counts (full marks only on completion) → 2 off;
			// 440.64 万元 到位 = 应配套 exactly → no fund deduction.
			"med_rate": 86.4, "enrol": 13.0, "med_fund_gap": 0.0,
			// 年终4 (广德、宿松两县此项纳入所在市考核): 安庆's data — 6 + (5 − 2 × 0.5).
			"pool_unify": 6.0, "pool_fund": 4.0, "pooling": 10.0,
			// 年终5(5) 注: 宿松's fund is supervised within 安庆, where a violation was found → 0.
			"service_fund": 0.0, "service": 13.5,
			"year_end": 60.3, // 13 + 16 + 7.8 + 10 + 13.5
			"regular":  28.5,
		})
		s.wantCells(t, "anqing", map[string]any{"pooling": 10.0, "service_fund": 0.0})
		// 广德 takes 宣城's 年终4: 6 + (5 − 1 × 0.5).
		s.wantCells(t, "guangde", map[string]any{"pooling": 10.5})
		// 60.3 + 28.5 = 88.8: 13th overall, behind 六安 90.1 and ahead of 宿州 87.3.
		anhuiWantTotal(t, s, "susong", 88.8, 13, 2)
		// 广德 99.5 is 4th, now ahead of 蚌埠 (99, below).
		anhuiWantTotal(t, s, "guangde", 99.5, 4, 1)
	})

	t.Run("fuyang", func(t *testing.T) {
		s.wantCells(t, "fuyang", map[string]any{
			// 年终1: 880650 / 1030000 = 85.5%, 9.5 short → 1.9 steps → 2 (a started step counts);
			// 配套 4800 < 5283.9 → 视情扣 1: 15 − 2 − 1.
			"med_rate": 85.5, "enrol": 12.0, "med_fund_gap": 483.9,
			// 年终4: 五统一 not achieved → 0; 调剂金 5 − 3 × 0.5.
			"pool_unify": 0.0, "pool_fund": 3.5, "pooling": 3.5,
			"pub_urgent": 0.0, // 平时3(1): 全年无要情专报 → 不得分.
		})
		// 年终 12 + 12 + 5.7 + 3.5 + 12.5 = 45.7, 平时 6 + 7 + 8 = 21.
		anhuiWantTotal(t, s, "fuyang", 66.7, 17, 15)
	})

	t.Run("started steps", func(t *testing.T) {
		// 年终1 grants the 15 points only on completion, so a started step of 5 below 95% counts.
		// 蚌埠: 509600 / 560000 = 91%, 4 short → 0.8 of a step → 1 off; 到位 = 应配套 exactly.
		s.wantCells(t, "bengbu", map[string]any{"med_rate": 91.0, "enrol": 14.0, "med_fund_gap": 0.0, "year_end": 68.5})
		// 68.5 + 30 + 0.5 (工作创新) = 99: 5th, behind 广德 99.5.
		anhuiWantTotal(t, s, "bengbu", 99, 5, 4)
		// 宿州: 716300 / 760000 = 94.25%, 0.75 short → 1 off: 年终 14 + 15 + 6.8 + 11 + 17 = 63.8,
		// 平时 2 + 10.5 + 11 = 23.5.
		s.wantCells(t, "suzhou", map[string]any{"med_rate": 94.25, "enrol": 14.0, "year_end": 63.8, "regular": 23.5})
		anhuiWantTotal(t, s, "suzhou", 87.3, 14, 12)
		// 六安: 770800 / 820000 = 94%, 1 short → 1 off; 配套 4400 < 4624.8 → 视情扣 0.5: 15 − 1 − 0.5.
		// 年终 13.5 + 16 + 7.1 + 10 + 16.5 = 63.1, 平时 6 + 10 + 11 = 27.
		s.wantCells(t, "luan", map[string]any{"med_rate": 94.0, "enrol": 13.5, "year_end": 63.1, "regular": 27.0})
		anhuiWantTotal(t, s, "luan", 90.1, 12, 11)
		// 安庆 98% and 淮北 95.5% are at or above 95%: the document deducts nothing there → 15.
		s.wantCells(t, "anqing", map[string]any{"med_rate": 98.0, "enrol": 15.0})
	})

	t.Run("chizhou", func(t *testing.T) {
		s.wantCells(t, "chizhou", map[string]any{
			// 年终1: 168000 / 210000 = 80%, exactly 15 short → exactly 3 steps, none started → 12.
			"enrol": 12.0,
			// 平时1(3): 高校 1 次 < 2 → 0.
			"mech_inspect": 0.0,
			// 平时3(2): 被媒体曝光 → 不得分.
			"pub_campaign": 0.0,
		})
	})
}

func TestAnhuiPension(t *testing.T) {
	s := mustLoad(t, "anhui-2012-pension.yaml", "final")
	anhuiCheckSheet(t, s, nil, "chizhou", []string{"pen_paid"})
	// Its enrolment is known: 891000 / 900000 = 99%, 1 short → a started step of 5 → 34.
	s.wantCells(t, "chizhou", map[string]any{"pay_rate": nil, "target_payout": nil, "target": nil, "pen_rate": 99.0, "target_enrol": 34.0})

	t.Run("maanshan", func(t *testing.T) {
		s.wantCells(t, "maanshan", map[string]any{
			// 养老 1: 873600 / 780000 = 112%: 完成任务得35分, and no more for exceeding it (cap).
			"pen_rate": 112.0, "target_enrol": 35.0, "target": 40.0,
		})
		// Full marks, tied with 合肥.
		anhuiWantTotal(t, s, "maanshan", 100, 1, 1)
		anhuiWantTotal(t, s, "hefei", 100, 1, 1)
	})

	t.Run("bozhou", func(t *testing.T) {
		s.wantCells(t, "bozhou", map[string]any{
			// 养老 1: 3450000 / 3450000 = 100% exactly → 35; 610000 / 610000 = 100% → 5.
			"pen_rate": 100.0, "target_enrol": 35.0, "pay_rate": 100.0, "target_payout": 5.0,
			// 养老 2: 1 次会议 = 不少于一次 exactly → 2.
			"lead_meeting": 2.0,
			// 养老 6: 办公场所 200 平方米 = 达到200 exactly → 2; 档案视情扣 0.5.
			"basics_office": 2.0, "basics_archive": 2.5, "basics": 14.5,
			"sys_data": 2.5, // 养老 5: 视情扣 0.5.
		})
		anhuiWantTotal(t, s, "bozhou", 99, 6, 6)
	})

	t.Run("fuyang", func(t *testing.T) {
		s.wantCells(t, "fuyang", map[string]any{
			// 养老 1: 4386000 / 5100000 = 86%, 14 short → 2.8 steps of 5 → 3 (a started step counts) → 32.
			"pen_rate": 86.0, "target_enrol": 32.0,
			// 养老 1: 833040 / 890000 = 93.6%, 6.4 short → 7 started points of 1 → 5 − 7 = −2, clamped at 0.
			"pay_rate": 93.6, "target_payout": 0.0, "target": 32.0,
			// 养老 3: 3 + (2 − 1) + 3 个月未报 → 2 − 1.5.
			"pub_county": 1.0, "pub_info": 0.5, "publicity": 4.5,
			// 养老 4: 无考核评价机制 0; 督查 2 − 1; 调度 3 − 1; 2 起到省上访属实 → 视情扣 2 → 0.
			"sup_mechanism": 0.0, "sup_petition": 0.0, "supervision": 3.0,
			// 养老 5: 网络未贯通 0 + (3 − 1) + (3 − 1.5).
			"system": 3.5,
			// 养老 6: 160 < 200 平方米 → 2 − 1; with 1 off each of the others.
			"basics_office": 1.0, "basics": 9.0,
			// 养老 7: 2 个县机构人员不达标 → 2 − 1.
			"staff_short": 2.0, "staff_county": 1.0, "staffing": 8.0,
			// 养老 8: 3 + 0 + (2 − 2).
			"funding": 3.0,
		})
		// 32 + 4 + 4.5 + 3 + 3.5 + 9 + 8 + 3.
		anhuiWantTotal(t, s, "fuyang", 67, 17, 15)
	})

	t.Run("guangde", func(t *testing.T) {
		s.wantCells(t, "guangde", map[string]any{
			// 养老 7: 人口 500000 is 50万人口以下 (以下 includes the figure) → 不少于5人; 5 人 exactly → 2.
			"staff_short": 0.0, "staff_county": 2.0, "staffing": 9.0,
			"basics_archive": 2.0, // 养老 6: 视情扣 1.
		})
		anhuiWantTotal(t, s, "guangde", 99, 6, 1)
	})

	t.Run("susong", func(t *testing.T) {
		s.wantCells(t, "susong", map[string]any{
			// 养老 1: 509600 / 520000 = 98% → 2 short, a started step of 5 → 34 (完成…的，得35分:
			// full marks only on completion); 110880 / 112000 = 99% → 1 short → exactly 1 point → 4.
			"pen_rate": 98.0, "target_enrol": 34.0, "pay_rate": 99.0, "target_payout": 4.0, "target": 38.0,
			// 养老 7: 人口 830000 is in 50-100万 → 不少于8人; 6 人 → short → 视情扣 1.
			"staff_short": 1.0, "staff_county": 1.0, "staffing": 8.0,
			// 养老 6: 190 < 200 → 视情扣 0.5.
			"basics_office": 1.5,
		})
		// 100 − 1 − 1 (养老 1) − 0.5 (经常性宣传) − 0.5 (办公场所) − 1 (人员) = 96: 13th, behind
		// 安庆 and 黄山 (96.5, tied 11th).
		anhuiWantTotal(t, s, "susong", 96, 13, 2)
	})

	t.Run("huaibei", func(t *testing.T) {
		s.wantCells(t, "huaibei", map[string]any{
			// 养老 1: 950600 / 980000 = 97%: 3 short, a started step of 5 → 34;
			// 203975 / 205000 = 99.5%: 0.5 short, a started point → 4 (达100%的才得5分).
			"pen_rate": 97.0, "target_enrol": 34.0, "pay_rate": 99.5, "target_payout": 4.0,
			// 养老 2: 一次会议未开 → 0.
			"lead_meeting": 0.0,
		})
		// 淮北: 100 − 1 − 1 (养老 1) − 2 (会议) − 1 (调度会) − 0.5 (统计报表) = 94.5.
		// 宿州: 3384000 / 3600000 = 94%, 6 short → 1.2 steps → 2 → 33; 645480 / 652000 = 99%,
		// exactly 1 point → 4; 100 − 2 − 1 − 1 (信息) − 1 (网上经办) − 0.5 (人员) = 94.5. Tied:
		// 15th overall (behind 六安 95), 13th of the cities.
		s.wantCells(t, "suzhou", map[string]any{"pen_rate": 94.0, "target_enrol": 33.0, "target_payout": 4.0})
		anhuiWantTotal(t, s, "huaibei", 94.5, 15, 13)
		anhuiWantTotal(t, s, "suzhou", 94.5, 15, 13)
	})
}

func TestAnhuiTraining(t *testing.T) {
	s := mustLoad(t, "anhui-2012-training.yaml", "final")
	// 第八条 states 100, the seven items add up to 30+7+10+12+6+15+10 = 90: one warning.
	anhuiCheckSheet(t, s, []formulas.Warning{{
		Kind:    formulas.WarnTotalPoints,
		Message: "the scheme states 100 points but its top-level score items add up to 90",
	}}, "bozhou", []string{"train_done"})
	s.wantCells(t, "bozhou", map[string]any{"train_rate": nil, "target": nil, "subsidy_gap": 30.0})

	t.Run("hefei", func(t *testing.T) {
		s.wantCells(t, "hefei", map[string]any{
			// 培训 1: 38160 / 36000 = 106% → 30, not more (cap).
			"train_rate": 106.0, "target": 30.0,
		})
		// Every item full: 90, the most this scheme gives. Tied with 马鞍山 (105% → 30, every item full).
		anhuiWantTotal(t, s, "hefei", 90, 1, 1)
		s.wantCells(t, "maanshan", map[string]any{"train_rate": 105.0, "target": 30.0})
		anhuiWantTotal(t, s, "maanshan", 90, 1, 1)
	})

	t.Run("bengbu", func(t *testing.T) {
		// 培训 1: 15920 / 16000 = 99.5%: 0.5 short, a started step of 2 → 29 (完成…的，得30分:
		// full marks only on completion). Every other item full: 89, tied with 滁州 (98%).
		s.wantCells(t, "bengbu", map[string]any{"train_rate": 99.5, "target": 29.0})
		anhuiWantTotal(t, s, "bengbu", 89, 3, 3)
	})

	t.Run("suzhou", func(t *testing.T) {
		s.wantCells(t, "suzhou", map[string]any{
			"target": 30.0, // 培训 1: 24000 / 24000 = 100% exactly.
			// 培训 3: 拨付 1440 = 应拨 1440 → 足额 5; 个人 5 个工作日、企业 20 个工作日, both at the limit → 5.
			"subsidy_full": 5.0, "subsidy_timely": 5.0, "subsidy": 10.0,
			"disclosure": 8.0, // 培训 7: 未公布举报电话.
		})
		// 5th (behind 合肥, 马鞍山 90 and 蚌埠, 滁州 89), tied with 淮南, 芜湖 and 广德.
		anhuiWantTotal(t, s, "suzhou", 88, 5, 5)
	})

	t.Run("fuyang", func(t *testing.T) {
		s.wantCells(t, "fuyang", map[string]any{
			// 培训 1: 27450 / 30000 = 91.5%, 8.5 short → 4.25 steps of 2 → 5 (a started step counts) → 25.
			"train_rate": 91.5, "target": 25.0,
			// 培训 3: 1428.5 < 1647 → 0; 个人 12 > 5 工作日 → 0. Shortfall 218.5 万元.
			"subsidy": 0.0, "subsidy_gap": 218.5,
			// 培训 4: 6 + 6 − 3 次查实 × 6 = −6, clamped at 0.
			"sup_exposure": 18.0, "supervision": 0.0,
			"institutions": 4.0, "basics": 5.0, "disclosure": 6.0,
		})
		// 25 + 7 + 0 + 0 + 4 + 5 + 6.
		anhuiWantTotal(t, s, "fuyang", 47, 17, 15)
	})

	t.Run("susong", func(t *testing.T) {
		s.wantCells(t, "susong", map[string]any{
			"target": 27.0, // 培训 1: 3290 / 3500 = 94%, 6 short → exactly 3 steps of 2, none started.
			"policy": 0.0,  // 培训 2: 实施细则 not in place.
			// 培训 3: 180 < 197.4 → 0 (gap 17.4); 5 and 20 工作日 → 5.
			"subsidy_full": 0.0, "subsidy_timely": 5.0, "subsidy_gap": 17.4,
			// 培训 4: 6 + 0 − 1 × 6 = 0.
			"supervision": 0.0,
		})
		anhuiWantTotal(t, s, "susong", 61, 16, 2)
	})

	t.Run("chuzhou", func(t *testing.T) {
		// 培训 1: 16660 / 17000 = 98%, exactly 2 short → exactly 1 step, none started → 29; tied with 蚌埠.
		s.wantCells(t, "chuzhou", map[string]any{"train_rate": 98.0, "target": 29.0})
		anhuiWantTotal(t, s, "chuzhou", 89, 3, 3)
	})
}

// 第三条: 广德 and 宿松's 基金收支管理 "仍纳入其所在市统一考核": 年终2(4) 基金结余控制 reads the city's
// balance_ok (issue 16; it read the county's own). 广德's own figure moves nothing; 宣城's does.
func TestAnhuiCountyBalanceIsItsCitys(t *testing.T) {
	s := mustLoad(t, "anhui-2012-medical.yaml", "final")
	if err := s.sheet.Set("guangde", "balance_ok", false); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.sheet.Result("guangde"); r.Cells["benefit_balance"] != 2.0 || r.Total == nil || *r.Total != 99.5 {
		t.Errorf("guangde with its own balance over the limit: benefit_balance %v total %v, want 2 99.5 (宣城's counts)", r.Cells["benefit_balance"], anhuiDeref(r.Total))
	}
	if err := s.sheet.Set("xuancheng", "balance_ok", false); err != nil {
		t.Fatal(err)
	}
	// 宣城 over the limit: 广德 loses the 2 points with it, 99.5 → 97.5.
	if r, _ := s.sheet.Result("guangde"); r.Cells["benefit_balance"] != 0.0 || r.Total == nil || *r.Total != 97.5 {
		t.Errorf("guangde with 宣城 over the limit: benefit_balance %v total %v, want 0 97.5", r.Cells["benefit_balance"], anhuiDeref(r.Total))
	}
	if r, _ := s.sheet.Result("susong"); r.Cells["benefit_balance"] != 2.0 {
		t.Errorf("susong (安庆) benefit_balance %v, want 2", r.Cells["benefit_balance"])
	}
}

// 平时1(3) "对…辖区内各高校开展督查指导，全年应分别不少于2次": a unit with no college in its area
// (has_college false) is held to the county visits only (issue 16). 广德 with 0 college visits:
// 0 points while it is taken to have colleges (the default), 2 once it is entered that it has
// none; total 99.5 → 97.5 → 99.5.
func TestAnhuiNoCollegeInTheArea(t *testing.T) {
	s := mustLoad(t, "anhui-2012-medical.yaml", "final")
	for _, step := range []struct {
		metric string
		value  any
		points float64
		total  float64
	}{
		{"college_visits", 0, 0, 97.5},
		{"has_college", false, 2, 99.5},
		{"county_visits", 1, 0, 97.5}, // the county visits still count
	} {
		if err := s.sheet.Set("guangde", step.metric, step.value); err != nil {
			t.Fatal(err)
		}
		r, _ := s.sheet.Result("guangde")
		if r.Cells["mech_inspect"] != step.points || r.Total == nil || *r.Total != step.total {
			t.Errorf("guangde after %s = %v: mech_inspect %v total %v, want %v %v", step.metric, step.value, r.Cells["mech_inspect"], anhuiDeref(r.Total), step.points, step.total)
		}
	}
}
