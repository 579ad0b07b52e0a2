package schema

import (
	"context"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestWriteUnitValues: a write of one unit's values reports the changes it made exactly as
// ValueChanges reads them back from the history once it is committed, the data versions
// before and after, and the unit's values as GetValues reads them; a write that changes
// nothing keeps the data version and reports no change; PUT's removals are changes to nil.
func TestWriteUnitValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		rev, dv0 := mustVersion(t, s, "test-medical")
		check := func(w *UnitWrite, unit, layer string, from int64, changed bool) {
			t.Helper()
			if w.Revision != rev || w.From != from || w.Layer != layer {
				t.Errorf("write: revision %d from %d layer %q, want %d %d %q", w.Revision, w.From, w.Layer, rev, from, layer)
			}
			if want := from + map[bool]int64{true: 1}[changed]; w.To != want {
				t.Errorf("write: to %d, want %d", w.To, want)
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != w.To {
				t.Errorf("stored data version %d, write says %d", dv, w.To)
			}
			_, back, ok, err := s.ValueChanges(ctx, "test-medical", layer, rev, from, 100)
			if err != nil || !ok || !reflect.DeepEqual(back, w.Changes) {
				t.Errorf("changes: write says %v, history %v (ok %v, %v)", w.Changes, back, ok, err)
			}
			values, err := s.GetValues(ctx, "test-medical", unit, layer)
			if err != nil || !reflect.DeepEqual(values, w.Values) {
				t.Errorf("values: write says %v, stored %v (%v)", w.Values, values, err)
			}
		}
		w, err := s.WriteUnitValues(ctx, "test-medical", "xinbei", "", map[string]any{"res_target": 120, "remark": map[string]any{"value": "补", "note": "补报"}}, "bob", false)
		if err != nil {
			t.Fatal(err)
		}
		check(w, "xinbei", LayerFinal, dv0, true)
		if want := []ValueChange{{dv0 + 1, "xinbei", "remark", "补"}, {dv0 + 1, "xinbei", "res_target", 120.0}}; !reflect.DeepEqual(w.Changes, want) {
			t.Errorf("changes %v, want %v", w.Changes, want)
		}
		if v := w.Values["remark"]; v.Value != "补" || v.Note != "补报" || v.Who != "bob" {
			t.Errorf("remark: %+v", v)
		}
		// The same values again: nothing changes.
		w, err = s.WriteUnitValues(ctx, "test-medical", "xinbei", "", map[string]any{"res_target": 120}, "bob", false)
		if err != nil {
			t.Fatal(err)
		}
		check(w, "xinbei", LayerFinal, dv0+1, false)
		if len(w.Changes) != 0 {
			t.Errorf("no change reported %v", w.Changes)
		}
		// PUT: res_target changes, every other value is removed.
		w, err = s.WriteUnitValues(ctx, "test-medical", "xinbei", LayerFinal, map[string]any{"res_target": 75}, "amy", true)
		if err != nil {
			t.Fatal(err)
		}
		check(w, "xinbei", LayerFinal, dv0+1, true)
		// The fixture's other values of xinbei go too, in the order of the stored rows.
		if want := []ValueChange{{dv0 + 2, "xinbei", "res_target", 75.0}, {dv0 + 2, "xinbei", "late_reports", nil},
			{dv0 + 2, "xinbei", "remark", nil}, {dv0 + 2, "xinbei", "res_actual", nil}}; !reflect.DeepEqual(w.Changes, want) {
			t.Errorf("PUT changes %v, want %v", w.Changes, want)
		}
		if len(w.Values) != 1 || w.Values["res_target"].Value != 75.0 || w.Values["res_target"].Who != "amy" {
			t.Errorf("PUT values %v", w.Values)
		}
		// The self layer.
		w, err = s.WriteUnitValues(ctx, "test-medical", "dongcheng", LayerSelf, map[string]any{"res_target": 3}, "bob", false)
		if err != nil {
			t.Fatal(err)
		}
		check(w, "dongcheng", LayerSelf, dv0+2, true)
		// A bad value saves nothing and reports no write.
		if w, err := s.WriteUnitValues(ctx, "test-medical", "dongcheng", "", map[string]any{"res_target": "x"}, "bob", false); err == nil || w != nil {
			t.Errorf("bad value: %v, %v", w, err)
		}
		if _, dv := mustVersion(t, s, "test-medical"); dv != dv0+3 {
			t.Errorf("data version %d after a refused write, want %d", dv, dv0+3)
		}
	})
}
