package seeds_test

import (
	"slices"
	"testing"
)

// 002_19f9388ad7e1f767.txt: 常州市市本级全民参保登记工作考核办法 (2016). Clauses are cited as
// the document numbers them: 三(一) 自查自评, 三(二) 考核评估, 四(一) 计发基数, 四(二)1–3 费用计算,
// 附件2 for the checklist (考核表), by its category (组织领导, 基础管理, 入户调查, 数据录入, 汇总分析).
// The final layer holds the assessor's 考核分, the self layer the districts' 自评分. Every
// expected value was worked out by hand from changzhou-2016-enrolment.yaml.

const changzhouEnrolFile = "changzhou-2016-enrolment.yaml"

func TestChangzhouEnrolmentCompiles(t *testing.T) {
	s := mustLoad(t, changzhouEnrolFile, "final")
	if len(s.warnings) > 0 {
		t.Errorf("warnings: %+v", s.warnings)
	}
	if s.doc.Code != "changzhou-2016-enrolment" || s.doc.Title != "常州市市本级全民参保登记工作考核办法" || s.doc.TotalPoints != 100 {
		t.Errorf("code %q title %q total_points %v", s.doc.Code, s.doc.Title, s.doc.TotalPoints)
	}
	// 附件2: five categories 15 / 15 / 30 / 20 / 20 holding 14 lines.
	lines := 0
	for _, it := range s.doc.Items {
		lines += len(it.Children)
	}
	if len(s.doc.Items) != 5 || lines != 14 {
		t.Errorf("%d categories and %d lines, want 5 and 14", len(s.doc.Items), lines)
	}
	if len(s.doc.Units) != 3 {
		t.Errorf("%d units, want 新北, 天宁, 钟楼", len(s.doc.Units))
	}
}

// changzhouEnrolCheck asserts no cell errors, no null cells outside the incomplete unit (if
// any) and that unit incomplete with exactly the given metrics missing.
func changzhouEnrolCheck(t *testing.T, s *sheet, incomplete string, missing []string) {
	t.Helper()
	for code, r := range s.results {
		if len(r.Errors) > 0 {
			t.Errorf("%s: cell errors %v", code, r.Errors)
		}
		if r.Grade != nil {
			t.Errorf("%s: grade %q, but the document has no grade bands", code, *r.Grade)
		}
		if code == incomplete {
			if r.Complete || !slices.Equal(r.Missing, missing) || r.Total != nil || r.Rank != nil {
				t.Errorf("%s: complete=%v missing=%v total=%v; want incomplete, missing %v, no total",
					code, r.Complete, r.Missing, r.Total, missing)
			}
			continue
		}
		if !r.Complete || len(r.Missing) > 0 || r.Total == nil || r.Rank == nil {
			t.Errorf("%s: complete=%v missing=%v; want a complete unit with a total", code, r.Complete, r.Missing)
		}
		for cell, v := range r.Cells {
			if v == nil && !s.offLayer(cell) {
				t.Errorf("%s.%s is null", code, cell)
			}
		}
	}
}

func changzhouEnrolTotal(t *testing.T, s *sheet, unit string, want float64) {
	t.Helper()
	r := s.results[unit]
	if r.Total == nil || *r.Total != want {
		t.Errorf("%s: total = %v, want %v", unit, r.Total, want)
	}
}

func TestChangzhouEnrolmentFinal(t *testing.T) {
	s := mustLoad(t, changzhouEnrolFile, "final")
	changzhouEnrolCheck(t, s, "", nil)

	// 新北区: exactly 90 → 100%.
	s.wantCells(t, "xinbei", map[string]any{
		"org":            15.0,     // 附件2 组织领导: 5 + 5 + 5
		"survey":         27.0,     // 附件2 入户调查: 10 + 5 + 12
		"entry_accuracy": 3.0,      // 附件2 数据录入: 4 录入错误 × 0.5 → 5 − 2
		"entry":          18.0,     // 10 + 3 + 5
		"analysis":       15.0,     // 附件2 汇总分析: 10 + 5
		"fee_base":       559260.0, // 四(一): 186420 × 3
		"fee_ratio":      100.0,    // 四(二)1: total exactly 90 → 90分以上 → 100%
		"fee":            559260.0, // 559260 × 100%
		"pay_total":      579260.0, // + 示范点工作经费 20000
	})
	// 15 + 15 + 27 + 18 + 15 = 90
	changzhouEnrolTotal(t, s, "xinbei", 90)

	// 天宁区: 89.5 → 90%.
	s.wantCells(t, "tianning", map[string]any{
		"base":           13.0,     // 附件2 基础管理: 5 + 3 + 5
		"survey":         27.0,     // 10 + 4 + 13
		"entry_accuracy": 4.5,      // 附件2 数据录入: 1 录入错误 → 5 − 0.5
		"entry":          18.5,     // 10 + 4.5 + 4
		"analysis":       16.0,     // 8 + 8
		"fee_base":       431610.0, // 四(一): 143870 × 3
		"fee_ratio":      90.0,     // 四(二)2: 80 ≤ 89.5 < 90 → 90%
		"fee":            388449.0, // 431610 × 90%
		"pay_total":      388449.0, // not a 示范点: demo_fund default 0
	})
	// 15 + 13 + 27 + 18.5 + 16 = 89.5
	changzhouEnrolTotal(t, s, "tianning", 89.5)

	// 钟楼区: an over-deducted line clamped at 0, below 80 → 80%.
	s.wantCells(t, "zhonglou", map[string]any{
		"org_rally":      0.0,      // 附件2 组织领导: no 动员大会
		"org":            10.0,     // 5 + 0 + 5
		"base":           14.0,     // 4 + 5 + 5
		"survey":         23.0,     // 8 + 5 + 10
		"entry_accuracy": 0.0,      // 附件2 数据录入: 12 × 0.5 = 6 > 5 → 本项扣完为止 → 0
		"entry":          9.0,      // 6 + 0 + 3
		"analysis":       16.0,     // 10 + 6
		"fee_base":       295950.0, // 四(一): 98650 × 3
		"fee_ratio":      80.0,     // 四(二)3: 72 不满80分 → 80%
		"fee":            236760.0, // 295950 × 80%
	})
	// 10 + 14 + 23 + 9 + 16 = 72
	changzhouEnrolTotal(t, s, "zhonglou", 72)
}

func TestChangzhouEnrolmentSelf(t *testing.T) {
	s := mustLoad(t, changzhouEnrolFile, "self")
	// 三(一): 钟楼 left the 分析报告 line of its 自评 blank.
	changzhouEnrolCheck(t, s, "zhonglou", []string{"report_pts"})

	s.wantCells(t, "xinbei", map[string]any{
		"survey":         29.0, // 附件2 入户调查: 10 + 5 + 14
		"entry_accuracy": 5.0,  // no 录入错误 self-reported
		"analysis":       20.0,
		// 四: the fee is paid on the assessor's 考核分 only (layers: [final]): on the self
		// layer the money outputs have no value, and no error.
		"fee_base":  nil,
		"fee_ratio": nil,
		"fee":       nil,
		"pay_total": nil,
	})
	changzhouEnrolTotal(t, s, "xinbei", 99)

	s.wantCells(t, "tianning", map[string]any{
		"analysis":  15.0, // 10 + 5
		"fee_ratio": nil,
		"fee":       nil,
	})
	changzhouEnrolTotal(t, s, "tianning", 95)

	// The incomplete unit: what does not read report_pts is still computed.
	s.wantCells(t, "zhonglou", map[string]any{
		"org":             13.0, // 5 + 3 + 5
		"entry_accuracy":  4.0,  // 2 errors → 5 − 1
		"analysis_report": nil,
		"analysis":        nil,
		"fee_base":        nil, // final only
		"fee_ratio":       nil,
		"fee":             nil,
		"pay_total":       nil,
	})
}

// 三(一)–(二): the self-assessment and the assessor's score of the same checklist side by side.
func TestChangzhouEnrolmentSelfVsFinal(t *testing.T) {
	self := mustLoad(t, changzhouEnrolFile, "self")
	final := mustLoad(t, changzhouEnrolFile, "final")
	for _, c := range []struct {
		unit        string
		self, final any
	}{
		{"xinbei", 99.0, 90.0},   // 自评 99, 考核 90
		{"tianning", 95.0, 89.5}, // 自评 95, 考核 89.5: the assessor's score moves it to the 90% band
		{"zhonglou", nil, 72.0},  // no complete 自评; 考核 72
	} {
		var gotSelf, gotFinal any
		if p := self.results[c.unit].Total; p != nil {
			gotSelf = *p
		}
		if p := final.results[c.unit].Total; p != nil {
			gotFinal = *p
		}
		if gotSelf != c.self || gotFinal != c.final {
			t.Errorf("%s: 自评 %v 考核 %v, want %v and %v", c.unit, gotSelf, gotFinal, c.self, c.final)
		}
	}
	// The fee is paid on the assessor's score only (四, layers: [final]): on the self layer
	// 天宁's 95 would have been the 100% band, but no fee is computed there; on the final
	// layer 89.5 is the 90% band: 143870 × 3 = 431610 × 90% = 388449.
	if self.cell(t, "tianning", "fee_ratio") != nil || self.cell(t, "tianning", "fee") != nil ||
		final.cell(t, "tianning", "fee_ratio") != 90.0 || final.cell(t, "tianning", "fee") != 388449.0 {
		t.Errorf("天宁 fee_ratio self %v final %v, fee self %v final %v; want none, 90, none, 388449",
			self.cell(t, "tianning", "fee_ratio"), final.cell(t, "tianning", "fee_ratio"),
			self.cell(t, "tianning", "fee"), final.cell(t, "tianning", "fee"))
	}
}
