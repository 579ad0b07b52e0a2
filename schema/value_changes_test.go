package schema

import (
	"context"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestValueChanges: the changes of values after a data version come back in order, with the
// version each made, only those of the layer asked for; a roster change, a new revision, too
// many changes or a version from another life of the scheme are a gap (ok false).
func TestValueChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		rev, dv0 := mustVersion(t, s, "test-medical")
		patch := func(unit, layer string, values map[string]any) {
			t.Helper()
			if err := s.PatchValues(ctx, "test-medical", unit, layer, values, "bob"); err != nil {
				t.Fatal(err)
			}
		}
		patch("xinbei", LayerFinal, map[string]any{"res_target": 120, "remark": "补"})
		patch("dongcheng", LayerSelf, map[string]any{"res_target": 7})
		patch("xicheng", LayerFinal, map[string]any{"res_actual": 90})
		patch("xinbei", LayerFinal, map[string]any{"remark": nil})
		if err := s.SetValues(ctx, "test-medical", LayerFinal, map[string]map[string]any{"dongcheng": {"late_reports": 3}}, "bob"); err != nil {
			t.Fatal(err)
		}
		to, changes, ok, err := s.ValueChanges(ctx, "test-medical", "", rev, dv0, 100)
		if err != nil || !ok {
			t.Fatalf("ok %v, err %v", ok, err)
		}
		if to != dv0+5 {
			t.Errorf("to = %d, want %d", to, dv0+5)
		}
		want := []ValueChange{
			{dv0 + 1, "xinbei", "remark", "补"}, {dv0 + 1, "xinbei", "res_target", 120.0},
			{dv0 + 3, "xicheng", "res_actual", 90.0}, {dv0 + 4, "xinbei", "remark", nil},
			{dv0 + 5, "dongcheng", "late_reports", 3.0},
		}
		if !reflect.DeepEqual(changes, want) {
			t.Errorf("changes\n got %v\nwant %v", changes, want)
		}
		if _, changes, ok, _ := s.ValueChanges(ctx, "test-medical", LayerSelf, rev, dv0+1, 100); !ok || !reflect.DeepEqual(changes, []ValueChange{{dv0 + 2, "dongcheng", "res_target", 7.0}}) {
			t.Errorf("self after dv0+1: ok %v %v", ok, changes)
		}
		if _, changes, ok, _ := s.ValueChanges(ctx, "test-medical", "", rev, dv0+5, 100); !ok || len(changes) != 0 {
			t.Errorf("up to date: ok %v %v", ok, changes)
		}
		for name, c := range map[string]struct {
			rev   int
			from  int64
			limit int
		}{"other revision": {rev + 1, dv0, 100}, "too many": {rev, dv0, 5}, "too many versions": {rev, dv0, 4}, "from the future": {rev, dv0 + 9, 100}, "another life": {rev, dv0 - 3, 100}} {
			if _, changes, ok, err := s.ValueChanges(ctx, "test-medical", "", c.rev, c.from, c.limit); err != nil || ok || changes != nil {
				t.Errorf("%s: ok %v, %v, err %v", name, ok, changes, err)
			}
		}
		if _, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: "nanzhuang", Name: "南庄镇", Group: "镇"}); err != nil {
			t.Fatal(err)
		}
		patch("xicheng", LayerFinal, map[string]any{"res_actual": 91})
		if _, _, ok, _ := s.ValueChanges(ctx, "test-medical", "", rev, dv0+5, 100); ok {
			t.Error("a roster change between: ok")
		}
		if _, _, ok, _ := s.ValueChanges(ctx, "test-medical", "", rev, dv0+6, 100); !ok {
			t.Error("after the roster change: not ok")
		}
		if _, _, _, err := s.ValueChanges(ctx, "nope", "", rev, dv0, 100); ErrorKind(err) != NotFound {
			t.Errorf("unknown scheme: %v", err)
		}
	})
}
