package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/seeds"
)

// TestEndToEnd builds the real binary, serves on a free loopback port with a fresh database,
// takes the README's tour (list schemes, see a sheet, change a formula with dry_run then for
// real, enter values, get CSV, explain one unit), stops it with SIGINT, starts it again on the
// same file and checks that schemes, revisions and values survived.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildRubric(t, dir)
	db := filepath.Join(dir, "rubric.db")
	const scheme = "/api/v1/schemes/rugao-2022-medical"

	// First start: the seeds are loaded.
	srv := startServer(t, bin, db)
	var list struct {
		Items []struct{ Code string }
		Total int
	}
	srv.getJSON(t, "/api/v1/schemes", &list)
	if list.Total != len(seeds.Names()) {
		t.Fatalf("%d schemes, want %d", list.Total, len(seeds.Names()))
	}
	var sheet struct {
		Revision int
		Units    []struct {
			Unit     struct{ Code string }
			Complete bool
			Total    *float64
		}
	}
	srv.getJSON(t, scheme+"/results", &sheet)
	if len(sheet.Units) != 14 || sheet.Revision != 1 {
		t.Fatalf("sheet: %d units, revision %d", len(sheet.Units), sheet.Revision)
	}
	const patch = `{"formula": "0.2 * ceil(below(res_rate, 100))"}`
	var dry struct {
		DryRun   bool `json:"dry_run"`
		Revision int
		Impact   struct {
			Units []struct {
				Unit     string
				OldTotal *float64 `json:"old_total"`
				NewTotal *float64 `json:"new_total"`
			}
		}
	}
	srv.sendJSON(t, "PATCH", scheme+"/items/res_enrol?dry_run=true", patch, 200, &dry)
	if !dry.DryRun || dry.Revision != 1 || len(dry.Impact.Units) != 14 {
		t.Errorf("dry run: %+v", dry)
	}
	var saved struct{ Revision int }
	srv.sendJSON(t, "PATCH", scheme+"/items/res_enrol?message=twice+the+shortfall", patch, 200, &saved)
	if saved.Revision != 2 {
		t.Errorf("patched revision %d, want 2", saved.Revision)
	}
	srv.sendJSON(t, "PATCH", scheme+"/units/shizhuang/values", `{"res_actual": {"value": 45900, "note": "12月20日报"}}`, 200, nil)
	body := srv.get(t, scheme+"/results?format=csv")
	if !strings.HasPrefix(body, "\uFEFF单位代码,单位名称,组别,") || !strings.Contains(body, "\r\nshizhuang,石庄镇,镇,") {
		t.Errorf("CSV:\n%.400s", body)
	}
	var explained struct {
		Result struct {
			Complete bool
			Total    *float64
		}
		Explanation struct{ Cells []struct{ Code, Text string } }
	}
	srv.getJSON(t, scheme+"/results/shizhuang", &explained)
	if !explained.Result.Complete || explained.Result.Total == nil || len(explained.Explanation.Cells) == 0 {
		t.Errorf("explanation: %+v", explained)
	}
	publications := tourPublications(t, srv, scheme)
	srv.stop(t)
	if !strings.Contains(srv.logs.String(), "loaded the seed schemes") {
		t.Errorf("first start did not load the seeds:\n%s", srv.logs.String())
	}

	// Second start on the same file: nothing is seeded again, everything survived.
	srv = startServer(t, bin, db)
	defer srv.stop(t)
	if strings.Contains(srv.logs.String(), "loaded the seed schemes") {
		t.Errorf("second start loaded the seeds again")
	}
	srv.getJSON(t, "/api/v1/schemes", &list)
	if list.Total != len(seeds.Names()) {
		t.Errorf("after restart: %d schemes", list.Total)
	}
	var revs struct {
		Items []struct {
			Revision int
			Message  string
		}
		Total int
	}
	srv.getJSON(t, scheme+"/revisions", &revs)
	if revs.Total != 2 || revs.Items[0].Message != "twice the shortfall" {
		t.Errorf("after restart, revisions: %+v", revs)
	}
	var item struct{ Formula string }
	srv.getJSON(t, scheme+"/items/res_enrol", &item)
	if item.Formula != "0.2 * ceil(below(res_rate, 100))" {
		t.Errorf("after restart, formula %q", item.Formula)
	}
	var values struct {
		Values map[string]struct {
			Value any
			Note  string
		}
	}
	srv.getJSON(t, scheme+"/units/shizhuang/values", &values)
	if v := values.Values["res_actual"]; v.Value != 45900.0 || v.Note != "12月20日报" {
		t.Errorf("after restart, res_actual = %+v", v)
	}
	var again struct {
		Result struct {
			Complete bool
			Total    *float64
		}
	}
	srv.getJSON(t, scheme+"/results/shizhuang", &again)
	if !again.Result.Complete || again.Result.Total == nil || *again.Result.Total != *explained.Result.Total {
		t.Errorf("after restart, shizhuang: %+v, before %v", again.Result, *explained.Result.Total)
	}
	// The publications are as they were, hashes included.
	if after := srv.get(t, scheme+"/publications"); after != publications {
		t.Errorf("after restart, publications:\n%s\nbefore:\n%s", after, publications)
	}
}

// tourPublications takes the README's tour of publications: publish Rugao's final results,
// correct 丁堰镇's 职工参保 with a reason (without one it is refused), publish again and read
// the diff. It returns the list of publications.
func tourPublications(t *testing.T, srv *process, scheme string) string {
	t.Helper()
	var p1 struct {
		Number int
		Hash   string
	}
	srv.sendJSON(t, "POST", scheme+"/publications", `{"layer": "final", "title": "2022年度考核结果", "message": "经考核领导小组审定"}`, 201, &p1)
	if p1.Number != 1 || len(p1.Hash) != 64 {
		t.Fatalf("publication 1: %+v", p1)
	}
	const correct = `{"emp_actual": {"value": 700, "note": "社保中心12月复核"}}`
	srv.sendJSON(t, "PATCH", scheme+"/units/dingyan/values", correct, 422, nil) // no reason
	srv.sendJSONWith(t, "PATCH", scheme+"/units/dingyan/values", correct, map[string]string{"X-Reason": "丁堰镇职工参保人数复核更正"}, 200, nil)
	var p2 struct{ Number int }
	srv.sendJSONWith(t, "POST", scheme+"/publications", `{"layer": "final", "title": "2022年度考核结果（更正）"}`,
		map[string]string{"X-Reason": "复核后更正通报"}, 201, &p2)
	if p2.Number != 2 {
		t.Fatalf("publication 2: %+v", p2)
	}
	var diff struct {
		Units []struct {
			Unit  string
			Cells []struct {
				Code     string
				Old, New any
				Delta    *float64
			}
		}
		Values []struct {
			Unit, Metric, Who, Reason string
			Old, New                  any
		}
		Formulas []any
	}
	srv.getJSON(t, scheme+"/publications/1/diff/2", &diff)
	if len(diff.Values) != 1 || diff.Values[0].Unit != "dingyan" || diff.Values[0].Metric != "emp_actual" ||
		diff.Values[0].Old != 630.0 || diff.Values[0].New != 700.0 || diff.Values[0].Reason != "丁堰镇职工参保人数复核更正" ||
		len(diff.Formulas) != 0 {
		t.Errorf("diff causes: %+v %+v", diff.Values, diff.Formulas)
	}
	found := false
	for _, u := range diff.Units {
		for _, c := range u.Cells {
			// 四(二)3②: 630 × 20 = 12600 → 700 × 20 = 14000 元.
			if u.Unit == "dingyan" && c.Code == "enrol_bonus" && c.Old == 12600.0 && c.New == 14000.0 && *c.Delta == 1400 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the diff does not show 丁堰镇's enrol_bonus 12600 → 14000: %+v", diff.Units)
	}
	var pub struct{ Hash string }
	srv.getJSON(t, scheme+"/publications/1", &pub)
	if pub.Hash != p1.Hash {
		t.Errorf("publication 1's hash %s, published as %s", pub.Hash, p1.Hash)
	}
	return srv.get(t, scheme+"/publications")
}

// buildRubric builds the real binary into dir.
func buildRubric(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "rubric")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestEndToEndExchange runs the office's loop with the real binary on one database: a
// template, filled in by a spreadsheet library, imported, and the sheet exported as XLSX,
// whose total of the unit that was filled in is the one the JSON sheet has.
func TestEndToEndExchange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildRubric(t, dir)
	db := filepath.Join(dir, "rubric.db")
	rubric := func(args ...string) string {
		t.Helper()
		// In English: the global -lang before the command (its Chinese texts: lang_test.go).
		cmd := exec.Command(bin, append([]string{"-lang", "en"}, args...)...)
		cmd.Env = append(os.Environ(), "RUBRIC_DB="+db, "RUBRIC_IMPORT_LIMIT=", "RUBRIC_LANG=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("rubric %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	total := func() *float64 {
		t.Helper()
		var sheet struct {
			Units []struct {
				Unit  struct{ Code string }
				Total *float64
			}
		}
		if err := json.Unmarshal([]byte(rubric("export", rugao, "-format", "json")), &sheet); err != nil {
			t.Fatal(err)
		}
		for _, u := range sheet.Units {
			if u.Unit.Code == "shizhuang" {
				return u.Total
			}
		}
		t.Fatal("no shizhuang in the sheet")
		return nil
	}

	rubric("seed")
	if total() != nil {
		t.Fatal("shizhuang has a total before its res_actual is entered")
	}
	template := filepath.Join(dir, "template.xlsx")
	rubric("template", rugao, "-o", template)
	data, err := os.ReadFile(template)
	if err != nil {
		t.Fatal(err)
	}
	filled := filepath.Join(dir, "filled.xlsx")
	if err := os.WriteFile(filled, fillTemplate(t, data, map[string]map[string]any{"shizhuang": {"res_actual": 45900}}), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := rubric("import", rugao, filled, "-dry-run"); !strings.Contains(out, "shizhuang res_actual: (none) → 45900\n") || !strings.Contains(out, "1 changed") {
		t.Errorf("dry run:\n%s", out)
	}
	if total() != nil {
		t.Fatal("the dry run saved")
	}
	if out := rubric("import", rugao, filled); !strings.Contains(out, "1 changed") || !strings.Contains(out, "; saved)") {
		t.Errorf("import:\n%s", out)
	}
	want := total()
	if want == nil {
		t.Fatal("shizhuang has no total after the import")
	}
	sheet := filepath.Join(dir, "sheet.xlsx")
	rubric("export", rugao, "-format", "xlsx", "-o", sheet)
	data, err = os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if got := xlsxTotal(t, data, "shizhuang"); got != formatTotal(*want) {
		t.Errorf("the workbook's total of shizhuang is %q, the sheet's %v", got, *want)
	}
}

// process is a running rubric serve.
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *lockedBuffer
	done chan error
}

// lockedBuffer collects a process's log while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testAdminToken is RUBRIC_ADMIN_TOKEN of the servers the tests start.
const testAdminToken = "rbk_e2e-admin-secret-0123456789"

// startServer starts `rubric serve` on a free port and waits until it listens.
func startServer(t *testing.T, bin, db string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-db", db, "-log", "json")
	cmd.Env = append(os.Environ(), "RUBRIC_ADDR=", "RUBRIC_DB=", "RUBRIC_ADMIN_TOKEN="+testAdminToken, "RUBRIC_RATE_LIMIT=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.logs.WriteString(line + "\n")
			var rec struct{ Msg, URL string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				urls <- rec.URL
			}
		}
		p.done <- cmd.Wait()
	}()
	select {
	case p.url = <-urls:
	case err := <-p.done:
		t.Fatalf("rubric serve exited: %v\n%s", err, p.logs.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("rubric serve did not listen in time\n%s", p.logs.String())
	}
	return p
}

// stop sends SIGINT and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if p.cmd.ProcessState != nil {
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("rubric serve exited with %v\n%s", err, p.logs.String())
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("rubric serve did not stop on SIGINT\n%s", p.logs.String())
	}
	if !strings.Contains(p.logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", p.logs.String())
	}
}

func (p *process) get(t *testing.T, path string) string {
	t.Helper()
	req, err := http.NewRequest("GET", p.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return string(body)
}

func (p *process) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(p.get(t, path)), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (p *process) sendJSON(t *testing.T, method, path, body string, status int, v any) {
	t.Helper()
	p.sendJSONWith(t, method, path, body, nil, status, v)
}

// sendJSONWith is sendJSON with more request headers (X-Reason).
func (p *process) sendJSONWith(t *testing.T, method, path, body string, header map[string]string, status int, v any) {
	t.Helper()
	req, err := http.NewRequest(method, p.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, status, data)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}
