package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// changeLine renders a change as one line: what changed (and which revision it made), by
// whom, why, then old → new as JSON.
func changeLine(c Change) string {
	what := c.Kind + " " + c.Action + " " + c.Target
	if c.Kind == ChangeValue {
		what = fmt.Sprintf("value %s %s/%s/%s", c.Action, c.Unit, c.Layer, c.Metric)
	}
	if c.Revision != 0 {
		what += fmt.Sprintf(" r%d", c.Revision)
	}
	line := what + " by " + c.Who
	if c.Reason != "" {
		line += " (" + c.Reason + ")"
	}
	if c.Note != "" {
		line += " note " + c.Note
	}
	old, _ := json.Marshal(c.Old)
	new, _ := json.Marshal(c.New)
	return line + ": " + string(old) + " → " + string(new)
}

// mustHistory returns the lines of a history query, newest first, and its total.
func mustHistory(tb testing.TB, s *Store, code string, q HistoryQuery, page Page) ([]string, int) {
	tb.Helper()
	changes, total, err := s.History(context.Background(), code, q, page)
	if err != nil {
		tb.Fatal(err)
	}
	lines := []string{}
	for _, c := range changes {
		lines = append(lines, changeLine(c))
	}
	return lines, total
}

// checkLines compares lines whole, one by one.
func checkLines(tb testing.TB, got, want []string) {
	tb.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		tb.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

const (
	reportsFormula = "clamp(10 - late_reports, 0, 10)"
	awardJSON      = `{"code":"award","formula":"res_actual * params.fee","precision":2,"title":"奖励","unit":"元"}`
)

func setReports(formula string) func(*formulas.Scheme) error {
	return func(sc *formulas.Scheme) error {
		sc.Items[1].Formula = formula
		return nil
	}
}

// TestAudit makes each kind of write once and checks the entries it adds to the history,
// newest first: who, why, and old → new.
func TestAudit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		bg := context.Background()
		carol := WithWho(bg, "carol")
		why := WithReason(carol, "office letter 12")
		tests := []struct {
			name string
			do   func(s *Store) error
			want []string
			err  string // an Invalid error's message: then nothing may change
		}{
			{
				name: "OKUpdateScheme",
				do: func(s *Store) error {
					_, _, err := s.UpdateScheme(why, "test-medical", func(sc *formulas.Scheme) error {
						sc.Items[1].Formula = "clamp(8 - late_reports, 0, 8)"
						sc.Params["fee"] = 25
						return nil
					}, "bob", "fee 25")
					return err
				},
				want: []string{
					`item update reports r2 by bob (office letter 12): {"formula":"clamp(10 - late_reports, 0, 10)"} → {"formula":"clamp(8 - late_reports, 0, 8)"}`,
					`scheme update test-medical r2 by bob (office letter 12): {"params":{"fee":20},"revision":1} → {"params":{"fee":25},"revision":2}`,
				},
			},
			{
				name: "OKUpdateSchemeMessageAsReason",
				do: func(s *Store) error {
					_, _, err := s.UpdateScheme(carol, "test-medical", func(sc *formulas.Scheme) error {
						sc.Metrics = append(sc.Metrics, formulas.Metric{Code: "visits", Title: "走访次数", Type: "integer"})
						sc.Outputs = sc.Outputs[:1]
						return nil
					}, "", "add visits")
					return err
				},
				want: []string{
					`metric create visits r2 by carol (add visits): null → {"code":"visits","title":"走访次数","type":"integer"}`,
					`output delete award r2 by carol (add visits): ` + awardJSON + ` → null`,
					`scheme update test-medical r2 by carol (add visits): {"revision":1} → {"revision":2}`,
				},
			},
			{
				name: "OKUpdateSchemeMovesItem",
				do: func(s *Store) error {
					_, _, err := s.UpdateScheme(carol, "test-medical", func(sc *formulas.Scheme) error {
						sc.Items[0].Children = append(sc.Items[0].Children, sc.Items[1])
						sc.Items = []formulas.Item{sc.Items[0], sc.Items[2]}
						return nil
					}, "", "")
					return err
				},
				want: []string{
					`item update reports r2 by carol: {"parent":null} → {"parent":"enrol"}`,
					`item update enrol r2 by carol: {"children":["res_enrol"]} → {"children":["res_enrol","reports"]}`,
					`scheme update test-medical r2 by carol: {"revision":1} → {"revision":2}`,
				},
			},
			{
				name: "OKUpdateSchemeNoChange",
				do: func(s *Store) error {
					_, _, err := s.UpdateScheme(why, "test-medical", setReports(reportsFormula), "bob", "")
					return err
				},
			},
			{
				name: "OKReplaceScheme",
				do: func(s *Store) error {
					doc := mustLoadDoc(t)
					doc.Title = "新标题"
					doc.Units = []formulas.Unit{doc.Units[0], doc.Units[1], {Code: "nanjiao", Name: "南郊镇", Group: "镇"}}
					doc.Units[0].Name = "新北"
					doc.Values = nil
					_, _, err := s.ReplaceScheme(why, "test-medical", doc, "bob", "new roster")
					return err
				},
				want: []string{
					`unit delete xicheng by bob (office letter 12): {"code":"xicheng","group":"镇","name":"西城镇"} → null`,
					`unit create nanjiao by bob (office letter 12): null → {"code":"nanjiao","group":"镇","name":"南郊镇"}`,
					`unit update xinbei by bob (office letter 12): {"name":"新北区"} → {"name":"新北"}`,
					`scheme update test-medical r2 by bob (office letter 12): {"revision":1,"title":"医疗保障工作考核（测试）"} → {"revision":2,"title":"新标题"}`,
				},
			},
			{
				name: "OKRestoreRevision",
				do: func(s *Store) error {
					if _, _, err := s.UpdateScheme(carol, "test-medical", setReports("10"), "", ""); err != nil {
						return err
					}
					_, _, err := s.RestoreRevision(WithWho(bg, "dave"), "test-medical", 1, "")
					return err
				},
				want: []string{
					`item update reports r3 by dave (restore revision 1): {"formula":"10"} → {"formula":"clamp(10 - late_reports, 0, 10)"}`,
					`scheme restore test-medical r3 by dave (restore revision 1): {"revision":2} → {"restored":1,"revision":3}`,
					`item update reports r2 by carol: {"formula":"clamp(10 - late_reports, 0, 10)"} → {"formula":"10"}`,
					`scheme update test-medical r2 by carol: {"revision":1} → {"revision":2}`,
				},
			},
			{
				name: "OKCreateUnit",
				do: func(s *Store) error {
					_, err := s.CreateUnit(why, "test-medical", formulas.Unit{Code: "nanjiao", Name: "南郊镇", Group: "镇",
						Attrs: map[string]any{"population": 30000}})
					return err
				},
				want: []string{
					`unit create nanjiao by carol (office letter 12): null → {"attrs":{"population":30000},"code":"nanjiao","group":"镇","name":"南郊镇"}`,
				},
			},
			{
				name: "OKUpdateUnit",
				do: func(s *Store) error {
					_, err := s.UpdateUnit(carol, "test-medical", "xinbei", formulas.Unit{Name: "新北区", Group: "镇"})
					return err
				},
				want: []string{
					`unit update xinbei by carol: {"attrs":{"population":1200000},"group":"主功能区"} → {"attrs":null,"group":"镇"}`,
				},
			},
			{
				name: "OKUpdateUnitNoChange",
				do: func(s *Store) error {
					_, err := s.UpdateUnit(carol, "test-medical", "dongcheng", formulas.Unit{Name: "东城镇", Group: "镇"})
					return err
				},
			},
			{
				name: "OKDeleteUnit",
				do: func(s *Store) error {
					return s.DeleteUnit(why, "test-medical", "dongcheng")
				},
				want: []string{
					`unit delete dongcheng by carol (office letter 12): {"code":"dongcheng","group":"镇","name":"东城镇"} → null`,
				},
			},
			{
				name: "OKValues",
				do: func(s *Store) error {
					return s.PatchValues(WithReason(bg, "late report fixed"), "test-medical", "xinbei", LayerFinal,
						map[string]any{"res_actual": 96, "late_reports": nil}, "bob")
				},
				want: []string{
					`value update xinbei/final/res_actual by bob (late report fixed): 95 → 96`,
					`value delete xinbei/final/late_reports by bob (late report fixed): 2 → null`,
				},
			},
			{
				name: "OKValuesWhoFromContext",
				do: func(s *Store) error {
					return s.PutValues(carol, "test-medical", "xicheng", LayerSelf, map[string]any{"res_actual": 7}, "")
				},
				want: []string{`value create xicheng/self/res_actual by carol: null → 7`},
			},
			{
				name: "OKImport",
				do: func(s *Store) error {
					return s.SetValues(WithImport(why, "values.xlsx"), "test-medical", LayerSelf,
						map[string]map[string]any{"dongcheng": {"res_actual": 190, "res_target": 200}}, "frank")
				},
				want: []string{
					`value create dongcheng/self/res_target by frank (office letter 12): null → 200`,
					`value create dongcheng/self/res_actual by frank (office letter 12): null → 190`,
					`import create values.xlsx by frank (office letter 12): null → {"layer":"self","units":1,"values":2}`,
				},
			},
			{
				name: "ErrReasonTooLong",
				do: func(s *Store) error {
					_, _, err := s.UpdateScheme(WithReason(bg, strings.Repeat("因", 2001)), "test-medical", setReports("1"), "bob", "")
					return err
				},
				err: "the reason has 2001 characters, more than 2000",
			},
			{
				name: "ErrReasonTooLongValues",
				do: func(s *Store) error {
					return s.PatchValues(WithReason(bg, strings.Repeat("x", 2001)), "test-medical", "xinbei", LayerFinal,
						map[string]any{"res_actual": 1}, "bob")
				},
				err: "the reason has 2001 characters, more than 2000",
			},
			{
				name: "ErrReasonNotUTF8",
				do: func(s *Store) error {
					return s.DeleteUnit(WithReason(bg, "\xff"), "test-medical", "xinbei")
				},
				err: "the reason is not valid UTF-8",
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := mustOpenStore(t, e)
				mustCreateScheme(t, s)
				before, total0 := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{Limit: MaxLimit})
				rev0, dv0 := mustVersion(t, s, "test-medical")
				err := tt.do(s)
				if tt.err != "" {
					checkError(t, err, Invalid, tt.err)
					if rev, dv := mustVersion(t, s, "test-medical"); rev != rev0 || dv != dv0 {
						t.Errorf("version moved from %d/%d to %d/%d", rev0, dv0, rev, dv)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				after, total := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{Limit: MaxLimit})
				if total != len(after) || total0 != len(before) {
					t.Errorf("totals %d and %d, want %d and %d", total0, total, len(before), len(after))
				}
				if !strings.HasSuffix(strings.Join(after, "\n"), strings.Join(before, "\n")) {
					t.Fatalf("the history before the write changed:\n%s", strings.Join(after, "\n"))
				}
				checkLines(t, after[:len(after)-len(before)], tt.want)
			})
		}
		t.Run("OKCreateScheme", func(t *testing.T) {
			s := mustOpenStore(t, e)
			doc := mustLoadDoc(t)
			doc.Values = nil
			if _, _, err := s.CreateScheme(WithReason(bg, "2022 rules"), doc, "alice", "first version"); err != nil {
				t.Fatal(err)
			}
			got, total := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{})
			checkLines(t, got, []string{
				`unit create xicheng by alice (2022 rules): null → {"code":"xicheng","group":"镇","name":"西城镇"}`,
				`unit create dongcheng by alice (2022 rules): null → {"code":"dongcheng","group":"镇","name":"东城镇"}`,
				`unit create xinbei by alice (2022 rules): null → {"attrs":{"population":1200000},"code":"xinbei","group":"主功能区","name":"新北区"}`,
				`metric create remark r1 by alice (2022 rules): null → {"code":"remark","title":"备注","type":"text"}`,
				`metric create late_reports r1 by alice (2022 rules): null → {"code":"late_reports","default":0,"max":12,"min":0,"title":"迟报次数","type":"integer"}`,
				`metric create rate_ok r1 by alice (2022 rules): null → {"code":"rate_ok","default":false,"title":"完成率达标","type":"boolean"}`,
				`metric create res_actual r1 by alice (2022 rules): null → {"code":"res_actual","min":0,"title":"参保人数","type":"integer","unit":"人"}`,
				`metric create res_target r1 by alice (2022 rules): null → {"code":"res_target","min":0,"title":"参保任务数","type":"integer","unit":"人"}`,
				`output create award r1 by alice (2022 rules): null → ` + awardJSON,
				`output create res_rate r1 by alice (2022 rules): null → {"code":"res_rate","formula":"pct(res_actual, res_target)","title":"参保完成率","unit":"%"}`,
				`item create bonus_ok r1 by alice (2022 rules): null → {"code":"bonus_ok","formula":"rate_ok ? 2 : 0","kind":"bonus","max_points":2,"title":"达标加分"}`,
				`item create reports r1 by alice (2022 rules): null → {"code":"reports","formula":"clamp(10 - late_reports, 0, 10)","max_points":10,"title":"按时报送"}`,
				`item create res_enrol r1 by alice (2022 rules): null → {"code":"res_enrol","criteria":"每下降一个百分点扣0.1分","formula":"10 - 0.1 * ceil(below(pct(res_actual, res_target), 100))","max_points":10,"parent":"enrol","title":"城乡居民参保任务完成"}`,
				`item create enrol r1 by alice (2022 rules): null → {"children":["res_enrol"],"code":"enrol","max_points":10,"title":"参保登记"}`,
				`scheme create test-medical r1 by alice (2022 rules): null → {"attributes":[{"code":"population","title":"人口","type":"integer"}],` +
					`"grades":[{"label":"优胜","min":18},{"label":"合格","min":12},{"label":"不合格","min":0}],"groups":["主功能区","镇"],` +
					`"issuer":"测试办","params":{"fee":20},"period":"2022","precision":2,"revision":1,"title":"医疗保障工作考核（测试）","total_points":20}`,
			})
			if total != 15 {
				t.Errorf("total = %d, want 15", total)
			}
		})
		t.Run("OKDeleteScheme", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			doc, err := s.GetScheme(bg, "test-medical")
			if err != nil {
				t.Fatal(err)
			}
			before, _ := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{Limit: MaxLimit})
			if err := s.DeleteScheme(WithReason(WithWho(bg, "erin"), "duplicate"), "test-medical"); err != nil {
				t.Fatal(err)
			}
			after, _ := mustHistory(t, s, "test-medical", HistoryQuery{Deleted: true}, Page{Limit: MaxLimit})
			var old any // the document with its keys sorted, as History decodes it
			if err := json.Unmarshal([]byte(mustJSON(doc)), &old); err != nil {
				t.Fatal(err)
			}
			checkLines(t, after, append([]string{`scheme delete test-medical by erin (duplicate): ` + mustJSON(old) + ` → null`}, before...))
		})
		t.Run("OKUnknownWho", func(t *testing.T) {
			// A write with neither a who nor a context author is recorded with an empty who.
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			if err := s.DeleteUnit(bg, "test-medical", "xicheng"); err != nil {
				t.Fatal(err)
			}
			got, _ := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{Limit: 1})
			checkLines(t, got, []string{`unit delete xicheng by : {"code":"xicheng","group":"镇","name":"西城镇"} → null`})
		})
	})
}

// mustBuildHistory makes a store with a history of six writes, one a second from testEpoch:
// alice creates the scheme (0s), bob enters two values (1s, 2s), carol changes a formula
// (3s), dave adds a unit (4s) and enters its value (5s).
func mustBuildHistory(t *testing.T, e testdb.Engine) *Store {
	t.Helper()
	s := mustOpenStore(t, e)
	ctx := context.Background()
	mustCreateScheme(t, s)
	steps := []func() error{
		func() error {
			return s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{"res_actual": 96}, "bob")
		},
		func() error {
			return s.PatchValues(ctx, "test-medical", "dongcheng", LayerSelf, map[string]any{"res_actual": 150}, "bob")
		},
		func() error {
			_, _, err := s.UpdateScheme(ctx, "test-medical", setReports("10 - late_reports"), "carol", "")
			return err
		},
		func() error {
			_, err := s.CreateUnit(WithWho(ctx, "dave"), "test-medical", formulas.Unit{Code: "nanjiao", Name: "南郊镇", Group: "镇"})
			return err
		},
		func() error {
			return s.PatchValues(ctx, "test-medical", "nanjiao", LayerFinal, map[string]any{"late_reports": 1}, "dave")
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// shortLine is a change in brief: kind, action, what, who and when (seconds after testEpoch).
func shortLines(changes []Change) []string {
	out := []string{}
	for _, c := range changes {
		what := c.Target
		if c.Kind == ChangeValue {
			what = c.Unit + "/" + c.Layer + "/" + c.Metric
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %ds", c.Kind, c.Action, what, c.Who, int(c.At.Sub(testEpoch).Seconds())))
	}
	return out
}

func TestHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustBuildHistory(t, e)
		ctx := context.Background()
		all, total, err := s.History(ctx, "test-medical", HistoryQuery{}, Page{Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		// The scheme's creation: 15 audit entries and 8 values; then 6 entries.
		if total != 29 || len(all) != 29 {
			t.Fatalf("total %d, %d changes; want 29", total, len(all))
		}
		checkLines(t, shortLines(all[:7]), []string{
			"value create nanjiao/final/late_reports dave 5s",
			"unit create nanjiao dave 4s",
			"item update reports carol 3s",
			"scheme update test-medical carol 3s",
			"value create dongcheng/self/res_actual bob 2s",
			"value update xinbei/final/res_actual bob 1s",
			"value create xinbei/self/res_target alice 0s",
		})
		tests := []struct {
			name  string
			q     HistoryQuery
			page  Page
			want  []string
			total int
		}{
			{name: "OKUnit", q: HistoryQuery{Unit: "nanjiao"}, want: []string{
				"value create nanjiao/final/late_reports dave 5s", "unit create nanjiao dave 4s"}},
			{name: "OKUnitValues", q: HistoryQuery{Unit: "xinbei", Kind: ChangeValue, Layer: LayerSelf}, want: []string{
				"value create xinbei/self/res_target alice 0s", "value create xinbei/self/res_actual alice 0s"}},
			{name: "OKMetric", q: HistoryQuery{Metric: "res_actual"}, want: []string{
				"value create dongcheng/self/res_actual bob 2s",
				"value update xinbei/final/res_actual bob 1s",
				"value create xinbei/self/res_actual alice 0s",
				"value create xinbei/final/res_actual alice 0s",
				"value create dongcheng/final/res_actual alice 0s",
				"metric create res_actual alice 0s"}},
			{name: "OKItem", q: HistoryQuery{Item: "reports"}, want: []string{
				"item update reports carol 3s", "item create reports alice 0s"}},
			{name: "OKItemOutput", q: HistoryQuery{Item: "award"}, want: []string{"output create award alice 0s"}},
			{name: "OKWho", q: HistoryQuery{Who: "bob"}, want: []string{
				"value create dongcheng/self/res_actual bob 2s", "value update xinbei/final/res_actual bob 1s"}},
			{name: "OKSince", q: HistoryQuery{Since: testEpoch.Add(3 * time.Second)}, want: []string{
				"value create nanjiao/final/late_reports dave 5s",
				"unit create nanjiao dave 4s",
				"item update reports carol 3s",
				"scheme update test-medical carol 3s"}},
			{name: "OKSinceUntil", q: HistoryQuery{Since: testEpoch.Add(time.Second), Until: testEpoch.Add(3 * time.Second)}, want: []string{
				"value create dongcheng/self/res_actual bob 2s", "value update xinbei/final/res_actual bob 1s"}},
			{name: "OKUntilOtherZone", q: HistoryQuery{Until: testEpoch.Add(2 * time.Second).In(time.FixedZone("CST", 8*3600)),
				Kind: ChangeValue, Who: "bob"}, want: []string{"value update xinbei/final/res_actual bob 1s"}},
			{name: "OKKind", q: HistoryQuery{Kind: ChangeScheme}, want: []string{
				"scheme update test-medical carol 3s", "scheme create test-medical alice 0s"}},
			{name: "OKKindImport", q: HistoryQuery{Kind: ChangeImport}, want: []string{}},
			{name: "OKLayer", q: HistoryQuery{Layer: LayerSelf, Who: "bob"}, want: []string{
				"value create dongcheng/self/res_actual bob 2s"}},
			{name: "OKNothingItemAndLayer", q: HistoryQuery{Item: "reports", Layer: LayerFinal}, want: []string{}},
			{name: "OKNothingItemAndUnit", q: HistoryQuery{Item: "reports", Unit: "xinbei"}, want: []string{}},
			{name: "OKPage", q: HistoryQuery{}, page: Page{Limit: 3, Offset: 2}, want: shortLines(all[2:5]), total: 29},
			{name: "OKPageBeyond", q: HistoryQuery{}, page: Page{Limit: 3, Offset: 40}, want: []string{}, total: 29},
			{name: "OKPageFiltered", q: HistoryQuery{Metric: "res_actual"}, page: Page{Limit: 2, Offset: 4}, want: []string{
				"value create dongcheng/final/res_actual alice 0s", "metric create res_actual alice 0s"}, total: 6},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := s.History(ctx, "test-medical", tt.q, tt.page)
				if err != nil {
					t.Fatal(err)
				}
				checkLines(t, shortLines(got), tt.want)
				want := tt.total
				if want == 0 {
					want = len(tt.want)
				}
				if total != want {
					t.Errorf("total = %d, want %d", total, want)
				}
			})
		}
		errs := []struct {
			name, code string
			q          HistoryQuery
			page       Page
			kind       Kind
			msg        string
		}{
			{"ErrKind", "test-medical", HistoryQuery{Kind: "formula"}, Page{}, Invalid,
				`unknown kind "formula": use one of value, scheme, item, output, metric, unit, token, import, layer, publication`},
			{"ErrLayer", "test-medical", HistoryQuery{Layer: "draft"}, Page{}, Invalid, `unknown layer "draft": use final or self`},
			{"ErrUntilBeforeSince", "test-medical", HistoryQuery{Since: testEpoch.Add(time.Hour), Until: testEpoch}, Page{}, Invalid,
				"until 2026-11-27T10:00:00Z is before since 2026-11-27T11:00:00Z"},
			{"ErrPage", "test-medical", HistoryQuery{}, Page{Limit: 501}, Invalid, "limit 501 is out of range 1..500"},
			{"ErrNotFound", "nothing", HistoryQuery{}, Page{}, NotFound, `scheme "nothing" not found`},
		}
		for _, tt := range errs {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := s.History(ctx, tt.code, tt.q, tt.page)
				checkError(t, err, tt.kind, tt.msg)
			})
		}
		t.Run("OKEverySchemeAndTokens", func(t *testing.T) {
			if _, _, err := s.CreateToken(ctx, TokenSpec{Name: "ops", Role: RoleAdmin}, "alice"); err != nil {
				t.Fatal(err)
			}
			got, total, err := s.History(ctx, "", HistoryQuery{}, Page{Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, shortLines(got), []string{"token create ops alice 6s", "value create nanjiao/final/late_reports dave 5s"})
			if total != 30 {
				t.Errorf("total = %d, want 30", total)
			}
			if got[0].Scheme != "" || got[1].Scheme != "test-medical" {
				t.Errorf("schemes %q and %q, want none and test-medical", got[0].Scheme, got[1].Scheme)
			}
		})
	})
}

// TestAuditAppendOnly deletes a scheme and checks that its history stays, whole, and that the
// tables of the history have no foreign key that could delete it.
func TestAuditAppendOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustBuildHistory(t, e)
		before, total0 := mustHistory(t, s, "test-medical", HistoryQuery{}, Page{Limit: MaxLimit})
		values0, audit0 := count(t, s, "value_history"), count(t, s, "audit_log")
		if err := s.DeleteScheme(WithWho(ctx, "erin"), "test-medical"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "value_history"); n != values0 {
			t.Errorf("value_history has %d rows, want %d", n, values0)
		}
		if n := count(t, s, "audit_log"); n != audit0+1 {
			t.Errorf("audit_log has %d rows, want %d", n, audit0+1)
		}
		after, total := mustHistory(t, s, "test-medical", HistoryQuery{Deleted: true}, Page{Limit: MaxLimit})
		if total != total0+1 || !strings.HasPrefix(after[0], "scheme delete test-medical by erin: ") ||
			strings.Join(after[1:], "\n") != strings.Join(before, "\n") {
			t.Errorf("history after the delete (%d):\n%s", total, strings.Join(after, "\n"))
		}
		// A new scheme of the same code has a history of its own; the deleted one's is still
		// there for the auditor (issue 11).
		mustCreateScheme(t, s)
		_, total = mustHistory(t, s, "test-medical", HistoryQuery{}, Page{})
		if want := 15 + 8; total != want {
			t.Errorf("total = %d, want %d", total, want)
		}
		_, total = mustHistory(t, s, "test-medical", HistoryQuery{Deleted: true}, Page{})
		if want := total0 + 1 + 15 + 8; total != want {
			t.Errorf("total with the deleted scheme's = %d, want %d", total, want)
		}
		query := `SELECT COUNT(*) FROM pragma_foreign_key_list(?)`
		if e == testdb.Postgres {
			query = `SELECT COUNT(*) FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f'`
		}
		for _, table := range []string{"value_history", "audit_log", "tokens"} {
			var n int
			if err := s.db.NewRaw(query, table).Scan(ctx, &n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%s has %d foreign keys, want none", table, n)
			}
		}
		// The database itself refuses to rewrite the history.
		for _, q := range []string{
			"DELETE FROM audit_log", "UPDATE audit_log SET who = 'mallory'",
			"DELETE FROM value_history WHERE unit_code = 'xinbei'", "UPDATE value_history SET new_value = '0'",
		} {
			table := strings.Fields(strings.TrimPrefix(q, "DELETE FROM "))[0]
			if table == "UPDATE" {
				table = strings.Fields(q)[1]
			}
			_, err := s.wdb.ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), table+" is append-only") {
				t.Errorf("%s: err = %v, want %q", q, err, table+" is append-only")
			}
		}
		if n := count(t, s, "audit_log WHERE who = 'mallory'"); n != 0 {
			t.Errorf("%d audit rows rewritten", n)
		}
	})
}

// TestHistoryNeverRewritten reads the store's source: no statement updates or deletes a row of
// value_history or audit_log. (The database refuses them anyway: see TestAuditAppendOnly.)
func TestHistoryNeverRewritten(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`New(Update|Delete)\(\)\.Model\([&(*]*(historyRow|auditRow|v1History|v2History|v2Audit)`),
		regexp.MustCompile(`New(Update|Delete)\(\)\.(Table|TableExpr|ModelTableExpr)\("(value_history|audit_log)`),
		regexp.MustCompile(`(?i)(UPDATE|DELETE\s+FROM)\s+"?(value_history|audit_log)\b`),
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, re := range forbidden {
			if m := re.Find(data); m != nil {
				t.Errorf("%s: %s", name, m)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files", checked)
	}
}
