package schema

import (
	"context"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

func TestRevisions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s) // revision 1 at testEpoch
		for i, f := range []string{"clamp(10 - 2 * late_reports, 0, 10)", "clamp(10 - 3 * late_reports, 0, 10)"} {
			if _, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
				sc.Items[1].Formula = f
				return nil
			}, "bob", []string{"stricter", "strictest"}[i]); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("OKList", func(t *testing.T) {
			list, total, err := s.Revisions(ctx, "test-medical", Page{Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if total != 3 || len(list) != 2 {
				t.Fatalf("%d of %d revisions", len(list), total)
			}
			if list[0].Revision != 3 || list[0].Message != "strictest" || list[0].Who != "bob" || list[0].Scheme != nil ||
				list[1].Revision != 2 || !list[0].CreatedAt.After(list[1].CreatedAt) {
				t.Errorf("revisions = %+v", list)
			}
			list, _, _ = s.Revisions(ctx, "test-medical", Page{Limit: 2, Offset: 2})
			if len(list) != 1 || list[0].Revision != 1 || list[0].Who != "alice" || list[0].Message != "first version" ||
				!list[0].CreatedAt.Equal(testEpoch) {
				t.Errorf("oldest revision = %+v", list)
			}
		})
		t.Run("OKOne", func(t *testing.T) {
			r, err := s.Revision(ctx, "test-medical", 2)
			if err != nil {
				t.Fatal(err)
			}
			if r.Revision != 2 || r.Scheme == nil || r.Scheme.Revision != 2 || r.Scheme.Items[1].Formula != "clamp(10 - 2 * late_reports, 0, 10)" {
				t.Errorf("revision 2 = %+v", r)
			}
		})
		t.Run("OKRestore", func(t *testing.T) {
			rev, warnings, err := s.RestoreRevision(ctx, "test-medical", 1, "carol")
			if err != nil {
				t.Fatal(err)
			}
			if rev != 4 || warnings != nil {
				t.Errorf("rev %d, warnings %v", rev, warnings)
			}
			doc, _ := s.GetScheme(ctx, "test-medical")
			r1, _ := s.Revision(ctx, "test-medical", 1)
			doc.Revision = 1
			if !reflect.DeepEqual(doc.Scheme, *r1.Scheme) {
				t.Errorf("the current scheme is not revision 1's:\n%s\n%s", mustJSON(doc.Scheme), mustJSON(r1.Scheme))
			}
			list, _, _ := s.Revisions(ctx, "test-medical", Page{Limit: 1})
			if list[0].Revision != 4 || list[0].Who != "carol" || list[0].Message != "restore revision 1" {
				t.Errorf("restore revision = %+v", list[0])
			}
		})
		t.Run("ErrRestoreRoster", func(t *testing.T) {
			// Revision 5 adds group 新区 and dongcheng moves into it: revision 4 has no such group.
			if _, _, err := s.UpdateScheme(ctx, "test-medical", func(sc *formulas.Scheme) error {
				sc.Groups = append(sc.Groups, "新区")
				return nil
			}, "bob", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateUnit(ctx, "test-medical", "dongcheng", formulas.Unit{Name: "东城", Group: "新区"}); err != nil {
				t.Fatal(err)
			}
			_, _, err := s.RestoreRevision(ctx, "test-medical", 4, "carol")
			checkError(t, err, Invalid, `units.dongcheng.group: group "新区" is not one of the scheme's groups: 主功能区, 镇`)
			if rev, _ := mustVersion(t, s, "test-medical"); rev != 5 {
				t.Errorf("revision = %d, want 5", rev)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.Revision(ctx, "test-medical", 99)
			checkError(t, err, NotFound, `revision 99 of scheme "test-medical" not found`)
			_, _, err = s.RestoreRevision(ctx, "test-medical", 99, "carol")
			checkError(t, err, NotFound, `revision 99 of scheme "test-medical" not found`)
			_, _, err = s.Revisions(ctx, "nothing", Page{})
			checkError(t, err, NotFound, `scheme "nothing" not found`)
			_, err = s.Revision(ctx, "nothing", 1)
			checkError(t, err, NotFound, `scheme "nothing" not found`)
		})
	})
}
