package schema

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// manualClock is a store clock that only moves when a test moves it.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *manualClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func TestWindows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		clock := &manualClock{now: time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)} // 10:00 in Beijing
		s.Now = clock.Now
		ctx := WithWho(context.Background(), "admin")
		code := "test-medical"
		patch := func(ctx context.Context, layer string) error {
			return s.PatchValues(ctx, code, "xicheng", layer, map[string]any{"res_actual": 7}, "")
		}
		mustState := func(t *testing.T, want ...string) {
			t.Helper()
			ws, err := s.Windows(context.Background(), code)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.Layer+"="+w.State)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("windows %v, want %v", got, want)
			}
		}
		mustConflict := func(t *testing.T, err error, want string) {
			t.Helper()
			if ErrorKind(err) != Conflict || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v, want a conflict saying %q", err, want)
			}
			var se *Error
			if errors.As(err, &se); se.Field != "layer" {
				t.Fatalf("field %q, want layer", se.Field)
			}
		}

		mustState(t, "self=open", "final=open")
		if _, err := s.SetWindow(ctx, code, LayerSelf, WindowSpec{State: WindowClosed}, ""); err != nil {
			t.Fatal(err)
		}
		mustState(t, "self=closed", "final=open")
		_, dv := mustVersion(t, s, code)

		// Every way of writing the self layer is refused, naming the layer and when it closed.
		const closed = "the self layer (自评) of scheme \"test-medical\" closed for entry at 2026-12-10T02:00:00Z"
		mustConflict(t, patch(ctx, LayerSelf), closed)
		mustConflict(t, s.PutValues(ctx, code, "xicheng", LayerSelf, map[string]any{"res_actual": 7}, ""), closed)
		mustConflict(t, s.SetValues(WithImport(ctx, "self.xlsx"), code, LayerSelf,
			map[string]map[string]any{"xicheng": {"res_actual": 7}}, ""), closed)
		doc := mustLoadDoc(t)
		doc.Values = map[string]map[string]map[string]any{LayerSelf: {"xicheng": {"res_actual": 7}}}
		_, _, err := s.ReplaceScheme(ctx, code, doc, "", "")
		mustConflict(t, err, closed)
		if _, dv2 := mustVersion(t, s, code); dv2 != dv {
			t.Fatalf("a refused write changed the data version %d → %d", dv, dv2)
		}
		// The final layer is open.
		if err := patch(ctx, LayerFinal); err != nil {
			t.Fatal(err)
		}

		// Reopening needs a reason.
		_, err = s.SetWindow(ctx, code, LayerSelf, WindowSpec{State: WindowOpen}, "")
		if ErrorKind(err) != Invalid || !strings.Contains(err.Error(), "reopening it needs a reason") {
			t.Fatalf("reopen without reason: %v", err)
		}
		if _, err := s.SetWindow(WithReason(ctx, "西城镇补报"), code, LayerSelf, WindowSpec{State: WindowOpen}, ""); err != nil {
			t.Fatal(err)
		}
		if err := patch(ctx, LayerSelf); err != nil {
			t.Fatal(err)
		}

		// A deadline with a zone: open until 17:00 Beijing time (09:00 UTC), closed from then on.
		deadline := "2026-12-15T17:00:00+08:00"
		if _, err := s.SetWindow(ctx, code, LayerFinal, WindowSpec{State: WindowOpen, ClosesAt: &deadline}, ""); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 12, 15, 8, 59, 59, 0, time.UTC))
		if err := s.PatchValues(ctx, code, "xicheng", LayerFinal, map[string]any{"res_actual": 8}, ""); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
		mustState(t, "self=open", "final=closed")
		mustConflict(t, patch(ctx, LayerFinal), "the final layer (考核) of scheme \"test-medical\" closed for entry at 2026-12-15T17:00:00+08:00")
		ws, _ := s.Windows(context.Background(), code)
		if got := ws[1].ClosedAt.Format(time.RFC3339); got != "2026-12-15T09:00:00Z" {
			t.Fatalf("closed_at %s", got)
		}
		// A passed deadline cannot be set on an open layer.
		past := "2026-12-01T00:00:00+08:00"
		if _, err := s.SetWindow(WithReason(ctx, "x"), code, LayerFinal, WindowSpec{State: WindowOpen, ClosesAt: &past}, ""); ErrorKind(err) != Invalid {
			t.Fatalf("past deadline: %v", err)
		}
		for _, bad := range []WindowSpec{{State: "shut"}, {State: WindowOpen, ClosesAt: ptr("2026-12-15 17:00")}} {
			if _, err := s.SetWindow(ctx, code, LayerSelf, bad, ""); ErrorKind(err) != Invalid {
				t.Fatalf("%+v: %v", bad, err)
			}
		}
		if _, err := s.SetWindow(ctx, code, "draft", WindowSpec{State: WindowOpen}, ""); ErrorKind(err) != Invalid {
			t.Fatalf("unknown layer: %v", err)
		}

		// Closing and reopening are in the history.
		changes, _, err := s.History(context.Background(), code, HistoryQuery{Kind: ChangeLayer}, Page{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range changes {
			got = append(got, c.Action+" "+c.Target+" by "+c.Who+" ("+c.Reason+")")
		}
		want := []string{"open final by admin ()", "open self by admin (西城镇补报)", "close self by admin ()"}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Fatalf("history %q, want %q", got, want)
		}
	})
}
