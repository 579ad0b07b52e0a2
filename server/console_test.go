package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestConsoleAssets checks that / serves the console's page from the binary, with its script
// and stylesheet, under a Content-Security-Policy that allows no inline script, and that the
// browser may revalidate them.
func TestConsoleAssets(t *testing.T) {
	e := newEnv(t)
	noToken := map[string]string{"Authorization": ""}
	csp := map[string]string{"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		"X-Frame-Options": "DENY", "Cache-Control": "no-cache"}
	e.runScenarios(t, []scenario{
		{name: "OK/page", method: "GET", url: "/", header: noToken, status: 200, wantHeader: csp,
			want:    []string{`<div id="app">`, `<script type="module" crossorigin src="/console.js">`, `href="/console.css"`},
			notWant: []string{"https://", "http://", "<script>", "<style"}},
		{name: "OK/script", method: "GET", url: "/console.js", header: noToken, status: 200, wantHeader: csp,
			// (the grid's bundle names Google Fonts for an option the console leaves off; the
			// browser test checks that no request leaves the server)
			want: []string{"/api/v1/schemes/{code}/results"}, notWant: []string{"cdn.jsdelivr", "unpkg.com"}},
		{name: "OK/styles", method: "GET", url: "/console.css", header: noToken, status: 200, wantHeader: csp, notWant: []string{"@import", "url(http"}},
	})
	resp, _ := e.do(t, "GET", "/console.js", "", "", noToken)
	etag := resp.Header.Get("ETag")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") || etag == "" {
		t.Fatalf("script: Content-Type %q, ETag %q", ct, etag)
	}
	// Compressed for a browser that accepts it: the same script, a third of the bytes.
	for _, ae := range []string{"gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "gzip;q=0", "identity", ""} {
		resp, body := e.do(t, "GET", "/console.js", "", "", map[string]string{"Authorization": "", "Accept-Encoding": ae})
		want := ae != "" && ae != "identity" && ae != "gzip;q=0"
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", ae, resp.Header.Get("Content-Encoding"))
			continue
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", ae, resp.Header.Get("Vary"))
		}
		if want {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			_, raw := e.do(t, "GET", "/console.js", "", "", noToken)
			if !bytes.Equal(plain, raw) || len(body)*2 > len(raw) {
				t.Errorf("gzipped script: %d bytes, %d unzipped, %d plain", len(body), len(plain), len(raw))
			}
		}
	}
	e.runScenarios(t, []scenario{{name: "OK/revalidated", method: "GET", url: "/console.js", header: map[string]string{"Authorization": "", "If-None-Match": etag}, status: 304}})
}

// TestCurrentToken checks that every token reads itself (the console learns its role there)
// and that a reason sent percent-encoded after UTF-8” (as a browser must send Chinese text)
// is recorded as text.
func TestCurrentToken(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clerk, _, err := e.store.CreateToken(ctx, schema.TokenSpec{Name: "u1-clerk", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	e.runScenarios(t, []scenario{
		{name: "OK/admin", method: "GET", url: "/api/v1/token", status: 200, want: []string{`"role":"admin"`}, notWant: []string{"secret", `"unit"`}},
		{name: "OK/unit", method: "GET", url: "/api/v1/token", header: map[string]string{"Authorization": bearer(clerk)}, status: 200,
			want: []string{`"name":"u1-clerk"`, `"role":"unit"`, `"scheme":"tiny"`, `"unit":"u1"`}},
		{name: "ErrNoToken", method: "GET", url: "/api/v1/token", header: map[string]string{"Authorization": ""}, status: 401, badRequest: true},
		{name: "OK/encodedReason", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", body: `{"late": 2}`,
			header: map[string]string{"Authorization": bearer(clerk), "X-Reason": "UTF-8''%E6%9C%88%E6%8A%A5%E6%9B%B4%E6%AD%A3"}, status: 200},
		{name: "OK/plainReason", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", body: `{"late": 3}`,
			header: map[string]string{"Authorization": bearer(clerk), "X-Reason": "50%off"}, status: 200},
		{name: "OK/badEncoding", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", body: `{"late": 1}`,
			header: map[string]string{"Authorization": bearer(clerk), "X-Reason": "UTF-8''%E6%9C"}, status: 200},
	})
	changes, _, err := e.store.History(ctx, "tiny", schema.HistoryQuery{Who: "u1-clerk"}, schema.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, c := range changes {
		reasons = append(reasons, c.Reason)
	}
	want := []string{"UTF-8''%E6%9C", "50%off", "月报更正"} // newest first; a broken encoding is kept as sent
	if strings.Join(reasons, "|") != strings.Join(want, "|") {
		t.Errorf("reasons %q, want %q", reasons, want)
	}
}
