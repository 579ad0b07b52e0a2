package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"

	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The console's browser tests drive the page rubric serves at / in headless Chromium, against
// the real server (in process, on a temporary SQLite database with the seeds). Without a
// browser they skip (they fail with RUBRIC_REQUIRE_BROWSER=1, as in .ci/run, which installs
// Debian's chromium).

// chromiumPath finds the browser: RUBRIC_CHROMIUM, else chromium, chromium-browser or
// google-chrome on the PATH.
func chromiumPath() string {
	if p := os.Getenv("RUBRIC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// consoleServer is rubric serve in process with the seeds, an admin token and no rate limit.
type consoleServer struct {
	url string
}

func startConsoleServer(t testing.TB) *consoleServer {
	t.Helper()
	m := NewMain()
	m.Addr, m.DB, m.Seed = "127.0.0.1:0", filepath.Join(t.TempDir(), "rubric.db"), true
	m.AdminToken, m.RateLimit = testAdminToken, -1
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Close()
		<-m.Done()
	})
	return &consoleServer{url: m.URL()}
}

// call makes an API request with a token and decodes a JSON answer into v (when not nil).
func (s *consoleServer) call(t testing.TB, secret, method, path, body string, v any) int {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if v != nil {
		if b, ok := v.(*[]byte); ok {
			*b = data
		} else if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s %s: %v\n%.300s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// newBrowser starts headless Chromium with a fresh profile, or skips the test without one.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" && os.Getenv("RUBRIC_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium, and RUBRIC_REQUIRE_BROWSER=1: install it (apt-get install chromium) or set RUBRIC_CHROMIUM")
	}
	if path == "" {
		t.Skip("no Chromium: install it (apt-get install chromium) or set RUBRIC_CHROMIUM to the browser's path to run the console's browser tests")
	}
	// A fresh profile, removed after the browser's helpers are gone (they may still write to it
	// as the browser exits, so t.TempDir's strict removal would fail).
	profile, err := os.MkdirTemp("", "rubric-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.WindowSize(1440, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Skipf("Chromium at %s does not start (%v): set RUBRIC_CHROMIUM to a working browser", path, err)
	}
	return ctx
}

// page drives one browser tab in a test.
type page struct {
	t      testing.TB
	ctx    context.Context
	dir    string // screenshots
	mu     sync.Mutex
	errors []string // the page's uncaught exceptions and console errors
	remote []string // requests to anywhere but the server
	seen   int      // requests seen
	origin string   // the server's URL
}

// newPage opens a tab that records the page's errors, to report them when a wait fails.
func newPage(t testing.TB, ctx context.Context, dir string) *page {
	p := &page{t: t, ctx: ctx, dir: dir}
	chromedp.ListenTarget(ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			p.mu.Lock()
			p.seen++
			if p.origin != "" && !strings.HasPrefix(u, p.origin+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				p.remote = append(p.remote, u)
			}
			p.mu.Unlock()
			return
		case *runtime.EventExceptionThrown:
			msg = e.ExceptionDetails.Error()
		case *runtime.EventConsoleAPICalled:
			if e.Type != runtime.APITypeError && e.Type != runtime.APITypeWarning {
				return
			}
			for _, a := range e.Args {
				msg += string(a.Value) + " " + a.Description + " "
			}
		default:
			return
		}
		p.mu.Lock()
		p.errors = append(p.errors, msg)
		p.mu.Unlock()
	})
	return p
}

func (p *page) run(actions ...chromedp.Action) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression into v.
func (p *page) eval(js string, v any) {
	p.t.Helper()
	p.run(chromedp.Evaluate(js, v))
}

// text is the text of the first element sel selects ("" when there is none).
func (p *page) text(sel string) string {
	p.t.Helper()
	var s string
	p.eval(fmt.Sprintf(`document.querySelector(%q)?.textContent ?? ""`, sel), &s)
	return s
}

// waitJS waits until a JavaScript expression is true, failing with what after 20 s.
func (p *page) waitJS(js, what string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		p.eval("!!("+js+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var body string
			p.eval(`document.body.innerText.slice(0, 2000)`, &body)
			p.mu.Lock()
			errs := strings.Join(p.errors, "\n")
			p.mu.Unlock()
			p.shot("failed")
			p.t.Fatalf("waiting for %s: timed out; the page says:\n%s\nits errors:\n%s", what, body, errs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the element sel holds substr.
func (p *page) waitText(sel, substr string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").includes(%q)`, sel, substr), fmt.Sprintf("%s to hold %q", sel, substr))
}

// click clicks the first element sel selects, once it exists.
func (p *page) click(sel string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`document.querySelector(%q)`, sel), sel)
	p.run(chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
}

// fill replaces the value of an input with text, typed.
func (p *page) fill(sel, text string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`document.querySelector(%q)`, sel), sel)
	p.choose(sel, "", "input") // chromedp.Clear leaves a number input's value
	p.run(chromedp.SendKeys(sel, text, chromedp.ByQuery))
	var got string
	p.eval(fmt.Sprintf(`document.querySelector(%q).value`, sel), &got)
	if got != text {
		p.t.Fatalf("%s holds %q after typing %q", sel, got, text)
	}
}

// choose sets the value of an input or select as a person would, announcing it with event
// (input or change).
func (p *page) choose(sel, value, event string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`document.querySelector(%q)`, sel), sel)
	p.eval(fmt.Sprintf(`(e => { e.value = %q; e.dispatchEvent(new Event(%q, {bubbles: true})); return true })(document.querySelector(%q))`, value, event, sel), new(bool))
}

// goTo opens a route of the console.
func (p *page) goTo(url string) {
	p.t.Helper()
	p.run(chromedp.Navigate(url))
}

// shot saves a screenshot of the page as name.png in the screenshot directory.
func (p *page) shot(name string) {
	p.t.Helper()
	var buf []byte
	p.run(chromedp.CaptureScreenshot(&buf))
	if err := os.WriteFile(filepath.Join(p.dir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// signIn signs in on the console's first page with a token's secret.
func (p *page) signIn(url, secret string) {
	p.t.Helper()
	p.goTo(url + "/")
	p.fill("#token", secret)
	p.click("#signin")
	p.waitJS(`document.querySelector("#who")`, "the signed-in header")
}

// screenshotDir is where the console's screenshots go: RUBRIC_SCREENSHOTS, else a fresh
// temporary directory that outlives the test (it is logged).
func screenshotDir(t testing.TB) string {
	dir := os.Getenv("RUBRIC_SCREENSHOTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "rubric-console-"); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// cellSel selects the grid cell of a unit's row in a column.
func cellSel(unit, col string) string {
	return fmt.Sprintf(`.ag-row[row-id=%q] .ag-cell[col-id=%q]`, unit, col)
}

type impactUnit struct {
	Unit     string   `json:"unit"`
	Name     string   `json:"name"`
	OldTotal *float64 `json:"old_total"`
	NewTotal *float64 `json:"new_total"`
	OldRank  *int     `json:"old_rank"`
	NewRank  *int     `json:"new_rank"`
	Changed  bool     `json:"changed"`
	Outputs  []struct {
		Code     string
		Old, New any
	} `json:"outputs"`
	NewErrors map[string]string `json:"new_errors"`
}

func num(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// TestConsole runs a round through the console as the issue tells it: an administrator
// signs in, reads the Rugao sheet, explains 石庄镇's cell, edits res_enrol with a mistake and
// sees it at its column, previews and saves the fix, restores the previous revision, enters a
// value with a reason, uploads a template with a bad cell; then a unit token finds no other
// unit anywhere in the page.
func TestConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	ctx := newBrowser(t)
	s := startConsoleServer(t)
	p := newPage(t, ctx, screenshotDir(t))
	p.origin = s.url
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.seen == 0 {
			t.Errorf("no request seen: the check of remote requests does not work")
		}
		if len(p.remote) > 0 {
			t.Errorf("the console made requests beyond the server: %q", p.remote)
		}
		if len(p.errors) > 0 {
			t.Errorf("the page reported errors: %q", p.errors)
		}
	}()
	const code = "rugao-2022-medical"
	base := "/api/v1/schemes/" + code

	// The page itself: served at / with a CSP that allows no inline script.
	resp, err := http.Get(s.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("CSP %q", csp)
	}

	// Sign in as admin; the schemes list shows the seeds.
	p.signIn(s.url, testAdminToken)
	p.waitJS(`document.querySelector('a[data-scheme="rugao-2022-medical"]')`, "the Rugao scheme in the list")
	if who := p.text("#who"); !strings.Contains(who, "admin") {
		t.Errorf("header says %q", who)
	}
	p.shot("schemes")

	// Open the sheet: 14 rows, frozen unit names, grouped headers.
	p.click(`a[data-scheme="rugao-2022-medical"]`)
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length === 14`, "14 rows")
	var pinned int
	p.eval(`[...document.querySelectorAll(".ag-cell[col-id=name]")].filter(c => c.closest("[class*=pinned-left]")).length`, &pinned)
	if pinned != 14 {
		t.Errorf("%d frozen unit cells, want 14", pinned)
	}
	if !strings.Contains(p.text(".ag-row[row-id=shizhuang] .ag-cell[col-id=name]"), "石庄镇") {
		t.Errorf("no 石庄镇 in the frozen column")
	}

	// Search by name, filter by group.
	p.fill("#search", "石庄")
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length === 1`, "one row for 石庄")
	p.choose("#search", "", "input")
	p.choose("#group", "主功能区", "change")
	var groups []string
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length === 4`, "the 4 units of 主功能区")
	p.eval(`[...document.querySelectorAll(".ag-cell[col-id=group]")].map(c => c.textContent)`, &groups)
	for _, g := range groups {
		if g != "主功能区" {
			t.Errorf("group filter 主功能区 shows a unit of %q", g)
		}
	}
	p.choose("#group", "", "change")
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length === 14`, "14 rows again")

	// 石庄镇 is incomplete in the seed (no res_actual): its total is marked and names the
	// missing metric on hover.
	var metric struct{ Title string }
	s.call(t, testAdminToken, "GET", base+"/metrics/res_actual", "", &metric)
	total := cellSel("shizhuang", "total|final")
	p.waitJS(`document.querySelector(`+strconv.Quote(total)+`).classList.contains("cell-missing")`, "石庄镇's total marked incomplete")
	var box struct{ X, Y float64 }
	p.eval(`(r => ({x: r.x + r.width / 2, y: r.y + r.height / 2}))(document.querySelector(`+strconv.Quote(total)+`).getBoundingClientRect())`, &box)
	p.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return input.DispatchMouseEvent(input.MouseMoved, box.X, box.Y).Do(ctx)
	}))
	p.waitJS(`[document.querySelector(`+strconv.Quote(total)+`), ...document.querySelectorAll(`+strconv.Quote(total+" *")+`)].some(e => (e.getAttribute("title") ?? "").includes(`+strconv.Quote(metric.Title)+`))`, "the missing metric named on hover")

	// Click 石庄镇's res_enrol cell and read its explanation, checked against the API.
	var detail struct {
		Explanation struct {
			Cells []struct {
				Code    string `json:"code"`
				Formula string `json:"formula"`
				Value   any    `json:"value"`
				Text    string `json:"text"`
			} `json:"cells"`
		} `json:"explanation"`
	}
	s.call(t, testAdminToken, "GET", base+"/results/shizhuang", "", &detail)
	var want struct {
		Formula, Text string
		Value         any
	}
	for _, c := range detail.Explanation.Cells {
		if c.Code == "res_enrol" {
			want.Formula, want.Text, want.Value = c.Formula, c.Text, c.Value
		}
	}
	var item struct{ Criteria, Formula string }
	s.call(t, testAdminToken, "GET", base+"/items/res_enrol", "", &item)
	p.click(cellSel("shizhuang", "res_enrol|final"))
	p.waitText("#explain-text", want.Text)
	wantValue := fmt.Sprint(want.Value)
	if want.Value == nil {
		wantValue = "—" // 石庄镇 has no res_actual in the seed: the explanation names it
	}
	if got := p.text("#explain-value"); got != wantValue {
		t.Errorf("explained value %q, API %v", got, want.Value)
	}
	p.waitText("#explain-criteria", item.Criteria)
	if got := p.text("#explain-missing"); !strings.Contains(got, metric.Title+"（res_actual）") {
		t.Errorf("the explanation's missing metric: %q", got)
	}
	if !strings.Contains(p.text("#explain"), want.Formula) {
		t.Errorf("explanation without the formula %q:\n%s", want.Formula, p.text("#explain"))
	}
	p.shot("sheet-explain")

	// Self vs final side by side.
	p.click("#layer-compare")
	p.waitJS(`document.querySelector(".ag-row[row-id=shizhuang] .ag-cell[col-id='total|diff']")`, "the difference column")
	p.shot("sheet-compare")
	// The comparison as a workbook: the console fetches it with the token and hands the
	// browser a blob of the workbook's type (recorded here instead of saved).
	p.eval(`window.blobs = []; const made = URL.createObjectURL; URL.createObjectURL = (b) => { window.blobs.push({size: b.size, type: b.type}); return made(b); }; true`, nil)
	p.click("#compare-xlsx")
	p.waitJS(`window.blobs.length > 0`, "the comparison workbook")
	var blobs []struct {
		Size int    `json:"size"`
		Type string `json:"type"`
	}
	p.eval(`window.blobs`, &blobs)
	if len(blobs) != 1 || blobs[0].Type != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || blobs[0].Size < 2000 {
		t.Errorf("the comparison's download: %+v", blobs)
	}

	// Edit res_enrol with a mistake: the error is shown at its column, as the API's check says.
	original := item.Formula
	bad := "0.1 * ceil(below(res_rat, 100))"
	var problem struct {
		Errors []struct{ Line, Column int } `json:"errors"`
	}
	body, _ := json.Marshal(map[string]string{"item": "res_enrol", "formula": bad})
	if st := s.call(t, testAdminToken, "POST", base+"/check", string(body), &problem); st != 422 || len(problem.Errors) != 1 {
		t.Fatalf("check of %q: %d %+v", bad, st, problem)
	}
	p.goTo(s.url + "/#/s/" + code + "/items/res_enrol")
	p.waitJS(`document.querySelector(".cm-content")`, "the editor")
	typeFormula := func(f string) {
		p.click(".cm-content")
		p.run(chromedp.KeyEvent("a", chromedp.KeyModifiers(input.ModifierCtrl)),
			chromedp.ActionFunc(func(ctx context.Context) error { return input.InsertText(f).Do(ctx) }))
	}
	// Completions: typing the start of a name offers the scheme's metrics and outputs.
	typeFormula("res_")
	p.run(chromedp.KeyEvent("a"))
	p.waitJS(`[...document.querySelectorAll(".cm-tooltip-autocomplete li")].some(li => li.textContent.includes("res_actual"))`, "res_actual offered")
	p.shot("formula-completions")
	p.run(chromedp.KeyEvent("\u001b")) // Escape closes the list
	typeFormula(bad)
	col := strconv.Itoa(problem.Errors[0].Column)
	p.waitJS(`document.querySelector(".formula-error[data-column='`+col+`']")`, "the error at column "+col)
	if got := p.text(".formula-error"); !strings.Contains(got, "第1行第"+col+"列") || !strings.Contains(got, "res_rat") {
		t.Errorf("error shown as %q", got)
	}
	p.waitJS(`document.querySelector(".cm-lintRange-error")`, "the error marked in the editor")
	p.shot("formula-error")

	// Fix it and preview: the units listed are those the API's dry run says change.
	fixed := "0.2 * ceil(below(res_rate, 100))"
	typeFormula(fixed)
	p.waitText("#check", "公式正确")
	p.click("#preview")
	p.waitJS(`document.querySelector("#impact")`, "the impact")
	var dry struct {
		Impact struct{ Units []impactUnit } `json:"impact"`
	}
	body, _ = json.Marshal(map[string]string{"formula": fixed})
	s.call(t, testAdminToken, "PATCH", base+"/items/res_enrol?dry_run=true", string(body), &dry)
	wantMoved := map[string]impactUnit{}
	for _, u := range dry.Impact.Units {
		if u.Changed || len(u.Outputs) > 0 || len(u.NewErrors) > 0 {
			wantMoved[u.Unit] = u
		}
	}
	if len(wantMoved) == 0 {
		t.Fatal("the API's dry run moves no unit: the test needs a change that does")
	}
	var listed []struct{ Unit, Text string }
	p.eval(`[...document.querySelectorAll("#impact tr[data-unit]")].map(r => ({unit: r.dataset.unit, text: r.innerText}))`, &listed)
	if len(listed) != len(wantMoved) {
		t.Errorf("the preview lists %d units, the API's dry run moves %d", len(listed), len(wantMoved))
	}
	last := math.Inf(1)
	for _, l := range listed {
		u, ok := wantMoved[l.Unit]
		if !ok {
			t.Errorf("the preview lists %s, which the dry run does not move", l.Unit)
			continue
		}
		if !strings.Contains(l.Text, num(u.OldTotal)+" → "+num(u.NewTotal)) || !strings.Contains(l.Text, u.Name) {
			t.Errorf("%s listed as %q; the API says %s %s → %s", l.Unit, l.Text, u.Name, num(u.OldTotal), num(u.NewTotal))
		}
		if u.OldTotal != nil && u.NewTotal != nil {
			d := math.Abs(*u.NewTotal - *u.OldTotal)
			if d > last+1e-9 {
				t.Errorf("%s (change %g) listed after a smaller change %g", l.Unit, d, last)
			}
			last = d
		}
	}
	p.shot("formula-preview")

	// Save with a message: revision 2 with the new formula.
	p.fill("#message", "扣分加倍")
	p.click("#save")
	p.waitText("#status", "修订 2")
	s.call(t, testAdminToken, "GET", base+"/items/res_enrol", "", &item)
	if item.Formula != fixed {
		t.Errorf("saved formula %q, want %q", item.Formula, fixed)
	}

	// Revisions: the diff names the formula; restoring revision 1 makes revision 3 with the
	// original formula.
	p.goTo(s.url + "/#/s/" + code + "/revisions")
	p.waitJS(`document.querySelector("tr[data-revision='2']")`, "revision 2 in the list")
	p.choose("#rev-a", "1", "change")
	p.choose("#rev-b", "2", "change")
	p.click("#compare")
	p.waitText("#diff", "res_enrol")
	if d := p.text("#diff"); !strings.Contains(d, "formula") || !strings.Contains(d, fixed) || !strings.Contains(d, original) {
		t.Errorf("diff of 1 → 2:\n%s", d)
	}
	p.shot("revisions")
	p.click("tr[data-revision='1'] button.restore")
	p.waitText("tr[data-revision='1'] button.restore", "确认恢复第 1 版")
	p.click("tr[data-revision='1'] button.restore")
	p.waitText("#status", "已恢复为新修订 3")
	s.call(t, testAdminToken, "GET", base+"/items/res_enrol", "", &item)
	if item.Formula != original {
		t.Errorf("restored formula %q, want %q", item.Formula, original)
	}

	// Enter a value with a reason: the total changes to what the API computes, and the history
	// keeps the reason.
	var values struct {
		Values map[string]struct{ Value any } `json:"values"`
	}
	s.call(t, testAdminToken, "GET", base+"/units/shizhuang/values", "", &values)
	target, _ := values.Values["res_target"].Value.(float64)
	if target == 0 {
		t.Fatalf("shizhuang has no res_target: %+v", values)
	}
	var before struct{ Result struct{ Total *float64 } }
	s.call(t, testAdminToken, "GET", base+"/results/shizhuang", "", &before)
	p.goTo(s.url + "/#/s/" + code + "/values/shizhuang")
	p.waitText("#total", num(before.Result.Total))
	newActual := strconv.Itoa(int(target * 0.9))
	p.fill("#v-res_actual", newActual)
	p.fill("#reason", "核对参保台账后更正")
	p.click("#save-values")
	p.waitText("#status", "已保存")
	var after struct{ Result struct{ Total *float64 } }
	s.call(t, testAdminToken, "GET", base+"/results/shizhuang", "", &after)
	if num(after.Result.Total) == num(before.Result.Total) {
		t.Fatalf("res_actual %s did not change the total %s", newActual, num(before.Result.Total))
	}
	p.waitText("#total", num(after.Result.Total))
	var hist struct {
		Items []struct{ Reason, Metric, Kind string }
	}
	s.call(t, testAdminToken, "GET", base+"/history?unit=shizhuang&kind=value", "", &hist)
	if len(hist.Items) == 0 || hist.Items[0].Reason != "核对参保台账后更正" {
		t.Errorf("the history's latest value change: %+v", hist.Items)
	}
	p.waitText("#history", newActual)
	p.shot("values")

	// Close the final layer for entry: the form is disabled; reopen it with a reason.
	p.waitText("#window", "开放填报")
	p.click("#window-toggle")
	p.waitText("#window", "已关闭填报")
	p.waitJS(`document.querySelector("#v-res_actual").disabled && document.querySelector("#save-values").disabled`, "the form disabled")
	p.fill("#reason", "补录材料")
	p.click("#window-toggle")
	p.waitText("#window", "开放填报")
	p.waitJS(`!document.querySelector("#v-res_actual").disabled`, "the form enabled again")
	var windows struct {
		Items []struct{ Layer, State, Reason string }
	}
	s.call(t, testAdminToken, "GET", base+"/layers", "", &windows)
	for _, w := range windows.Items {
		if w.Layer == "final" && (w.State != "open" || w.Reason != "补录材料") {
			t.Errorf("final layer after reopening: %+v", w)
		}
	}

	// Upload a template with one bad cell: the problem is listed with its row and column, and
	// nothing is saved.
	var tmpl []byte
	s.call(t, testAdminToken, "GET", base+"/template", "", &tmpl)
	bad2 := fillTemplate(t, tmpl, map[string]map[string]any{"shizhuang": {"res_actual": "很多"}, "dingyan": {"res_actual": 1}})
	file := filepath.Join(t.TempDir(), "填报.xlsx")
	if err := os.WriteFile(file, bad2, 0o644); err != nil {
		t.Fatal(err)
	}
	var sum1, sum2 struct {
		DataVersion int64 `json:"data_version"`
	}
	s.call(t, testAdminToken, "GET", base+"/results", "", &sum1)
	p.goTo(s.url + "/#/s/" + code + "/files")
	p.waitJS(`document.querySelector("#upload")`, "the upload field")
	p.run(chromedp.SetUploadFiles("#upload", []string{file}, chromedp.ByQuery))
	p.click("#dry-run")
	p.waitJS(`document.querySelector("#problems tr.problem")`, "the problems")
	var problems []string
	p.eval(`[...document.querySelectorAll("#problems tr.problem")].map(r => r.innerText)`, &problems)
	if len(problems) != 1 || !strings.Contains(problems[0], "很多") || !strings.Contains(problems[0], "shizhuang") {
		t.Errorf("problems listed: %q", problems)
	}
	var apiProblem struct {
		Problems []struct {
			Row    int
			Column string
		}
	}
	st := postFile(t, s.url+base+"/values/import?dry_run=true", bad2, &apiProblem)
	if st != 422 || len(apiProblem.Problems) != 1 {
		t.Fatalf("the API's import of the file: %d %+v", st, apiProblem)
	}
	cells := strings.Fields(problems[0])
	if len(cells) < 2 || cells[0] != strconv.Itoa(apiProblem.Problems[0].Row) || cells[1] != apiProblem.Problems[0].Column {
		t.Errorf("problem listed at %q, the API says row %d column %s", problems[0], apiProblem.Problems[0].Row, apiProblem.Problems[0].Column)
	}
	if !strings.Contains(p.text("#status"), "未保存任何数据") {
		t.Errorf("status %q", p.text("#status"))
	}
	s.call(t, testAdminToken, "GET", base+"/results", "", &sum2)
	if sum1.DataVersion != sum2.DataVersion {
		t.Errorf("the upload changed data: version %d → %d", sum1.DataVersion, sum2.DataVersion)
	}
	p.shot("upload-problems")

	// A good file: the dry run lists the change, old and new, and saves nothing; confirming
	// saves it.
	good := fillTemplate(t, tmpl, map[string]map[string]any{"dingyan": {"res_actual": 30001}})
	goodFile := filepath.Join(t.TempDir(), "good.xlsx")
	if err := os.WriteFile(goodFile, good, 0o644); err != nil {
		t.Fatal(err)
	}
	p.run(chromedp.SetUploadFiles("#upload", []string{goodFile}, chromedp.ByQuery))
	p.click("#dry-run")
	p.waitJS(`document.querySelector("#import-result")`, "the dry run's changes")
	var changes []string
	p.eval(`[...document.querySelectorAll("#import-result tbody tr")].map(r => r.innerText.split("\t").join(" "))`, &changes)
	var dingyan struct {
		Values map[string]struct{ Value any } `json:"values"`
	}
	s.call(t, testAdminToken, "GET", base+"/units/dingyan/values", "", &dingyan)
	if want := fmt.Sprintf("dingyan res_actual %v 30001", dingyan.Values["res_actual"].Value); len(changes) != 1 || changes[0] != want {
		t.Errorf("dry run lists %q, want [%q]", changes, want)
	}
	p.shot("upload-dry-run")
	p.click("#confirm-import")
	p.waitText("#status", "已导入 1 个值")
	s.call(t, testAdminToken, "GET", base+"/units/dingyan/values", "", &dingyan)
	if v := dingyan.Values["res_actual"].Value; v != 30001.0 {
		t.Errorf("dingyan's res_actual after the import: %v, want 30001", v)
	}

	// A unit's name is text, never markup, wherever the console shows it.
	hostile := `九华镇<img src=x onerror="document.title='pwned'">`
	var jiuhua map[string]any
	s.call(t, testAdminToken, "GET", base+"/units/jiuhua", "", &jiuhua)
	jiuhua["name"] = hostile
	body, _ = json.Marshal(jiuhua)
	if st := s.call(t, testAdminToken, "PUT", base+"/units/jiuhua", string(body), nil); st != 200 {
		t.Fatalf("rename jiuhua: %d", st)
	}

	// English by the switch, and back; the sheet's headers follow.
	p.goTo(s.url + "/#/s/" + code)
	p.waitJS(`document.querySelector(".ag-header-cell[col-id='total|final']")`, "the sheet")
	if got := p.text(".ag-row[row-id=jiuhua] .ag-cell[col-id=name]"); got != hostile {
		t.Errorf("jiuhua's name shows as %q", got)
	}
	var imgs int
	p.eval(`document.querySelectorAll("img").length`, &imgs)
	if imgs != 0 {
		t.Errorf("a unit's name became %d img elements", imgs)
	}
	p.click("#lang")
	p.waitText("nav.tabs", "Spreadsheets")
	p.waitText(".ag-header-cell[col-id='total|final']", "Total")
	p.click("#lang")
	p.waitText("nav.tabs", "表格导入导出")

	// Publish the final layer; change a value (a reason is needed from now on); the diff from
	// the publication to the live sheet lists the units the API's diff lists, and why.
	p.goTo(s.url + "/#/s/" + code + "/publications")
	p.fill("#pub-title", "2022年度考核结果")
	p.fill("#pub-message", "经考核领导小组审定")
	p.click("#publish")
	p.waitText("#status", "已发布第 1 次")
	var pubs struct {
		Items []struct {
			Number int
			Title  string
			Hash   string
		}
	}
	s.call(t, testAdminToken, "GET", base+"/publications", "", &pubs)
	if len(pubs.Items) != 1 || pubs.Items[0].Title != "2022年度考核结果" {
		t.Fatalf("publications: %+v", pubs.Items)
	}
	p.waitText("tr[data-publication='1']", pubs.Items[0].Hash[:12])
	p.goTo(s.url + "/#/s/" + code + "/values/shizhuang")
	p.waitJS(`document.querySelector("#v-res_actual") && document.querySelector("#v-res_actual").value !== ""`, "shizhuang's values")
	p.fill("#v-res_actual", strconv.Itoa(int(target)))
	p.fill("#reason", "公布后核实更正")
	p.click("#save-values")
	p.waitText("#status", "已保存")
	p.goTo(s.url + "/#/s/" + code + "/publications")
	p.waitJS(`document.querySelector("#diff-a option[value='1']")`, "publication 1 to compare")
	p.click("#diff-run")
	p.waitJS(`document.querySelector("#pub-diff")`, "the diff")
	var apiDiff struct {
		Units []struct{ Unit string }
	}
	s.call(t, testAdminToken, "GET", base+"/publications/1/diff/live", "", &apiDiff)
	var shown []string
	p.eval(`[...document.querySelectorAll("#pub-diff tr[data-unit]")].map(r => r.dataset.unit)`, &shown)
	var moved []string
	for _, u := range apiDiff.Units {
		moved = append(moved, u.Unit)
	}
	if len(moved) == 0 || strings.Join(shown, ",") != strings.Join(moved, ",") {
		t.Errorf("the diff shows %v, the API's diff %v", shown, moved)
	}
	if !strings.Contains(p.text("#diff-values"), "公布后核实更正") {
		t.Errorf("the diff's values without the reason:\n%s", p.text("#diff-values"))
	}
	p.shot("publications")

	// Tokens: create a unit token for 石庄镇 in the console; its secret is shown once.
	p.goTo(s.url + "/#/tokens")
	p.fill("#token-name", "shizhuang-clerk")
	p.choose("#token-role", "unit", "change")
	p.waitJS(`document.querySelector("#token-scheme option[value='`+code+`']")`, "the schemes to choose from")
	p.choose("#token-scheme", code, "change")
	p.fill("#token-unit", "shizhuang")
	p.click("#token-create")
	p.waitJS(`document.querySelector("#secret")`, "the new secret")
	secret := p.text("#secret")
	if !strings.HasPrefix(secret, "rbk_") {
		t.Fatalf("secret %q", secret)
	}
	p.shot("tokens")

	// Sign in as the unit token: no other unit's name anywhere in the DOM, on any page.
	var roster struct{ Items []struct{ Code, Name string } }
	s.call(t, testAdminToken, "GET", base+"/units?limit=500", "", &roster)
	p.click("#signout")
	p.signIn(s.url, secret)
	noOthers := func(where string) {
		t.Helper()
		var html string
		p.run(chromedp.OuterHTML("html", &html, chromedp.ByQuery))
		for _, u := range roster.Items {
			if u.Code != "shizhuang" && (strings.Contains(html, u.Name) || strings.Contains(html, `"`+u.Code+`"`)) {
				t.Errorf("%s: the unit token's page names %s (%s)", where, u.Name, u.Code)
			}
		}
	}
	p.waitJS(`document.querySelector('a[data-scheme="rugao-2022-medical"]')`, "the unit's scheme")
	noOthers("schemes")
	p.click(`a[data-scheme="rugao-2022-medical"]`)
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length === 1`, "the unit's one row")
	p.click(cellSel("shizhuang", "rank|final"))
	p.waitJS(`document.querySelector("#explain dl")`, "the rank's explanation")
	noOthers("sheet")
	p.shot("unit-sheet")
	p.click("#layer-compare")
	p.waitJS(`document.querySelector(".ag-row[row-id=shizhuang] .ag-cell[col-id='total|diff']")`, "the unit's comparison")
	noOthers("compare")
	p.goTo(s.url + "/#/s/" + code + "/values")
	p.waitJS(`document.querySelector("#v-res_actual")`, "the unit's own form")
	noOthers("values")
	p.goTo(s.url + "/#/s/" + code + "/files")
	p.waitJS(`document.querySelector("#dl-template-xlsx")`, "the files page")
	if p.text("#upload") != "" || strings.Contains(p.text("main"), "上传已填模板") {
		t.Errorf("a unit token is offered the import")
	}
	noOthers("files")
}

// postFile posts a file as the body of an import with the admin token.
func postFile(t *testing.T, url string, data []byte, v any) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

// TestConsoleBigSheet opens a 10,000-unit sheet: the page holds only the rows in view (virtual
// rows), sorting by total puts the best unit first, and scrolling to the end draws the last
// unit.
func TestConsoleBigSheet(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	ctx := newBrowser(t)
	s := startConsoleServer(t)
	code := createBigRugao(t, s, 10000)
	p := newPage(t, ctx, screenshotDir(t))
	p.signIn(s.url, testAdminToken)
	p.goTo(s.url + "/#/s/" + code)
	p.waitJS(`document.querySelector(".count")?.textContent.startsWith("10000 ")`, "10,000 units counted")
	p.waitJS(`document.querySelectorAll(".ag-cell[col-id='total|final']").length > 0`, "the first rows")
	var drawn int
	p.eval(`document.querySelectorAll(".ag-cell[col-id='total|final']").length`, &drawn)
	if drawn > 100 {
		t.Errorf("%d rows in the page for 10,000 units: the rows are not virtual", drawn)
	}
	// Sort by total, descending (a click sorts ascending, a second descending).
	var sheet struct {
		Units []struct {
			Unit  struct{ Code string }
			Total *float64
		}
	}
	s.call(t, testAdminToken, "GET", "/api/v1/schemes/"+code+"/results", "", &sheet)
	best := math.Inf(-1)
	for _, u := range sheet.Units {
		if u.Total != nil && *u.Total > best {
			best = *u.Total
		}
	}
	p.click(".ag-header-cell[col-id='total|final'] .ag-header-cell-label")
	p.click(".ag-header-cell[col-id='total|final'] .ag-header-cell-label")
	p.waitJS(`document.querySelector(".ag-row[row-index='0'] .ag-cell[col-id='total|final']")?.textContent === `+strconv.Quote(num(&best)), "the best total first")
	// Scroll to the end: the last unit is drawn, and still only the rows in view.
	p.eval(`(v => { v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event("scroll")); return true })([...document.querySelectorAll(".grid *")].find(e => e.scrollHeight > e.clientHeight + 10000))`, new(bool))
	p.waitJS(`document.querySelector(".ag-row[row-index='9999']")`, "the last row drawn")
	p.eval(`document.querySelectorAll(".ag-cell[col-id='total|final']").length`, &drawn)
	if drawn > 100 {
		t.Errorf("%d rows in the page after scrolling", drawn)
	}
	p.shot("big-sheet")
}

// BenchmarkConsoleSheet measures the console's sheet page in Chromium, from navigation to the
// first rows drawn (the grid's first-data-rendered, marked "rubric:first-rows"), for the
// Rugao scheme (14 units, the baseline) and for a copy of it with 10,000 units; each load is
// a fresh page with the results already computed by the server. ms/first-rows is the figure.
func BenchmarkConsoleSheet(b *testing.B) {
	ctx := newBrowser(b)
	s := startConsoleServer(b)
	big := createBigRugao(b, s, 10000)
	p := newPage(b, ctx, b.TempDir())
	p.signIn(s.url, testAdminToken)
	for _, bc := range []struct {
		name, code string
		rows       int
	}{{"units=14", "rugao-2022-medical", 14}, {"units=10000", big, 10000}} {
		b.Run(bc.name, func(b *testing.B) {
			p.t = b
			load := func() float64 {
				p.goTo("about:blank")
				p.goTo(s.url + "/#/s/" + bc.code)
				p.waitJS(`performance.getEntriesByName("rubric:first-rows").length > 0`, "the first rows")
				var ms float64
				p.eval(`performance.getEntriesByName("rubric:first-rows")[0].startTime`, &ms)
				var count string
				p.eval(`document.querySelector(".count")?.textContent ?? ""`, &count)
				if !strings.HasPrefix(count, strconv.Itoa(bc.rows)+" ") {
					b.Fatalf("the page counts %q, want %d units", count, bc.rows)
				}
				return ms
			}
			load() // the server computes and caches the sheet once
			var total float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				total += load()
			}
			b.ReportMetric(total/float64(b.N), "ms/first-rows")
		})
	}
}

// createBigRugao creates a copy of the Rugao scheme with n units (its 14 units over and over,
// with their values) and returns its code.
func createBigRugao(b testing.TB, s *consoleServer, n int) string {
	b.Helper()
	var doc map[string]any
	s.call(b, testAdminToken, "GET", "/api/v1/schemes/rugao-2022-medical?values=true", "", &doc)
	units, _ := doc["units"].([]any)
	values, _ := doc["values"].(map[string]any)
	code := "rugao-big"
	doc["code"], doc["title"] = code, "如皋 ×"+strconv.Itoa(n)
	delete(doc, "revision")
	var roster []any
	layers := map[string]map[string]any{}
	for i := 0; i < n; i++ {
		u := units[i%len(units)].(map[string]any)
		c := fmt.Sprintf("%s_%05d", u["code"], i)
		copyU := map[string]any{}
		for k, v := range u {
			copyU[k] = v
		}
		copyU["code"], copyU["name"] = c, fmt.Sprintf("%s%05d", u["name"], i)
		roster = append(roster, copyU)
		for layer, byUnit := range values {
			if v, ok := byUnit.(map[string]any)[u["code"].(string)]; ok {
				if layers[layer] == nil {
					layers[layer] = map[string]any{}
				}
				layers[layer][c] = v
			}
		}
	}
	doc["units"], doc["values"] = roster, layers
	body, err := json.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	if st := s.call(b, testAdminToken, "POST", "/api/v1/schemes", string(body), nil); st != 201 {
		b.Fatalf("create %s: status %d", code, st)
	}
	return code
}
