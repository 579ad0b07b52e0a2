package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocsAssets checks that /docs serves Scalar's renderer from the binary: the page names
// its assets by content hash, each is served with a year's caching, an ETag and gzip, under
// the page's Content-Security-Policy; the configuration turns off everything that would reach
// another origin. (cmd/rubric's TestDocsBrowser drives the page in Chromium.)
func TestDocsAssets(t *testing.T) {
	e := newEnv(t)
	noToken := map[string]string{"Authorization": ""}
	const csp = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	resp, page := e.do(t, "GET", "/docs", "", "", noToken)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("ETag") == "" ||
		resp.Header.Get("Content-Security-Policy") != csp {
		t.Fatalf("/docs: %d, headers %v", resp.StatusCode, resp.Header)
	}
	names := regexp.MustCompile(`"/docs/([a-z]+\.[0-9a-f]{12}\.(?:js|css))"`).FindAllStringSubmatch(string(page), -1)
	if len(names) != 3 {
		t.Fatalf("the page names %d assets, want 3 (renderer, configuration, styles)\n%s", len(names), page)
	}
	for _, w := range []string{"unsafe-eval", "unsafe-inline'; script", "https:", "http:"} {
		if strings.Contains(csp, w) {
			t.Errorf("CSP has %q", w)
		}
	}

	year := map[string]string{"Cache-Control": "public, max-age=31536000, immutable", "Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff"}
	var scenarios []scenario
	for _, n := range names {
		var want, notWant []string
		switch {
		case strings.HasPrefix(n[1], "scalar."):
			want = []string{"createApiReference"}
			// No eval: the CSP allows none, and the renderer needs none.
			notWant = []string{"new Function(", " eval("}
		case strings.HasPrefix(n[1], "docs.") && strings.HasSuffix(n[1], ".js"):
			want = []string{`url: "/openapi.yaml"`, "servers: [{ url: window.location.origin", `preferredSecurityScheme: "bearer"`,
				"persistAuth: false", "withDefaultFonts: false", "telemetry: false", "agent: { disabled: true }", "mcp: { disabled: true }"}
			notWant = []string{"proxyUrl", "https://"}
		default:
			want = []string{"--scalar-font:"}
			notWant = []string{"@import", "url("}
		}
		scenarios = append(scenarios, scenario{name: "OK/" + n[1], method: "GET", url: "/docs/" + n[1], header: noToken, status: 200,
			wantHeader: year, want: want, notWant: notWant})
	}
	scenarios = append(scenarios,
		scenario{name: "ErrUnknown", method: "GET", url: "/docs/scalar.000000000000.js", header: noToken, status: 404,
			want: []string{`"type":"/docs#problem-not-found"`, `no file \"scalar.000000000000.js\" in /docs`}},
		scenario{name: "ErrPage", method: "GET", url: "/docs/index.html", header: noToken, status: 404, badRequest: true})
	e.runScenarios(t, scenarios)

	// The renderer: gzipped for a browser that takes it (a third of its 4.8 MB, or less),
	// revalidated by its ETag.
	url := "/docs/" + docsAsset()
	_, raw := e.do(t, "GET", url, "", "", noToken)
	resp, body := e.do(t, "GET", url, "", "", map[string]string{"Authorization": "", "Accept-Encoding": "gzip, deflate, br"})
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("%s: Content-Encoding %q, Vary %q", url, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, raw) || len(body)*3 > len(raw) {
		t.Errorf("gzipped %s: %d bytes, %d unzipped, %d plain", url, len(body), len(plain), len(raw))
	}
	e.runScenarios(t, []scenario{
		{name: "OK/revalidated", method: "GET", url: url, header: map[string]string{"Authorization": "", "If-None-Match": resp.Header.Get("ETag")}, status: 304},
		{name: "OK/pageRevalidated", method: "GET", url: "/docs", header: map[string]string{"Authorization": "", "If-None-Match": e.etagOf(t, "/docs")}, status: 304},
	})
}

// docsAsset is the name of the renderer's file among the built assets of /docs.
func docsAsset() string {
	entries, _ := os.ReadDir("docs")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "scalar.") {
			return e.Name()
		}
	}
	return "scalar.missing.js"
}

// etagOf is the ETag of a public GET.
func (e *env) etagOf(t *testing.T, url string) string {
	t.Helper()
	resp, _ := e.do(t, "GET", url, "", "", map[string]string{"Authorization": ""})
	return resp.Header.Get("ETag")
}
