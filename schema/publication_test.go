package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
	"github.com/rubric-dev/rubric/seeds"
)

// sheetTotals reads unit code → total (nil when incomplete) from a sheet's JSON.
func sheetTotals(tb testing.TB, sheet []byte) map[string]*float64 {
	tb.Helper()
	var v struct {
		Units []struct {
			Unit  struct{ Code string }
			Total *float64
		}
	}
	if err := json.Unmarshal(sheet, &v); err != nil {
		tb.Fatal(err)
	}
	out := map[string]*float64{}
	for _, u := range v.Units {
		out[u.Unit.Code] = u.Total
	}
	return out
}

func TestPublications(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		ctx := WithWho(context.Background(), "office")
		code := "test-medical"

		p1, err := s.Publish(ctx, code, PublicationSpec{Title: "2022年度考核结果", Message: "第一次通报"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if p1.Number != 1 || p1.Layer != LayerFinal || p1.Revision != 1 || p1.Who != "office" || len(p1.Hash) != 64 {
			t.Fatalf("publication 1: %+v", p1)
		}
		got1, err := s.GetPublication(context.Background(), code, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !got1.Verify() || got1.Hash != p1.Hash {
			t.Fatalf("hash %s does not verify", got1.Hash)
		}
		if v := got1.Values["xinbei"]["late_reports"]; v.Value != 2.0 || v.Note != "3月、7月迟报" {
			t.Fatalf("published value %+v", v)
		}
		if len(got1.Document.Units) != 3 || got1.Document.Revision != 1 {
			t.Fatalf("published document: %d units, revision %d", len(got1.Document.Units), got1.Document.Revision)
		}
		// By hand: xinbei 10 − 0.1×5 = 9.5 + (10 − 2) = 17.5; dongcheng 10 + 10 + 2 = 22; xicheng has no values.
		totals := sheetTotals(t, got1.Sheet)
		if *totals["xinbei"] != 17.5 || *totals["dongcheng"] != 22 || totals["xicheng"] != nil {
			t.Fatalf("published totals %v", totals)
		}

		// After a publication every change of values or formulas needs a reason; nothing is
		// saved without one, and a write that changes nothing needs none.
		_, dv := mustVersion(t, s, code)
		for name, write := range map[string]func() error{
			"patch": func() error {
				return s.PatchValues(ctx, code, "xinbei", LayerFinal, map[string]any{"res_actual": 98}, "")
			},
			"import": func() error {
				return s.SetValues(WithImport(ctx, "x.csv"), code, LayerSelf, map[string]map[string]any{"xicheng": {"res_actual": 1}}, "")
			},
			"formula": func() error {
				_, _, err := s.UpdateScheme(ctx, code, func(sc *formulas.Scheme) error {
					sc.Items[1].Formula = "10"
					return nil
				}, "", "message is not a reason")
				return err
			},
			"restore": func() error {
				_, _, err := s.RestoreRevision(ctx, code, 1, "")
				return err
			},
		} {
			err := write()
			var se *Error
			if ErrorKind(err) != Invalid || !errors.As(err, &se) || se.Field != "reason" ||
				!strings.Contains(se.Message, "has published results: a change of its values or formulas needs a reason (X-Reason)") {
				t.Errorf("%s without a reason: %v", name, err)
			}
		}
		if rev, dv2 := mustVersion(t, s, code); rev != 1 || dv2 != dv {
			t.Fatalf("refused writes changed the scheme: revision %d, data version %d → %d", rev, dv, dv2)
		}
		if err := s.PatchValues(ctx, code, "xinbei", LayerFinal, map[string]any{"res_actual": 95}, ""); err != nil {
			t.Fatalf("a write that changes nothing: %v", err)
		}

		// Correct a value and a formula; the publication does not move.
		if err := s.PatchValues(WithReason(ctx, "复核更正"), code, "xinbei", LayerFinal, map[string]any{"res_actual": 98}, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UpdateScheme(WithReason(ctx, "细则调整"), code, func(sc *formulas.Scheme) error {
			sc.Items[1].Formula = "clamp(10 - 2 * late_reports, 0, 10)"
			return nil
		}, "", "迟报加倍扣分"); err != nil {
			t.Fatal(err)
		}
		again, err := s.GetPublication(context.Background(), code, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Sheet, got1.Sheet) || again.Hash != got1.Hash || !again.Verify() {
			t.Fatal("publication 1 changed after the scheme changed")
		}
		ev, err := again.Evaluate()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ev.JSON, again.Sheet) {
			t.Fatalf("re-evaluated:\n%s\nstored:\n%s", ev.JSON, again.Sheet)
		}

		p2, err := s.Publish(WithReason(ctx, "复核后再次通报"), code, PublicationSpec{Layer: LayerFinal}, "")
		if err != nil {
			t.Fatal(err)
		}
		if p2.Number != 2 || p2.Revision != 2 || p2.Title != "医疗保障工作考核（测试）" || p2.Hash == p1.Hash {
			t.Fatalf("publication 2: %+v", p2)
		}
		got2, _ := s.GetPublication(context.Background(), code, 2)
		// xinbei 10 − 0.1×2 = 9.8 + (10 − 4) = 15.8.
		if total := sheetTotals(t, got2.Sheet)["xinbei"]; *total != 15.8 {
			t.Fatalf("publication 2: xinbei %v", *total)
		}
		list, n, err := s.Publications(context.Background(), code, Page{})
		if err != nil || n != 2 || list[0].Number != 2 || list[1].Number != 1 || list[1].Hash != p1.Hash {
			t.Fatalf("list %+v %d %v", list, n, err)
		}

		// Nothing changes a publication: the database refuses UPDATE and DELETE, and the scheme
		// cannot be deleted from under it.
		for _, q := range []string{
			"UPDATE publications SET title = 'forged' WHERE number = 1",
			"UPDATE publications SET sheet = '{}'",
			"DELETE FROM publications WHERE number = 2",
			"DELETE FROM publications",
		} {
			if _, err := s.wdb.ExecContext(context.Background(), q); err == nil || !strings.Contains(err.Error(), "publications is append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if err := s.DeleteScheme(ctx, code); ErrorKind(err) != Conflict {
			t.Fatalf("delete a published scheme: %v", err)
		}
		if count(t, s, "publications") != 2 {
			t.Fatal("publications were lost")
		}
		final, _ := s.GetPublication(context.Background(), code, 1)
		if final.Hash != p1.Hash || !final.Verify() || final.Title != "2022年度考核结果" {
			t.Fatalf("publication 1 after the attempts: %+v", final.Publication)
		}

		for _, bad := range []struct {
			spec  PublicationSpec
			field string
		}{
			{PublicationSpec{Layer: "draft"}, "layer"},
			{PublicationSpec{Title: strings.Repeat("标", 201)}, "title"},
			{PublicationSpec{Message: "\xff"}, "message"},
		} {
			_, err := s.Publish(ctx, code, bad.spec, "")
			var se *Error
			if ErrorKind(err) != Invalid || !errors.As(err, &se) || se.Field != bad.field {
				t.Errorf("%+v: %v", bad.spec, err)
			}
		}
		if _, err := s.GetPublication(context.Background(), code, 3); ErrorKind(err) != NotFound {
			t.Fatalf("publication 3: %v", err)
		}
		if _, err := s.Publish(ctx, "nothing", PublicationSpec{}, ""); ErrorKind(err) != NotFound {
			t.Fatalf("publish unknown scheme: %v", err)
		}
	})
}

// TestPublicationReproducible publishes both layers of every seed and evaluates each
// publication's stored document and values again: the sheet is its stored sheet, byte for byte.
func TestPublicationReproducible(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		for _, name := range seeds.Names() {
			data, err := seeds.Read(name)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := DecodeYAML(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if _, _, err := s.CreateScheme(context.Background(), doc, "seed", ""); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, layer := range []string{LayerFinal, LayerSelf} {
				p, err := s.Publish(context.Background(), doc.Code, PublicationSpec{Layer: layer}, "office")
				if err != nil {
					t.Fatalf("%s %s: %v", name, layer, err)
				}
				got, err := s.GetPublication(context.Background(), doc.Code, p.Number)
				if err != nil {
					t.Fatal(err)
				}
				ev, err := got.Evaluate()
				if err != nil {
					t.Fatalf("%s %s: %v", name, layer, err)
				}
				if !bytes.Equal(ev.JSON, got.Sheet) {
					t.Errorf("%s %s: re-evaluation differs from the stored sheet", name, layer)
				}
				if !got.Verify() {
					t.Errorf("%s %s: hash does not verify", name, layer)
				}
				if len(ev.Results) != len(doc.Units) {
					t.Errorf("%s %s: %d rows, want %d", name, layer, len(ev.Results), len(doc.Units))
				}
			}
		}
	})
}
