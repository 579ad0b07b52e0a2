package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// docsWidth is the width of the phone /docs is read on in TestDocsBrowser (an iPhone 12–15's
// viewport, CSS pixels).
const docsWidth = 390

// TestDocsBrowser reads /docs as a developer on a phone would, in headless Chromium at 390 px
// against the real server: the page fits the screen (no sideways scrolling, also with an
// operation and its examples open), search finds the results operation, "try it" sends a real
// request with the Bearer token typed into the page and shows the server's 200 answer, a
// problem type's link (/docs#problem-not-found) lands on the list of problem types, and no
// request goes anywhere but the server: not a font, not a script, not telemetry.
func TestDocsBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	ctx := newBrowser(t)
	s := startConsoleServer(t)
	p := newPage(t, ctx, screenshotDir(t))
	p.origin = s.url
	// Every request the page makes, as "METHOD URL", and the Authorization each sent (which
	// Chromium reports in a second event, with the headers as they went out).
	var mu sync.Mutex
	var requests []string
	urls := map[network.RequestID]string{}
	auth := map[string]string{}
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.Method+" "+e.Request.URL)
			urls[e.RequestID] = e.Request.URL
		case *network.EventRequestWillBeSentExtraInfo:
			for k, v := range e.Headers {
				if a, ok := v.(string); ok && strings.EqualFold(k, "Authorization") {
					auth[e.RequestID.String()] = a
				}
			}
		}
	})
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.seen == 0 {
			t.Errorf("no request seen: the check of remote requests does not work")
		}
		if len(p.remote) > 0 {
			t.Errorf("/docs made requests beyond the server: %q", p.remote)
		}
		if len(p.errors) > 0 {
			t.Errorf("the page reported errors: %q", p.errors)
		}
	}()

	// Every breach of the page's Content-Security-Policy (a font, script or request to another
	// origin, an inline script, eval) is recorded in window.cspViolations.
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := cdppage.AddScriptToEvaluateOnNewDocument(`window.cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI))`).Do(ctx)
		return err
	}))
	checkCSP := func(when string) {
		t.Helper()
		var v []string
		p.eval(`window.cspViolations`, &v)
		if len(v) > 0 {
			t.Errorf("%s: the page breached its Content-Security-Policy: %q", when, v)
		}
	}
	p.run(chromedp.EmulateViewport(docsWidth, 844))
	p.goTo(s.url + "/docs")
	p.waitJS(`document.body.innerText.includes("rubric scores performance assessments")`, "the description of the contract")
	p.waitJS(`document.body.innerText.includes("Problem types")`, "the whole description")
	checkFits := func(when string) {
		t.Helper()
		var w struct{ Doc, Body int }
		p.eval(`({Doc: document.documentElement.scrollWidth, Body: document.body.scrollWidth})`, &w)
		if w.Doc > docsWidth+1 || w.Body > docsWidth+1 {
			p.shot("docs-too-wide")
			t.Errorf("%s: the page is %d px wide (body %d) on a %d px screen", when, w.Doc, w.Body, docsWidth)
		}
	}
	checkFits("loaded")
	p.shot("docs-390")

	// Search, as a person on a phone: open the menu, then the search, type "results".
	p.click(`button.scalar-icon-button`) // the menu (打开菜单), the one icon button of the header
	p.waitJS(`[...document.querySelectorAll("button")].some(b => b.offsetParent && b.textContent.includes("打开搜索"))`, "the search button")
	p.eval(`[...document.querySelectorAll("button")].find(b => b.offsetParent && b.textContent.includes("打开搜索")).click(), true`, new(bool))
	p.waitJS(`document.querySelector('input[type="search"]')`, "the search box")
	p.run(chromedp.SendKeys(`input[type="search"]`, "results", chromedp.ByQuery))
	const sheetOp = `search-result-api-1/tag/results/GET/api/v1/schemes/{code}/results`
	p.waitJS(fmt.Sprintf(`document.getElementById(%q)`, sheetOp), "the results operation among the search results")
	if got := p.text(fmt.Sprintf(`[id=%q]`, sheetOp)); !strings.Contains(got, "get") || !strings.Contains(got, "/api/v1/schemes/{code}/results") {
		t.Errorf("search result %q", got)
	}
	p.shot("docs-search")
	p.click(fmt.Sprintf(`[id=%q]`, sheetOp))
	p.waitJS(`location.hash === "#tag/results/GET/api/v1/schemes/{code}/results"`, "the results operation's address")
	p.waitJS(`document.querySelector("button.show-api-client-button")`, "the operation's try-it button")
	checkFits("an operation with its examples open")

	// Try it: the client opens with this server and the example scheme filled in; type the
	// token, send, and the server's answer is shown.
	const client = `[...document.querySelectorAll("[role=dialog]")].find(d => d.offsetParent && d.querySelector("input.scalar-password-input"))`
	// On a loaded machine a click can land before the renderer has wired the button (the page
	// hydrates lazily); like a person, click again while the client has not opened.
	for range 15 {
		p.click(`button.show-api-client-button`)
		var open bool
		for range 10 {
			if p.eval("!!("+client+")", &open); open {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if open {
			break
		}
	}
	p.waitJS(client, "the client with its token field")
	p.eval(client+`.querySelector("input.scalar-password-input").id = "docs-token", true`, new(bool))
	p.run(chromedp.SendKeys(`#docs-token`, testAdminToken, chromedp.ByQuery))
	var shown string
	p.eval(client+`.innerText`, &shown)
	if !strings.Contains(shown, s.url) || !strings.Contains(shown, "rugao-2022-medical") {
		t.Errorf("the client does not show this server and the example scheme:\n%.1500s", shown)
	}
	p.eval(`[...`+client+`.querySelectorAll("button")].find(b => b.textContent.includes("发送")).click(), true`, new(bool))
	p.waitJS(client+`.innerText.includes("200 OK")`, "the answer's status")
	p.waitJS(client+`.innerText.includes('"scheme": "rugao-2022-medical"')`, "the answer's body")
	checkFits("the client with an answer")
	checkCSP("search and try it")
	p.shot("docs-try")
	mu.Lock()
	sent := ""
	for _, r := range requests {
		if strings.HasPrefix(r, "GET "+s.url+"/api/v1/schemes/rugao-2022-medical/results") {
			sent = strings.TrimPrefix(r, "GET ")
		}
	}
	sentAuth := ""
	for id, u := range urls {
		if u == sent {
			sentAuth = auth[id.String()]
		}
	}
	if sent == "" || sentAuth != "Bearer "+testAdminToken {
		t.Errorf("try it sent no results request with the token: %q, Authorization %q", requests, sentAuth)
	}
	mu.Unlock()
	var sheet []byte // the same request outside the browser: the answer the page showed is the server's
	if code := (&consoleServer{url: s.url}).call(t, testAdminToken, http.MethodGet, strings.TrimPrefix(sent, s.url), "", &sheet); code != http.StatusOK {
		t.Errorf("%s: %d", sent, code)
	}

	// A problem type links here: /docs#problem-not-found shows the list of problem types.
	p.goTo("about:blank")
	p.goTo(s.url + "/docs#problem-not-found")
	p.waitJS(`location.hash === "#description/problem-types"`, "the problem types' address")
	p.waitJS(`document.body.innerText.includes("/docs#problem-not-found")`, "the problem types")
	checkFits("the problem types")
	p.shot("docs-problems")
	checkCSP("the problem types")
	// The check itself: an inline script is a breach it sees.
	p.eval(`(() => { const s = document.createElement("script"); s.textContent = "1"; document.body.append(s); return true })()`, new(bool))
	p.waitJS(`window.cspViolations.length === 1 && window.cspViolations[0].startsWith("script-src")`, "the inline script's breach")
}
