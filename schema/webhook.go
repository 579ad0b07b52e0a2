package schema

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Events a webhook can subscribe to.
const (
	EventPublicationCreated = "publication.created" // a layer was published
	EventLayerClosed        = "layer.closed"        // a layer closed for entry: by an administrator or its deadline
	EventValuesChanged      = "values.changed"      // values changed: one event per request
	EventSchemeRevised      = "scheme.revised"      // the scheme document was saved as a new revision
	EventPing               = "ping"                // a test delivery to one hook
)

// WebhookEvents are the events a webhook may subscribe to.
var WebhookEvents = []string{EventPublicationCreated, EventLayerClosed, EventValuesChanged, EventSchemeRevised}

// States of a delivery.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // given up after MaxDeliveryAttempts
)

// MaxDeliveryAttempts is how many times a delivery is tried before it is failed.
const MaxDeliveryAttempts = 8

// webhookRow is a row of webhooks.
type webhookRow struct {
	bun.BaseModel `bun:"table:webhooks,alias:wh"`
	ID            int64     `bun:"id,pk,autoincrement"`
	URL           string    `bun:"url"`
	Events        string    `bun:"events"`
	Secret        string    `bun:"secret"`
	Who           string    `bun:"who"`
	CreatedAt     time.Time `bun:"created_at"`
}

// eventRow is a row of webhook_events, the outbox.
type eventRow struct {
	bun.BaseModel `bun:"table:webhook_events,alias:ev"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Event         string    `bun:"event"`
	SchemeCode    string    `bun:"scheme_code"`
	Payload       string    `bun:"payload"`
	CreatedAt     time.Time `bun:"created_at"`
}

// deliveryRow is a row of webhook_deliveries.
type deliveryRow struct {
	bun.BaseModel `bun:"table:webhook_deliveries,alias:d"`
	ID            int64      `bun:"id,pk,autoincrement"`
	HookID        int64      `bun:"hook_id"`
	EventID       int64      `bun:"event_id"`
	Status        string     `bun:"status"`
	Attempts      int        `bun:"attempts"`
	NextAt        time.Time  `bun:"next_at"`
	ClaimedUntil  *time.Time `bun:"claimed_until"`
	LastStatus    int        `bun:"last_status"`
	LastError     string     `bun:"last_error"`
	DeliveredAt   *time.Time `bun:"delivered_at"`
	CreatedAt     time.Time  `bun:"created_at"`
}

// Webhook is a subscription: events of the listed kinds are POSTed to URL, signed with its
// secret (which is shown once, when the hook is created).
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"`
	Who       string    `json:"who"`
	CreatedAt time.Time `json:"created_at"`
}

// WebhookSpec is what an administrator gives to create a webhook: an http(s) URL, the events
// and the secret the deliveries are signed with ("" makes one).
type WebhookSpec struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Secret string   `json:"secret"`
}

// Delivery is one event for one hook: its state, attempts, the last answer and when it was
// delivered. Body is what is POSTed (set for a claimed delivery).
type Delivery struct {
	ID          int64      `json:"id"`
	Hook        int64      `json:"hook"`
	EventID     int64      `json:"event_id"`
	Event       string     `json:"event"`
	Scheme      string     `json:"scheme,omitempty"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	NextAt      time.Time  `json:"next_at"`
	LastStatus  int        `json:"last_status,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	DeliveredAt *time.Time `json:"delivered_at"`
	CreatedAt   time.Time  `json:"created_at"`

	URL    string `json:"-"`
	Secret string `json:"-"`
	Body   []byte `json:"-"`
}

func (r *webhookRow) webhook() Webhook {
	w := Webhook{ID: r.ID, URL: r.URL, Who: r.Who, CreatedAt: r.CreatedAt.UTC()}
	_ = json.Unmarshal([]byte(r.Events), &w.Events)
	return w
}

func (spec *WebhookSpec) problems() []Problem {
	var ps []Problem
	u, err := url.Parse(spec.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(spec.URL) > 2000 {
		ps = append(ps, Problem{Field: "url", Message: fmt.Sprintf("url %q is not an http or https URL", spec.URL)})
	}
	if len(spec.Events) == 0 {
		ps = append(ps, Problem{Field: "events", Message: "events is empty: use " + strings.Join(WebhookEvents, ", ")})
	}
	for i, e := range spec.Events {
		if !slices.Contains(WebhookEvents, e) {
			ps = append(ps, Problem{Field: fmt.Sprintf("events[%d]", i), Message: fmt.Sprintf("unknown event %q: use %s", e, strings.Join(WebhookEvents, ", "))})
		}
	}
	if n := utf8.RuneCountInString(spec.Secret); n > 200 || !utf8.ValidString(spec.Secret) {
		ps = append(ps, Problem{Field: "secret", Message: "the secret must be valid UTF-8 of at most 200 characters"})
	}
	return ps
}

// CreateWebhook saves a subscription. The answer holds the secret, the only time it is shown.
func (s *Store) CreateWebhook(ctx context.Context, spec WebhookSpec, who string) (Webhook, error) {
	if ps := spec.problems(); len(ps) > 0 {
		return Webhook{}, invalid(ps, nil)
	}
	if spec.Secret == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return Webhook{}, fmt.Errorf("schema: make a webhook secret: %w", err)
		}
		spec.Secret = "whsec_" + hex.EncodeToString(b)
	}
	events := slices.Clone(spec.Events)
	slices.Sort(events)
	events = slices.Compact(events)
	data, _ := json.Marshal(events)
	row := &webhookRow{URL: spec.URL, Events: string(data), Secret: spec.Secret, Who: actor(ctx, who), CreatedAt: s.now()}
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx)
		return err
	})
	if err != nil {
		return Webhook{}, wrap(err, "create webhook")
	}
	w := row.webhook()
	w.Secret = spec.Secret
	return w, nil
}

// ListWebhooks lists the webhooks by id (without their secrets).
func (s *Store) ListWebhooks(ctx context.Context, page Page) ([]Webhook, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var rows []webhookRow
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*webhookRow)(nil)).Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return tx.NewSelect().Model(&rows).Order("id").Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx)
	})
	if err != nil {
		return nil, 0, wrap(err, "list webhooks")
	}
	out := make([]Webhook, len(rows))
	for i := range rows {
		out[i] = rows[i].webhook()
	}
	return out, total, nil
}

func getWebhook(ctx context.Context, db bun.IDB, id int64) (*webhookRow, error) {
	row := new(webhookRow)
	err := db.NewSelect().Model(row).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "id", "webhook %d not found", id)
	}
	return row, err
}

// Deliveries lists the deliveries of one webhook, newest first: its delivery log.
func (s *Store) Deliveries(ctx context.Context, hook int64, page Page) ([]Delivery, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var out []Delivery
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getWebhook(ctx, tx, hook); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*deliveryRow)(nil)).Where("hook_id = ?", hook).Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		var rows []deliveryRow
		if err := tx.NewSelect().Model(&rows).Where("hook_id = ?", hook).Order("id DESC").
			Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx); err != nil {
			return err
		}
		out, err = deliveries(ctx, tx, rows)
		return err
	})
	if err != nil {
		return nil, 0, wrap(err, "list deliveries of webhook %d", hook)
	}
	return out, total, nil
}

// deliveries completes delivery rows with their events.
func deliveries(ctx context.Context, db bun.IDB, rows []deliveryRow) ([]Delivery, error) {
	out := make([]Delivery, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].EventID
	}
	var events []eventRow
	if err := db.NewSelect().Model(&events).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	byID := map[int64]*eventRow{}
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	for i, r := range rows {
		d := Delivery{ID: r.ID, Hook: r.HookID, EventID: r.EventID, Status: r.Status, Attempts: r.Attempts,
			NextAt: r.NextAt.UTC(), LastStatus: r.LastStatus, LastError: r.LastError, CreatedAt: r.CreatedAt.UTC()}
		if r.DeliveredAt != nil {
			t := r.DeliveredAt.UTC()
			d.DeliveredAt = &t
		}
		if e := byID[r.EventID]; e != nil {
			d.Event, d.Scheme, d.Body = e.Event, e.SchemeCode, []byte(e.Payload)
		}
		out[i] = d
	}
	return out, nil
}

// PingWebhook enqueues a test event (ping) for one webhook only.
func (s *Store) PingWebhook(ctx context.Context, hook int64) (Delivery, error) {
	var out Delivery
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getWebhook(ctx, tx, hook); err != nil {
			return err
		}
		now := s.now()
		ev, err := insertEvent(ctx, tx, EventPing, "", map[string]any{"hook": hook}, now)
		if err != nil {
			return err
		}
		d := &deliveryRow{HookID: hook, EventID: ev.ID, Status: DeliveryPending, NextAt: now, CreatedAt: now}
		if _, err := tx.NewInsert().Model(d).Returning("id").Exec(ctx); err != nil {
			return err
		}
		out = Delivery{ID: d.ID, Hook: hook, EventID: ev.ID, Event: EventPing, Status: DeliveryPending, NextAt: now, CreatedAt: now}
		return nil
	})
	return out, wrap(err, "ping webhook %d", hook)
}

// eventBody is the JSON POSTed for an event.
type eventBody struct {
	ID     int64  `json:"id"`
	Event  string `json:"event"`
	Scheme string `json:"scheme,omitempty"`
	At     string `json:"at"`
	Data   any    `json:"data"`
}

// insertEvent writes an event to the outbox; its payload is the body every hook receives.
func insertEvent(ctx context.Context, tx bun.IDB, event, scheme string, data any, now time.Time) (*eventRow, error) {
	ev := &eventRow{Event: event, SchemeCode: scheme, Payload: "{}", CreatedAt: now}
	if _, err := tx.NewInsert().Model(ev).Returning("id").Exec(ctx); err != nil {
		return nil, err
	}
	body, err := encodeCompact(eventBody{ID: ev.ID, Event: event, Scheme: scheme, At: now.UTC().Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return nil, err
	}
	ev.Payload = string(body)
	if _, err := tx.NewUpdate().Model(ev).Column("payload").WherePK().Exec(ctx); err != nil {
		return nil, err
	}
	return ev, nil
}

// enqueueEvent records an event in the transaction of the change it reports, with one pending
// delivery per webhook that subscribes to it. Without a subscriber nothing is written.
func enqueueEvent(ctx context.Context, tx bun.IDB, event, scheme string, data any, now time.Time) error {
	var hooks []webhookRow
	if err := tx.NewSelect().Model(&hooks).Column("id", "events").Scan(ctx); err != nil {
		return err
	}
	var ids []int64
	for _, h := range hooks {
		var events []string
		if json.Unmarshal([]byte(h.Events), &events) == nil && slices.Contains(events, event) {
			ids = append(ids, h.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ev, err := insertEvent(ctx, tx, event, scheme, data, now)
	if err != nil {
		return err
	}
	rows := make([]*deliveryRow, len(ids))
	for i, id := range ids {
		rows[i] = &deliveryRow{HookID: id, EventID: ev.ID, Status: DeliveryPending, NextAt: now, CreatedAt: now}
	}
	_, err = tx.NewInsert().Model(&rows).Exec(ctx)
	return err
}

// ClaimDeliveries takes up to limit due deliveries for this process for lease: nobody else
// claims them until the lease ends (after a crash, another process retries them then). On
// PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED, so processes claiming at once take
// different deliveries; on SQLite the one writer does the same. Each claim counts an attempt.
func (s *Store) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]Delivery, error) {
	var out []Delivery
	// A read first: polling an empty outbox must not take SQLite's one writer every second.
	due, err := s.db.NewSelect().Model((*deliveryRow)(nil)).
		Where("status = ? AND next_at <= ?", DeliveryPending, s.now()).Exists(ctx)
	if err != nil || !due {
		return nil, wrap(err, "claim deliveries")
	}
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		q := tx.NewSelect().Model((*deliveryRow)(nil)).Column("id").
			Where("status = ? AND next_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)", DeliveryPending, now, now).
			Order("id").Limit(int64(limit))
		if tx.Dialect().Name() == dialect.PG {
			q = q.For("UPDATE SKIP LOCKED")
		}
		var ids []int64
		if err := q.Scan(ctx, &ids); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		until := now.Add(lease)
		if _, err := tx.NewUpdate().Model((*deliveryRow)(nil)).Set("claimed_until = ?", until).
			Set("attempts = attempts + 1").Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
			return err
		}
		var rows []deliveryRow
		if err := tx.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Order("id").Scan(ctx); err != nil {
			return err
		}
		var err error
		if out, err = deliveries(ctx, tx, rows); err != nil {
			return err
		}
		hooks := map[int64]*webhookRow{}
		for i := range out {
			h := hooks[out[i].Hook]
			if h == nil {
				if h, err = getWebhook(ctx, tx, out[i].Hook); err != nil {
					return err
				}
				hooks[h.ID] = h
			}
			out[i].URL, out[i].Secret = h.URL, h.Secret
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "claim deliveries")
	}
	return out, nil
}

// FinishDelivery records the outcome of an attempt: delivered, or (err set) retried at retry,
// or failed after MaxDeliveryAttempts. status is the receiver's HTTP status (0: no answer).
func (s *Store) FinishDelivery(ctx context.Context, d Delivery, status int, failure string, retry time.Duration) error {
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		q := tx.NewUpdate().Model((*deliveryRow)(nil)).Set("claimed_until = NULL").Set("last_status = ?", status).
			Set("last_error = ?", truncate(failure, 500)).Where("id = ?", d.ID)
		switch {
		case failure == "":
			q = q.Set("status = ?", DeliveryDelivered).Set("delivered_at = ?", now)
		case d.Attempts >= MaxDeliveryAttempts:
			q = q.Set("status = ?", DeliveryFailed)
		default:
			q = q.Set("next_at = ?", now.Add(retry))
		}
		_, err := q.Exec(ctx)
		return err
	})
	return wrap(err, "finish delivery %d", d.ID)
}

// truncate cuts s to at most n bytes on a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
