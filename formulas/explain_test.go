package formulas

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

func mustMini(t *testing.T) *Sheet {
	t.Helper()
	text, err := os.ReadFile("testdata/sheet_mini.json")
	if err != nil {
		t.Fatal(err)
	}
	var c sheetCase
	if err := json.Unmarshal(text, &c); err != nil {
		t.Fatal(err)
	}
	p, _, err := Compile(&c.Scheme)
	if err != nil {
		t.Fatal(err)
	}
	return p.Evaluate(c.Rows)
}

func cellOf(t *testing.T, ex *Explanation, code string) CellExplanation {
	t.Helper()
	for _, c := range ex.Cells {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("no cell %s", code)
	return CellExplanation{}
}

func TestExplain(t *testing.T) {
	sh := mustMini(t)
	t.Run("OK", func(t *testing.T) {
		ex, err := sh.Explain("c")
		if err != nil {
			t.Fatal(err)
		}
		// c: quality = 10 − 4 × 3 = −2, floored at 0.
		q := cellOf(t, ex, "quality")
		if q.Raw != -2.0 || q.Value != 0.0 || q.Clamp != "raw -2, floor 0 of a score item" {
			t.Errorf("quality: raw %v value %v clamp %q", q.Raw, q.Value, q.Clamp)
		}
		if want := []Input{{Name: "cases", Title: "差错件数", Value: 3.0}}; !reflect.DeepEqual(q.Inputs, want) {
			t.Errorf("quality inputs %+v, want %+v", q.Inputs, want)
		}
		// c ties b at 95% in 主功能区, which has 3 complete units.
		place := cellOf(t, ex, "place")
		if len(place.Columns) != 1 {
			t.Fatalf("place columns %+v", place.Columns)
		}
		col := place.Columns[0]
		if col.Function != "rank" || col.Column != "rate" || col.Key != "主功能区" || col.Value != 2.0 ||
			col.GroupSize != 3 || !reflect.DeepEqual(col.Ties, []string{"b"}) {
			t.Errorf("place column %+v", col)
		}
		if ex.GroupRank == nil || *ex.GroupRank.Rank != 3 || ex.GroupRank.Group != "主功能区" || ex.GroupRank.GroupSize != 3 {
			t.Errorf("group rank %+v", ex.GroupRank)
		}
	})
	t.Run("OKCapAndVeto", func(t *testing.T) {
		ex, _ := sh.Explain("a")
		if x := cellOf(t, ex, "extra"); x.Clamp != "raw 3, capped at max_points 2 of a bonus item" {
			t.Errorf("extra clamp %q", x.Clamp)
		}
		ex, _ = sh.Explain("e")
		if !ex.Vetoed || ex.Total.Clamp != "raw 20.55, set to 0 by the veto (一票否决)" || ex.Total.Value != 0.0 {
			t.Errorf("veto: vetoed %v total %+v", ex.Vetoed, ex.Total)
		}
	})
	t.Run("OKMissing", func(t *testing.T) {
		ex, _ := sh.Explain("f")
		done := cellOf(t, ex, "done")
		if done.Value != nil || done.Null != "needs actual" || !reflect.DeepEqual(ex.Missing, []string{"actual"}) {
			t.Errorf("done %+v missing %v", done, ex.Missing)
		}
	})
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		if _, err := sh.Explain("nobody"); err == nil {
			t.Error("no error")
		}
	})
}
