package schema

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

func TestCreateScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			s := mustOpenStore(t, e)
			want := mustLoadDoc(t)
			rev, warnings, err := s.CreateScheme(ctx, want, "alice", "first version")
			if err != nil {
				t.Fatal(err)
			}
			if rev != 1 || warnings != nil {
				t.Errorf("rev %d, warnings %v; want 1 and none", rev, warnings)
			}
			got, err := s.GetScheme(ctx, "test-medical")
			if err != nil {
				t.Fatal(err)
			}
			if got.Revision != 1 {
				t.Errorf("revision = %d, want 1", got.Revision)
			}
			if a, b := mustJSON(got.Scheme), mustJSON(want.Scheme); a != b {
				t.Errorf("scheme differs:\n%s\n%s", a, b)
			}
			if a, b := mustJSON(got.Units), mustJSON(want.Units); a != b {
				t.Errorf("units differ:\n%s\n%s", a, b)
			}
			if got.Values != nil {
				t.Errorf("values = %v, want none", got.Values)
			}
			list, total, err := s.ListSchemes(ctx, Page{})
			if err != nil {
				t.Fatal(err)
			}
			wantList := []SchemeSummary{{Code: "test-medical", Title: "医疗保障工作考核（测试）", Period: "2022", Issuer: "测试办",
				Revision: 1, DataVersion: testEpoch.UnixMicro(), Units: 3, CreatedAt: testEpoch, UpdatedAt: testEpoch}}
			if total != 1 || !reflect.DeepEqual(list, wantList) {
				t.Errorf("ListSchemes = %+v (%d), want %+v", list, total, wantList)
			}
			values, err := s.GetValues(ctx, "test-medical", "xinbei", LayerFinal)
			if err != nil {
				t.Fatal(err)
			}
			wantValues := map[string]Value{
				"res_target":   {Value: 100.0, Who: "alice", UpdatedAt: testEpoch},
				"res_actual":   {Value: 95.0, Who: "alice", UpdatedAt: testEpoch},
				"late_reports": {Value: 2.0, Note: "3月、7月迟报", Who: "alice", UpdatedAt: testEpoch},
			}
			if !reflect.DeepEqual(values, wantValues) {
				t.Errorf("values = %+v, want %+v", values, wantValues)
			}
			self, err := s.GetValues(ctx, "test-medical", "xinbei", LayerSelf)
			if err != nil {
				t.Fatal(err)
			}
			if len(self) != 2 || self["res_actual"].Value != 100.0 {
				t.Errorf("self values = %+v", self)
			}
			if n := count(t, s, "value_history"); n != 8 {
				t.Errorf("%d history entries, want 8 (one per example value)", n)
			}
		})
		t.Run("OKJSONAnswer", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			doc, err := s.GetScheme(ctx, "test-medical")
			if err != nil {
				t.Fatal(err)
			}
			data, _ := json.Marshal(doc)
			// The answer of GET is a document that POST accepts.
			again, err := DecodeJSON(bytesReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Validate(again); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			doc := mustLoadDoc(t)
			doc.Title = "another"
			_, _, err := s.CreateScheme(ctx, doc, "bob", "")
			checkError(t, err, Conflict, `scheme "test-medical" already exists`)
			got, _ := s.GetScheme(ctx, "test-medical")
			if got.Title != "医疗保障工作考核（测试）" || count(t, s, "scheme_revisions") != 1 {
				t.Errorf("the existing scheme changed: %q", got.Title)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			s := mustOpenStore(t, e)
			doc := mustLoadDoc(t)
			doc.Values[LayerFinal]["xinbei"]["res_actual"] = -1
			_, _, err := s.CreateScheme(ctx, doc, "alice", "")
			checkError(t, err, Invalid, "values.final.xinbei.res_actual: -1 is below the minimum 0")
			for _, table := range []string{"schemes", "scheme_revisions", "units", "metric_values", "value_history"} {
				if n := count(t, s, table); n != 0 {
					t.Errorf("%s has %d rows, want 0", table, n)
				}
			}
		})
		t.Run("ErrNil", func(t *testing.T) {
			s := mustOpenStore(t, e)
			_, _, err := s.CreateScheme(ctx, nil, "alice", "")
			checkError(t, err, Invalid, "no document")
		})
	})
}

func TestGetScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		_, err := s.GetScheme(context.Background(), "nothing")
		checkError(t, err, NotFound, `scheme "nothing" not found`)
		_, _, err = s.Version(context.Background(), "nothing")
		checkError(t, err, NotFound, `scheme "nothing" not found`)
	})
}

func TestReplaceScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OKKeepRoster", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			doc := mustLoadDoc(t)
			doc.Units, doc.Values, doc.Code = nil, nil, ""
			doc.Title = "新标题"
			doc.TotalPoints = 25
			rev, warnings, err := s.ReplaceScheme(ctx, "test-medical", doc, "bob", "retitle")
			if err != nil {
				t.Fatal(err)
			}
			want := []formulas.Warning{{Kind: formulas.WarnTotalPoints,
				Message: "the scheme states 25 points but its top-level score items add up to 20"}}
			if rev != 2 || !reflect.DeepEqual(warnings, want) {
				t.Errorf("rev %d, warnings %v; want 2 and %v", rev, warnings, want)
			}
			got, _ := s.GetScheme(ctx, "test-medical")
			if got.Title != "新标题" || got.Revision != 2 || len(got.Units) != 3 {
				t.Errorf("got %q revision %d with %d units", got.Title, got.Revision, len(got.Units))
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0 {
				t.Errorf("data version moved without a change of data")
			}
			list, _, _ := s.ListSchemes(ctx, Page{})
			if list[0].Title != "新标题" {
				t.Errorf("listed title %q", list[0].Title)
			}
		})
		t.Run("OKNewRoster", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			doc := mustLoadDoc(t)
			doc.Units = []formulas.Unit{{Code: "nanzhuang", Name: "南庄镇", Group: "镇"}, doc.Units[1], doc.Units[0]}
			doc.Values = map[string]map[string]map[string]any{LayerFinal: {"nanzhuang": {"res_target": 10}}}
			if _, _, err := s.ReplaceScheme(ctx, "test-medical", doc, "bob", "new roster"); err != nil {
				t.Fatal(err)
			}
			units, total, err := s.ListUnits(ctx, "test-medical", Page{})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range units {
				codes = append(codes, u.Code)
			}
			if total != 3 || !reflect.DeepEqual(codes, []string{"nanzhuang", "dongcheng", "xinbei"}) {
				t.Errorf("roster = %v (%d)", codes, total)
			}
			if v, _ := s.GetValues(ctx, "test-medical", "dongcheng", LayerFinal); len(v) != 3 {
				t.Errorf("dongcheng lost its values: %v", v)
			}
			if v, _ := s.GetValues(ctx, "test-medical", "nanzhuang", LayerFinal); v["res_target"].Value != 10.0 {
				t.Errorf("nanzhuang values = %v", v)
			}
			_, err = s.GetValues(ctx, "test-medical", "xicheng", LayerFinal)
			checkError(t, err, NotFound, `unit "xicheng" of scheme "test-medical" not found`)
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0+1 {
				t.Errorf("data version = %d, want %d", dv, dv0+1)
			}
		})
		t.Run("ErrRosterGroups", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			doc := mustLoadDoc(t)
			doc.Units, doc.Values = nil, nil
			doc.Groups = []string{"主功能区"}
			_, _, err := s.ReplaceScheme(ctx, "test-medical", doc, "bob", "")
			checkError(t, err, Invalid, `units.dongcheng.group: group "镇" is not one of the scheme's groups: 主功能区; `+
				`units.xicheng.group: group "镇" is not one of the scheme's groups: 主功能区`)
			if rev, _ := mustVersion(t, s, "test-medical"); rev != 1 || count(t, s, "scheme_revisions") != 1 {
				t.Errorf("a revision was saved")
			}
		})
		t.Run("ErrCode", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			doc := mustLoadDoc(t)
			doc.Code = "other"
			_, _, err := s.ReplaceScheme(ctx, "test-medical", doc, "bob", "")
			checkError(t, err, Invalid, `the document's code "other" is not the scheme's code "test-medical"`)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			s := mustOpenStore(t, e)
			doc := mustLoadDoc(t)
			doc.Code = ""
			_, _, err := s.ReplaceScheme(ctx, "nothing", doc, "bob", "")
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}

func TestUpdateScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		setFormula := func(f string) func(*formulas.Scheme) error {
			return func(sc *formulas.Scheme) error {
				sc.Items[1].Formula = f
				return nil
			}
		}
		t.Run("OK", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			rev, _, err := s.UpdateScheme(ctx, "test-medical", setFormula("clamp(10 - 2 * late_reports, 0, 10)"), "bob", "stricter")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.GetScheme(ctx, "test-medical")
			if rev != 2 || got.Revision != 2 || got.Items[1].Formula != "clamp(10 - 2 * late_reports, 0, 10)" {
				t.Errorf("rev %d, document revision %d, formula %q", rev, got.Revision, got.Items[1].Formula)
			}
		})
		t.Run("OKNoChange", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			rev, _, err := s.UpdateScheme(ctx, "test-medical", setFormula("clamp(10 - late_reports, 0, 10)"), "bob", "")
			if err != nil || rev != 1 || count(t, s, "scheme_revisions") != 1 {
				t.Errorf("rev %d, err %v: an unchanged scheme saved a revision", rev, err)
			}
		})
		t.Run("ErrFormula", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, _, err := s.UpdateScheme(ctx, "test-medical", setFormula("10 - late"), "bob", "")
			if ErrorKind(err) != Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			if e := err.(*Error); len(e.Errors) != 1 || e.Errors[0].Item != "reports" || e.Errors[0].Column != 6 {
				t.Errorf("errors = %+v, want one for item reports at column 6", e.Errors)
			}
			got, _ := s.GetScheme(ctx, "test-medical")
			if got.Revision != 1 || got.Items[1].Formula != "clamp(10 - late_reports, 0, 10)" {
				t.Errorf("the scheme changed: revision %d, formula %q", got.Revision, got.Items[1].Formula)
			}
		})
		t.Run("ErrCallback", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
				sc.Title = "changed in the copy"
				return Errorf(NotFound, "item", "item %q not found", "nope")
			}, "bob", "")
			checkError(t, err, NotFound, `item "nope" not found`)
			if got, _ := s.GetScheme(ctx, "test-medical"); got.Title != "医疗保障工作考核（测试）" {
				t.Errorf("title = %q", got.Title)
			}
		})
		t.Run("ErrCode", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
				sc.Code = "renamed"
				return nil
			}, "bob", "")
			checkError(t, err, Invalid, `the code of scheme "test-medical" cannot be changed`)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			s := mustOpenStore(t, e)
			_, _, err := s.UpdateScheme(ctx, "nothing", setFormula("1"), "bob", "")
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}

func TestDeleteScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			if err := s.DeleteScheme(ctx, "test-medical"); err != nil {
				t.Fatal(err)
			}
			_, err := s.GetScheme(ctx, "test-medical")
			checkError(t, err, NotFound, `scheme "test-medical" not found`)
			for _, table := range []string{"schemes", "scheme_revisions", "units", "metric_values"} {
				if n := count(t, s, table); n != 0 {
					t.Errorf("%s has %d rows, want 0", table, n)
				}
			}
			// The history stays (see TestAuditAppendOnly).
			if n := count(t, s, "value_history"); n != 8 {
				t.Errorf("value_history has %d rows, want 8", n)
			}
			// The code can be used again, with a data version of its own.
			mustCreateScheme(t, s)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			s := mustOpenStore(t, e)
			checkError(t, s.DeleteScheme(ctx, "nothing"), NotFound, `scheme "nothing" not found`)
		})
	})
}
