package schema

import (
	"context"
	"reflect"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

func TestUnits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		t.Run("OKList", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			units, total, err := s.ListUnits(ctx, "test-medical", Page{Limit: 2, Offset: 1})
			if err != nil {
				t.Fatal(err)
			}
			want := []formulas.Unit{{Code: "dongcheng", Name: "东城镇", Group: "镇"}, {Code: "xicheng", Name: "西城镇", Group: "镇"}}
			if total != 3 || !reflect.DeepEqual(units, want) {
				t.Errorf("units = %+v (%d), want %+v", units, total, want)
			}
			u, err := s.GetUnit(ctx, "test-medical", "xinbei")
			if err != nil {
				t.Fatal(err)
			}
			if want := (formulas.Unit{Code: "xinbei", Name: "新北区", Group: "主功能区", Attrs: map[string]any{"population": 1200000.0}}); !reflect.DeepEqual(u, want) {
				t.Errorf("unit = %#v, want %#v", u, want)
			}
		})
		t.Run("OKCreateUpdateDelete", func(t *testing.T) {
			s := mustOpenStore(t, e)
			mustCreateScheme(t, s)
			_, dv0 := mustVersion(t, s, "test-medical")
			u, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: "nanzhuang", Name: "南庄镇", Group: "镇",
				Attrs: map[string]any{"population": 30000, "note": "新设"}})
			if err != nil {
				t.Fatal(err)
			}
			if u.Attrs["population"] != 30000.0 {
				t.Errorf("population = %#v, want float64", u.Attrs["population"])
			}
			units, _, _ := s.ListUnits(ctx, "test-medical", Page{})
			if len(units) != 4 || units[3].Code != "nanzhuang" || units[3].Attrs["note"] != "新设" {
				t.Errorf("roster = %+v", units)
			}
			u, err = s.UpdateUnit(ctx, "test-medical", "nanzhuang", formulas.Unit{Name: "南庄", Group: "主功能区"})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.GetUnit(ctx, "test-medical", "nanzhuang")
			if want := (formulas.Unit{Code: "nanzhuang", Name: "南庄", Group: "主功能区"}); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(u, want) {
				t.Errorf("unit = %+v, returned %+v, want %+v", got, u, want)
			}
			if err := s.DeleteUnit(ctx, "test-medical", "xinbei"); err != nil {
				t.Fatal(err)
			}
			_, err = s.GetUnit(ctx, "test-medical", "xinbei")
			checkError(t, err, NotFound, `unit "xinbei" of scheme "test-medical" not found`)
			if n := count(t, s, "metric_values WHERE unit_code = 'xinbei'"); n != 0 {
				t.Errorf("xinbei still has %d values", n)
			}
			if n := count(t, s, "value_history WHERE unit_code = 'xinbei'"); n != 5 {
				t.Errorf("xinbei has %d history entries, want 5 (kept)", n)
			}
			if _, dv := mustVersion(t, s, "test-medical"); dv != dv0+3 {
				t.Errorf("data version = %d, want %d", dv, dv0+3)
			}
			units, _, _ = s.ListUnits(ctx, "test-medical", Page{})
			if len(units) != 3 || units[0].Code != "dongcheng" || units[2].Code != "nanzhuang" {
				t.Errorf("roster = %+v", units)
			}
		})

		tests := []struct {
			name string
			do   func(s *Store) error
			kind Kind
			msg  string
		}{
			{"ErrCreateConflict", func(s *Store) error {
				_, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: "xinbei", Name: "again"})
				return err
			}, Conflict, `unit "xinbei" of scheme "test-medical" already exists`},
			{"ErrCreateInvalid", func(s *Store) error {
				_, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: "Bad/1", Group: "乡", Attrs: map[string]any{"population": true}})
				return err
			}, Invalid, `code: "Bad/1" is not a valid unit code: use letters, digits, "-", "_" and ".", starting with a letter or digit; ` +
				`name: name is required; group: group "乡" is not one of the scheme's groups: 主功能区, 镇; ` +
				`attrs.population: expected a whole number, got true`},
			{"ErrCreateNoScheme", func(s *Store) error {
				_, err := s.CreateUnit(ctx, "nothing", formulas.Unit{Code: "a", Name: "A"})
				return err
			}, NotFound, `scheme "nothing" not found`},
			{"ErrUpdateGroup", func(s *Store) error {
				_, err := s.UpdateUnit(ctx, "test-medical", "xinbei", formulas.Unit{Name: "新北", Group: "乡"})
				return err
			}, Invalid, `group: group "乡" is not one of the scheme's groups: 主功能区, 镇`},
			{"ErrUpdateCode", func(s *Store) error {
				_, err := s.UpdateUnit(ctx, "test-medical", "xinbei", formulas.Unit{Code: "xinbei2", Name: "新北"})
				return err
			}, Invalid, `the code of unit "xinbei" cannot be changed`},
			{"ErrUpdateNotFound", func(s *Store) error {
				_, err := s.UpdateUnit(ctx, "test-medical", "nowhere", formulas.Unit{Name: "无"})
				return err
			}, NotFound, `unit "nowhere" of scheme "test-medical" not found`},
			{"ErrDeleteNotFound", func(s *Store) error {
				return s.DeleteUnit(ctx, "test-medical", "nowhere")
			}, NotFound, `unit "nowhere" of scheme "test-medical" not found`},
			{"ErrGetNotFound", func(s *Store) error {
				_, err := s.GetUnit(ctx, "test-medical", "nowhere")
				return err
			}, NotFound, `unit "nowhere" of scheme "test-medical" not found`},
			{"ErrListNoScheme", func(s *Store) error {
				_, _, err := s.ListUnits(ctx, "nothing", Page{})
				return err
			}, NotFound, `scheme "nothing" not found`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := mustOpenStore(t, e)
				mustCreateScheme(t, s)
				before, _, _ := s.ListUnits(ctx, "test-medical", Page{})
				_, dv0 := mustVersion(t, s, "test-medical")
				checkError(t, tt.do(s), tt.kind, tt.msg)
				after, _, _ := s.ListUnits(ctx, "test-medical", Page{})
				if !reflect.DeepEqual(before, after) {
					t.Errorf("the roster changed:\n%+v\n%+v", before, after)
				}
				if _, dv := mustVersion(t, s, "test-medical"); dv != dv0 {
					t.Errorf("data version moved")
				}
			})
		}
	})
}
