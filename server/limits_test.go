package server_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// TestRateLimit makes a token use up its requests of a minute: the next is a 429 with
// Retry-After, another token is not held back, and the token may go on once its time came.
func TestRateLimit(t *testing.T) {
	var mu sync.Mutex
	clock := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	e := newEnvConfig(t, server.Config{RateLimit: 3, Now: now})
	other, _, err := e.store.CreateToken(context.Background(), schema.TokenSpec{Name: "other", Role: schema.RoleViewer}, "test")
	if err != nil {
		t.Fatal(err)
	}
	ok := scenario{name: "OK", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200}
	limited := scenario{name: "ErrLimited", method: "GET", url: "/api/v1/schemes/tiny/items", status: 429,
		want: []string{`"type":"/docs#problem-too-many-requests"`, "more than 3 requests in a minute"}, wantHeader: map[string]string{"Retry-After": "20"}}
	e.runScenarios(t, []scenario{ok, ok, ok, limited,
		{name: "OK/otherToken", method: "GET", url: "/api/v1/schemes/tiny/items", header: map[string]string{"Authorization": bearer(other)}, status: 200},
		{name: "OK/public", method: "GET", url: "/healthz", status: 200}})
	mu.Lock()
	clock = clock.Add(20 * time.Second)
	mu.Unlock()
	e.runScenarios(t, []scenario{{name: "OK/later", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200}, limited})
}

// TestCORS checks that no origin may call the API from a browser unless configured, and then
// only the allowed ones.
func TestCORS(t *testing.T) {
	preflight := map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "PATCH",
		"Access-Control-Request-Headers": "Authorization, X-Reason"}
	for _, c := range []struct {
		name    string
		origins []string
		origin  string
		allowed string // Access-Control-Allow-Origin, "" for none
	}{
		{"Off", nil, "https://app.example", ""},
		{"Allowed", []string{"https://app.example"}, "https://app.example", "https://app.example"},
		{"Other", []string{"https://app.example"}, "https://evil.example", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnvConfig(t, server.Config{CORSOrigins: c.origins})
			resp, body := e.do(t, "GET", "/api/v1/schemes", "", "", map[string]string{"Origin": c.origin})
			if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != c.allowed {
				t.Errorf("GET: %d, Access-Control-Allow-Origin %q, want %q\n%s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), c.allowed, body)
			}
			preflight["Origin"] = c.origin
			resp, _ = e.do(t, "OPTIONS", "/api/v1/schemes/tiny/units/u1/values", "", "", preflight)
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != c.allowed {
				t.Errorf("preflight: %d, Access-Control-Allow-Origin %q, want %q", resp.StatusCode, got, c.allowed)
			}
			if c.allowed != "" && (resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Headers") == "") {
				t.Errorf("preflight: %d, headers %v", resp.StatusCode, resp.Header)
			}
		})
	}
}

// TestDocsSecurityHeaders checks that /docs may run scripts of this server only, no inline
// script, reach no other origin and be framed by no page.
func TestDocsSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	e.runScenarios(t, []scenario{{name: "OK", method: "GET", url: "/docs", status: 200, wantHeader: map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	}}})
}
