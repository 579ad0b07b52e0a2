package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rubric-dev/rubric/schema"
)

// Headers of a webhook delivery.
const (
	HeaderEvent     = "X-Rubric-Event"
	HeaderDelivery  = "X-Rubric-Delivery"
	HeaderTimestamp = "X-Rubric-Timestamp"
	HeaderSignature = "X-Rubric-Signature"
)

// Sign is the signature of a delivery: "sha256=" and the hex HMAC-SHA256, keyed with the
// hook's secret, of the timestamp (Unix seconds, as in X-Rubric-Timestamp), a dot and the
// body. A receiver recomputes it, compares in constant time and rejects old timestamps.
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Dispatcher delivers the events of the store's outbox to their webhooks: it claims due
// deliveries (for Lease, so that several processes on one PostgreSQL never send one twice at
// once), POSTs each signed, and records the outcome, retrying failures with exponential
// backoff. Events are written with the change they report, so a restart loses none: what was
// not delivered is claimed again.
type Dispatcher struct {
	Store    *schema.Store
	Client   *http.Client
	Log      *slog.Logger
	Interval time.Duration // how often the outbox is polled
	Lease    time.Duration // how long a claimed delivery is this process's
	Batch    int           // deliveries claimed at a time
	// Backoff is the wait before attempt n+1 after n failed attempts.
	Backoff func(attempts int) time.Duration
	Now     func() time.Time
}

// NewDispatcher returns a Dispatcher with the defaults: poll every second, 10 s per request,
// a lease of a minute, 20 at a time, backoff 10 s × 2^(n−1) up to an hour.
func NewDispatcher(store *schema.Store, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.Default()
	}
	return &Dispatcher{Store: store, Client: &http.Client{Timeout: 10 * time.Second}, Log: log,
		Interval: time.Second, Lease: time.Minute, Batch: 20, Now: time.Now,
		Backoff: func(n int) time.Duration {
			d := 10 * time.Second << min(max(n-1, 0), 9)
			return min(d, time.Hour)
		}}
}

// Run delivers until ctx is done. Each round first closes the layers whose deadline has
// passed, so that their layer.closed events go out within a round of the deadline.
func (d *Dispatcher) Run(ctx context.Context) {
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	for {
		if _, err := d.Store.CloseDueWindows(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("layer deadlines", "err", err)
		}
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("webhook deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue claims the deliveries that are due and sends them, concurrently; it returns how
// many it sent successfully.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	due, err := d.Store.ClaimDeliveries(ctx, d.Batch, d.Lease)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	var errs []error
	for _, dl := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, failure := d.send(ctx, dl)
			// The outcome is recorded even if ctx ends meanwhile: a sent delivery must not be sent again.
			if err := d.Store.FinishDelivery(context.WithoutCancel(ctx), dl, status, failure, d.Backoff(dl.Attempts)); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			if failure == "" {
				mu.Lock()
				ok++
				mu.Unlock()
			} else {
				d.Log.Warn("webhook delivery failed", "hook", dl.Hook, "delivery", dl.ID, "attempt", dl.Attempts, "status", status, "err", failure)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return ok, errs[0]
	}
	return ok, nil
}

// send POSTs one delivery and says how it went: the status, and "" or why it failed.
func (d *Dispatcher) send(ctx context.Context, dl schema.Delivery) (int, string) {
	ts := d.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.URL, bytes.NewReader(dl.Body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "rubric-webhook")
	req.Header.Set(HeaderEvent, dl.Event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(dl.ID, 10))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(dl.Secret, ts, dl.Body))
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drain for reuse; what is left does not matter
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("the receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}
