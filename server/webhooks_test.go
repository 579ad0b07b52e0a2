package server_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// receiver is a webhook endpoint on loopback that checks every delivery's signature and
// counts the events it gets by id; failFirst answers 500 to the first request of an event.
type receiver struct {
	t      testing.TB
	secret string
	srv    *httptest.Server

	mu        sync.Mutex
	got       map[int64]int    // event id → deliveries received
	kinds     map[int64]string // event id → event
	failFirst map[string]bool  // event → fail its first request
	failed    map[int64]bool
}

func newReceiver(t testing.TB, secret string) *receiver {
	r := &receiver{t: t, secret: secret, got: map[int64]int{}, kinds: map[int64]string{}, failFirst: map[string]bool{}, failed: map[int64]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ts, err := strconv.ParseInt(req.Header.Get(server.HeaderTimestamp), 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)) > 5*time.Minute {
		r.t.Errorf("bad timestamp %q", req.Header.Get(server.HeaderTimestamp))
	}
	if want := server.Sign(r.secret, ts, body); !hmac.Equal([]byte(want), []byte(req.Header.Get(server.HeaderSignature))) {
		r.t.Errorf("bad signature %q for %s", req.Header.Get(server.HeaderSignature), body)
		w.WriteHeader(401)
		return
	}
	var ev struct {
		ID    int64
		Event string
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event != req.Header.Get(server.HeaderEvent) {
		r.t.Errorf("body %s, event header %q", body, req.Header.Get(server.HeaderEvent))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failFirst[ev.Event] && !r.failed[ev.ID] {
		r.failed[ev.ID] = true
		w.WriteHeader(500)
		return
	}
	r.got[ev.ID]++
	r.kinds[ev.ID] = ev.Event
}

// events is the received events by kind, and an error for an event received twice.
func (r *receiver) events() (map[string]int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for id, n := range r.got {
		if n != 1 {
			return nil, fmt.Errorf("event %d (%s) received %d times", id, r.kinds[id], n)
		}
		out[r.kinds[id]]++
	}
	return out, nil
}

func TestWebhookRoutes(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, "s3cret")
	e.run(t, []scenario{
		{name: "OK/create", method: "POST", url: "/api/v1/webhooks", body: `{"url":"` + rc.srv.URL + `/hook","events":["publication.created","values.changed"],"secret":"s3cret"}`,
			status: 201, want: []string{`"id":1`, `"events":["publication.created","values.changed"]`, `"secret":"s3cret"`, `"who":"admin-env"`}},
		{name: "OK/create makes a secret", method: "POST", url: "/api/v1/webhooks", body: `{"url":"http://127.0.0.1:9/x","events":["layer.closed"]}`,
			status: 201, want: []string{`"id":2`, `"secret":"whsec_`}},
		{name: "ErrURL", method: "POST", url: "/api/v1/webhooks", body: `{"url":"ftp://127.0.0.1/x","events":["layer.closed"]}`, status: 422, want: []string{`"field":"url"`}, badRequest: true},
		{name: "ErrEvent", method: "POST", url: "/api/v1/webhooks", body: `{"url":"http://127.0.0.1/x","events":["values.deleted"]}`, status: 422, want: []string{`events[0]`}, badRequest: true},
		{name: "OK/list", method: "GET", url: "/api/v1/webhooks", status: 200, want: []string{`"total":2`}, notWant: []string{"s3cret", "whsec_"}},
		{name: "OK/ping", method: "POST", url: "/api/v1/webhooks/1/ping", status: 202, want: []string{`"event":"ping","status":"pending"`}},
		{name: "OK/values", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 2}`, status: 200},
		{name: "OK/deliveries", method: "GET", url: "/api/v1/webhooks/1/deliveries", status: 200,
			want: []string{`"total":2`, `"event":"values.changed","scheme":"tiny","status":"pending","attempts":0`, `"event":"ping"`}},
		{name: "ErrPingNotFound", method: "POST", url: "/api/v1/webhooks/9/ping", status: 404},
		{name: "ErrDeliveriesNotNumber", method: "GET", url: "/api/v1/webhooks/x/deliveries", status: 400, badRequest: true},
	})
}

// TestWebhookDelivery enqueues one event of each kind with no dispatcher running, "restarts"
// rubric (closes the store, opens another on the same database), and delivers: the receiver
// gets each event once, signed; a failed delivery is retried; then two stores (two processes)
// on one database deliver 40 events concurrently, each once.
func TestWebhookDelivery(t *testing.T) {
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			if engine == schematest.Postgres {
				schematest.StartPostgres(t)
			}
			ctx := context.Background()
			dsn := schematest.DSN(t, engine)
			first, err := schema.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			mustCreate(t, first, mustRead(t, "testdata/tiny.json"), false)
			rc := newReceiver(t, "s3cret")
			rc.failFirst["layer.closed"] = true
			admin := schema.WithWho(ctx, "admin")
			hook, err := first.CreateWebhook(admin, schema.WebhookSpec{URL: rc.srv.URL, Secret: "s3cret", Events: schema.WebhookEvents}, "")
			if err != nil {
				t.Fatal(err)
			}
			// One request, two units: one values.changed event.
			if err := first.SetValues(admin, "tiny", schema.LayerFinal, map[string]map[string]any{"u1": {"late": 1}, "u2": {"late": 0}}, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := first.SetWindow(admin, "tiny", schema.LayerSelf, schema.WindowSpec{State: schema.WindowClosed}, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := first.Publish(admin, "tiny", schema.PublicationSpec{}, ""); err != nil {
				t.Fatal(err)
			}
			if err := first.DeleteUnit(schema.WithReason(admin, "merged"), "tiny", "u3"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := first.UpdateScheme(schema.WithReason(admin, "细则"), "tiny", func(sc *formulas.Scheme) error {
				sc.Title = "Tiny 2"
				return nil
			}, "", ""); err != nil {
				t.Fatal(err)
			}
			if err := first.Close(); err != nil { // the restart: nothing was delivered yet
				t.Fatal(err)
			}

			second, err := schema.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer second.Close()
			d := server.NewDispatcher(second, discardLogger())
			d.Backoff = func(int) time.Duration { return 0 }
			for range 3 {
				if _, err := d.DeliverDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got, err := rc.events()
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"values.changed": 1, "layer.closed": 1, "publication.created": 1, "scheme.revised": 1}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("received %v, want %v", got, want)
			}
			log, _, err := second.Deliveries(ctx, hook.ID, schema.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, dl := range log {
				wantAttempts := 1
				if dl.Event == "layer.closed" {
					wantAttempts = 2 // the receiver failed the first
				}
				if dl.Status != schema.DeliveryDelivered || dl.Attempts != wantAttempts || dl.LastStatus != 200 || dl.DeliveredAt == nil {
					t.Errorf("delivery %+v", dl)
				}
			}

			// Two processes, one database: 40 events, each delivered once.
			third, err := schema.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer third.Close()
			for i := range 40 {
				if err := second.PatchValues(schema.WithReason(admin, "load"), "tiny", "u1", schema.LayerFinal, map[string]any{"actual": 50 + i}, ""); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			for _, s := range []*schema.Store{second, third} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := server.NewDispatcher(s, discardLogger())
					d.Batch = 3
					for range 40 {
						if _, err := d.DeliverDue(ctx); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			got, err = rc.events()
			if err != nil {
				t.Fatal(err)
			}
			if got["values.changed"] != 41 {
				t.Fatalf("received %v, want 41 values.changed", got)
			}
		})
	}
}
