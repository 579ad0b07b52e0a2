package schema

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// valuesOf returns a unit's values of a layer as metric → value, without who and when.
func valuesOf(tb testing.TB, s *Store, unit, layer string) map[string]any {
	tb.Helper()
	vs, err := s.GetValues(context.Background(), "test-medical", unit, layer)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]any{}
	for m, v := range vs {
		out[m] = v.Value
		if v.Note != "" {
			out[m] = fmt.Sprintf("%v (%s)", v.Value, v.Note)
		}
	}
	return out
}

func TestValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OKPut", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			err := s.PutValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{
				"res_target": 120, "res_actual": map[string]any{"value": 110, "note": "补录"}, "remark": "ok", "rate_ok": nil}, "bob")
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"res_target": 120.0, "res_actual": "110 (补录)", "remark": "ok"}
			if got := valuesOf(t, s, "xinbei", LayerFinal); !reflect.DeepEqual(got, want) {
				t.Errorf("values = %v, want %v", got, want)
			}
			if got := valuesOf(t, s, "xinbei", LayerSelf); len(got) != 2 {
				t.Errorf("the self layer changed: %v", got)
			}
			vs, _ := s.GetValues(ctx, "test-medical", "xinbei", "")
			if v := vs["remark"]; v.Who != "bob" || !v.UpdatedAt.After(testEpoch) {
				t.Errorf("remark = %+v", v)
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0+1 {
				t.Errorf("data version = %d, want %d", dv, dv0+1)
			}
		})
		t.Run("OKPatch", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			if err := s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{
				"late_reports": 1, "res_actual": nil, "rate_ok": true}, "bob"); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"res_target": 100.0, "late_reports": 1.0, "rate_ok": true}
			if got := valuesOf(t, s, "xinbei", LayerFinal); !reflect.DeepEqual(got, want) {
				t.Errorf("values = %v, want %v", got, want)
			}
		})
		t.Run("OKSelf", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			if err := s.PatchValues(ctx, "test-medical", "xicheng", LayerSelf, map[string]any{"res_target": 5}, "xicheng"); err != nil {
				t.Fatal(err)
			}
			if got := valuesOf(t, s, "xicheng", LayerSelf); !reflect.DeepEqual(got, map[string]any{"res_target": 5.0}) {
				t.Errorf("self values = %v", got)
			}
			if got := valuesOf(t, s, "xicheng", LayerFinal); len(got) != 0 {
				t.Errorf("final values = %v, want none", got)
			}
		})
		t.Run("OKUnchanged", func(t *testing.T) {
			// Writing what is stored already changes nothing: no history, same data version.
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			if err := s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{
				"res_target": 100, "late_reports": map[string]any{"value": 2, "note": "3月、7月迟报"}, "remark": nil}, "bob"); err != nil {
				t.Fatal(err)
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0 || count(t, s, "value_history") != 8 {
				t.Errorf("an unchanged write was recorded")
			}
		})

		tests := []struct {
			name  string
			unit  string
			layer string
			put   bool
			in    map[string]any
			kind  Kind
			msg   string
			field string
		}{
			{"ErrUnknownMetric", "xinbei", "", false, map[string]any{"res_actual": 1, "res_actaul": 1}, Invalid,
				`res_actaul: unknown metric "res_actaul"`, "res_actaul"},
			{"ErrType", "xinbei", LayerFinal, true, map[string]any{"res_actual": "many"}, Invalid,
				`res_actual: expected a whole number, got text "many"`, "res_actual"},
			{"ErrRange", "xinbei", LayerSelf, false, map[string]any{"late_reports": map[string]any{"value": 13, "note": "x"}}, Invalid,
				"late_reports: 13 is above the maximum 12", "late_reports"},
			{"ErrSeveral", "xinbei", LayerFinal, true, map[string]any{"res_target": -1, "rate_ok": "yes", "remark": "fine"}, Invalid,
				`rate_ok: expected true or false, got text "yes"; res_target: -1 is below the minimum 0`, ""},
			{"ErrEntry", "xinbei", LayerFinal, false, map[string]any{"remark": map[string]any{"text": "x"}}, Invalid,
				`remark: unknown field "text": a value is a number, a boolean, text or {value, note}`, "remark"},
			{"ErrLayer", "xinbei", "draft", false, map[string]any{"res_actual": 1}, Invalid,
				`unknown layer "draft": use final or self`, "layer"},
			{"ErrUnit", "nowhere", LayerFinal, false, map[string]any{"res_actual": 1}, NotFound,
				`unit "nowhere" of scheme "test-medical" not found`, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := mustOpenStore(t, e)
				mustCreateScheme(t, s)
				before := fmt.Sprint(valuesOf(t, s, "xinbei", LayerFinal), valuesOf(t, s, "xinbei", LayerSelf))
				_, dv0 := mustVersion(t, s, "test-medical")
				var err error
				if tt.put {
					err = s.PutValues(ctx, "test-medical", tt.unit, tt.layer, tt.in, "bob")
				} else {
					err = s.PatchValues(ctx, "test-medical", tt.unit, tt.layer, tt.in, "bob")
				}
				checkError(t, err, tt.kind, tt.msg)
				if e, ok := err.(*Error); ok && e.Field != tt.field {
					t.Errorf("Field = %q, want %q", e.Field, tt.field)
				}
				after := fmt.Sprint(valuesOf(t, s, "xinbei", LayerFinal), valuesOf(t, s, "xinbei", LayerSelf))
				if after != before {
					t.Errorf("values changed:\n%s\n%s", before, after)
				}
				if _, dv := mustVersion(t, s, "test-medical"); dv != dv0 || count(t, s, "value_history") != 8 {
					t.Errorf("the failed write was recorded")
				}
			})
		}
		t.Run("ErrProblems", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			err := s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{"res_target": -1}, "bob")
			want := []Problem{{Field: "res_target", Unit: "xinbei", Metric: "res_target", Message: "-1 is below the minimum 0"}}
			if e, ok := err.(*Error); !ok || !reflect.DeepEqual(e.Problems, want) {
				t.Errorf("err = %#v, want problems %+v", err, want)
			}
		})
		t.Run("ErrNoScheme", func(t *testing.T) {
			s := mustOpenStore(t, e)
			checkError(t, s.PatchValues(ctx, "nothing", "a", "", map[string]any{}, "bob"), NotFound, `scheme "nothing" not found`)
			_, err := s.GetValues(ctx, "nothing", "a", "")
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}

func TestSetValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			err := s.SetValues(ctx, "test-medical", LayerFinal, map[string]map[string]any{
				"xicheng":   {"res_target": 50, "res_actual": map[string]any{"value": 40, "note": "估算"}},
				"dongcheng": {"rate_ok": nil, "late_reports": 3},
			}, "bob")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := valuesOf(t, s, "xicheng", LayerFinal), map[string]any{"res_target": 50.0, "res_actual": "40 (估算)"}; !reflect.DeepEqual(got, want) {
				t.Errorf("xicheng = %v, want %v", got, want)
			}
			if got, want := valuesOf(t, s, "dongcheng", LayerFinal), map[string]any{"res_target": 200.0, "res_actual": 200.0, "late_reports": 3.0}; !reflect.DeepEqual(got, want) {
				t.Errorf("dongcheng = %v, want %v", got, want)
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0+1 {
				t.Errorf("data version = %d, want %d (one change)", dv, dv0+1)
			}
		})
		t.Run("ErrAllOrNothing", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			err := s.SetValues(ctx, "test-medical", LayerFinal, map[string]map[string]any{
				"xicheng":   {"res_target": 50},
				"dongcheng": {"res_actual": -5, "late_reports": 1},
				"nowhere":   {"res_target": 1},
			}, "bob")
			checkError(t, err, Invalid, `dongcheng.res_actual: -5 is below the minimum 0; nowhere: unknown unit "nowhere"`)
			want := []Problem{
				{Field: "dongcheng.res_actual", Unit: "dongcheng", Metric: "res_actual", Message: "-5 is below the minimum 0"},
				{Field: "nowhere", Unit: "nowhere", Message: `unknown unit "nowhere"`},
			}
			if e := err.(*Error); !reflect.DeepEqual(e.Problems, want) {
				t.Errorf("problems = %+v, want %+v", e.Problems, want)
			}
			if got := valuesOf(t, s, "xicheng", LayerFinal); len(got) != 0 {
				t.Errorf("xicheng was saved: %v", got)
			}
			if n := count(t, s, "value_history"); n != 8 {
				t.Errorf("history has %d entries, want 8", n)
			}
		})
		t.Run("ErrLayer", func(t *testing.T) {
			s := mustOpenStore(t, e)
			checkError(t, s.SetValues(ctx, "test-medical", "both", nil, "bob"), Invalid, `unknown layer "both": use final or self`)
		})
	})
}

func TestValueHistory(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s) // 8 entries at testEpoch
		steps := []map[string]any{
			{"res_actual": 96},
			{"res_actual": map[string]any{"value": 97, "note": "复核"}},
			{"res_actual": nil},
		}
		for _, st := range steps {
			if err := s.PatchValues(ctx, "test-medical", "xinbei", LayerFinal, st, "bob"); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("OKFiltered", func(t *testing.T) {
			list, total, err := s.ValueHistory(ctx, "test-medical", HistoryFilter{Unit: "xinbei", Metric: "res_actual", Layer: LayerFinal}, Page{})
			if err != nil {
				t.Fatal(err)
			}
			if total != 4 || len(list) != 4 {
				t.Fatalf("%d of %d entries, want 4", len(list), total)
			}
			type entry struct {
				Old, New any
				Note     string
				Who      string
			}
			var got []entry
			for _, e := range list {
				got = append(got, entry{e.Old, e.New, e.Note, e.Who})
				if e.Unit != "xinbei" || e.Metric != "res_actual" || e.Layer != LayerFinal {
					t.Errorf("entry %+v does not match the filter", e)
				}
			}
			want := []entry{{97.0, nil, "", "bob"}, {96.0, 97.0, "复核", "bob"}, {95.0, 96.0, "", "bob"}, {nil, 95.0, "", "alice"}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("history = %+v, want %+v", got, want)
			}
			if !list[0].At.After(list[1].At) || !list[3].At.Equal(testEpoch) || list[0].ID <= list[1].ID {
				t.Errorf("entries are not newest first: %+v", list)
			}
		})
		t.Run("OKPaged", func(t *testing.T) {
			list, total, err := s.ValueHistory(ctx, "test-medical", HistoryFilter{}, Page{Limit: 3, Offset: 2})
			if err != nil {
				t.Fatal(err)
			}
			if total != 11 || len(list) != 3 || list[0].Old != 95.0 || list[0].New != 96.0 {
				t.Errorf("page = %+v of %d", list, total)
			}
			self, total, _ := s.ValueHistory(ctx, "test-medical", HistoryFilter{Layer: LayerSelf}, Page{})
			if total != 2 || len(self) != 2 {
				t.Errorf("self history = %+v of %d", self, total)
			}
		})
		t.Run("ErrFilter", func(t *testing.T) {
			_, _, err := s.ValueHistory(ctx, "test-medical", HistoryFilter{Layer: "x"}, Page{})
			checkError(t, err, Invalid, `unknown layer "x": use final or self`)
			_, _, err = s.ValueHistory(ctx, "nothing", HistoryFilter{}, Page{})
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}

func TestRows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		t.Run("OK", func(t *testing.T) {
			rev, dv, sc, rows, err := s.Rows(ctx, "test-medical", LayerFinal)
			if err != nil {
				t.Fatal(err)
			}
			if rev != 1 || dv != testEpoch.UnixMicro() || sc.Code != "test-medical" || sc.Revision != 1 {
				t.Errorf("rev %d, data version %d, scheme %q", rev, dv, sc.Code)
			}
			want := []formulas.Row{
				{Unit: formulas.Unit{Code: "xinbei", Name: "新北区", Group: "主功能区", Attrs: map[string]any{"population": 1200000.0}},
					Values: map[string]any{"res_target": 100.0, "res_actual": 95.0, "late_reports": 2.0}},
				{Unit: formulas.Unit{Code: "dongcheng", Name: "东城镇", Group: "镇"},
					Values: map[string]any{"res_target": 200.0, "res_actual": 200.0, "rate_ok": true}},
				{Unit: formulas.Unit{Code: "xicheng", Name: "西城镇", Group: "镇"}, Values: map[string]any{}},
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("rows =\n%+v\nwant\n%+v", rows, want)
			}
			// The rows evaluate.
			prog, _, err := formulas.Compile(sc)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := prog.Evaluate(rows).Result("xinbei")
			if res.Total == nil || *res.Total != 17.5 {
				t.Errorf("xinbei total = %v, want 17.5", res.Total)
			}
		})
		t.Run("OKSelf", func(t *testing.T) {
			_, _, _, rows, err := s.Rows(ctx, "test-medical", LayerSelf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows[0].Values, map[string]any{"res_target": 100.0, "res_actual": 100.0}) || len(rows[1].Values) != 0 {
				t.Errorf("self rows = %+v", rows)
			}
		})
		t.Run("OKStaleValues", func(t *testing.T) {
			// Values of a removed metric, or that no longer fit a narrowed metric, are left out.
			if err := s.PatchValues(ctx, "test-medical", "dongcheng", LayerFinal, map[string]any{"remark": "按时"}, "bob"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
				sc.Metrics = sc.Metrics[:4] // drop remark
				sc.Metrics[3].Max = ptr(1.0)
				return nil
			}, "bob", ""); err != nil {
				t.Fatal(err)
			}
			if err := s.PatchValues(ctx, "test-medical", "xicheng", LayerFinal, map[string]any{"late_reports": 1}, "bob"); err != nil {
				t.Fatal(err)
			}
			rev, _, _, rows, err := s.Rows(ctx, "test-medical", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := rows[1].Values["remark"]; ok {
				t.Errorf("dongcheng still has a remark: %v", rows[1].Values)
			}
			if rev != 2 || rows[0].Values["late_reports"] != nil || rows[2].Values["late_reports"] != 1.0 {
				t.Errorf("rev %d, rows %+v", rev, rows)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, _, _, _, err := s.Rows(ctx, "nothing", "")
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}
