package schema

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestCloseDueWindows checks that a deadline passing is recorded once as the layer closing:
// closed at the deadline, an audit entry by rubric with its reason, one layer.closed event,
// however many callers race to record it; and that a layer reopened later is not closed again.
func TestCloseDueWindows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		clock := &manualClock{now: time.Date(2026, 12, 15, 8, 0, 0, 0, time.UTC)}
		s.Now = clock.Now
		ctx := WithWho(context.Background(), "admin")
		code := "test-medical"
		hook, err := s.CreateWebhook(ctx, WebhookSpec{URL: "http://127.0.0.1:9/x", Events: []string{EventLayerClosed}}, "")
		if err != nil {
			t.Fatal(err)
		}
		deadline := "2026-12-15T17:00:00+08:00" // 09:00 UTC
		if _, err := s.SetWindow(ctx, code, LayerSelf, WindowSpec{State: WindowOpen, ClosesAt: &deadline}, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CloseDueWindows(context.Background()); err != nil || n != 0 {
			t.Fatalf("before the deadline: closed %d, %v", n, err)
		}

		clock.Set(time.Date(2026, 12, 15, 9, 0, 3, 0, time.UTC))
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Go(func() {
				n, err := s.CloseDueWindows(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if total != 1 {
			t.Fatalf("4 racing callers closed %d layers, want 1", total)
		}

		ws, err := s.Windows(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		if ws[0].State != WindowClosed || ws[0].ClosedAt.Format(time.RFC3339) != "2026-12-15T09:00:00Z" || ws[0].Who != "admin" {
			t.Fatalf("self window %+v: want closed at the deadline 09:00:00Z, set by admin", ws[0])
		}
		changes, _, err := s.History(context.Background(), code, HistoryQuery{Kind: ChangeLayer}, Page{})
		if err != nil {
			t.Fatal(err)
		}
		if c := changes[0]; c.Action != ActionClose || c.Target != LayerSelf || c.Who != SystemWho || c.Reason != DeadlineReason {
			t.Fatalf("newest layer change %+v: want close self by %s (%s)", c, SystemWho, DeadlineReason)
		}
		ds, n, err := s.Deliveries(context.Background(), hook.ID, Page{})
		if err != nil || n != 1 || ds[0].Event != EventLayerClosed {
			t.Fatalf("deliveries %+v (%d, %v): want one layer.closed", ds, n, err)
		}
		due, err := s.ClaimDeliveries(context.Background(), 10, time.Minute)
		if err != nil || len(due) != 1 {
			t.Fatalf("claim: %d, %v", len(due), err)
		}
		var body struct {
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(due[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Data["layer"] != LayerSelf || body.Data["who"] != SystemWho || body.Data["closes_at"] != deadline ||
			body.Data["closed_at"] != "2026-12-15T09:00:00Z" {
			t.Fatalf("event data %v", body.Data)
		}

		// Reopened with a reason and no deadline: nothing is due any more.
		if _, err := s.SetWindow(WithReason(ctx, "补报"), code, LayerSelf, WindowSpec{State: WindowOpen}, ""); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CloseDueWindows(context.Background()); err != nil || n != 0 {
			t.Fatalf("after reopening: closed %d, %v", n, err)
		}
	})
}
