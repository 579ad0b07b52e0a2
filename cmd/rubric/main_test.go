package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/seeds"
)

// runCmd runs one command line in process, in English (the tests of what the commands do
// read their English texts; lang_test.go checks the Chinese ones), and returns its exit code
// and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCmdEnv(t, nil, args...)
}

func TestCheck(t *testing.T) {
	code, stdout, stderr := runCmd(t, "check", "testdata/bad.yaml")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := "testdata/bad.yaml:15:18: b: unknown name lat, did you mean late?\n" +
		"testdata/bad.yaml:20:9: c: unknown name unknown_name\n" +
		"testdata/bad.yaml:25:14: d: unexpected token EOF\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}

	t.Run("OK", func(t *testing.T) {
		for _, name := range seeds.Names() {
			code, stdout, stderr := runCmd(t, "check", filepath.Join("../../seeds", name))
			if code != 0 || !strings.Contains(stdout, ": ok: ") {
				t.Errorf("%s: exit %d\n%s%s", name, code, stdout, stderr)
			}
		}
	})
	t.Run("ErrUnknownField", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "typo.yaml")
		writeFile(t, path, "code: typo\ntitle: Typo\nitems:\n  - code: a\n    title: A\n    formual: 1\n")
		code, _, stderr := runCmd(t, "check", path)
		if code != 1 || stderr != path+":6:5: items[0].formual: unknown field \"formual\"\n" {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "broken.yaml")
		writeFile(t, path, "code: x\ntitle: [\n")
		code, _, stderr := runCmd(t, "check", path)
		if code != 1 || !strings.HasPrefix(stderr, path+":") || !strings.Contains(stderr, "malformed YAML") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("ErrNoFile", func(t *testing.T) {
		if code, _, stderr := runCmd(t, "check", "testdata/none.yaml"); code != 1 || !strings.Contains(stderr, "no such file") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if code, _, _ := runCmd(t, "check"); code != 2 {
			t.Errorf("check without a file: exit %d, want 2", code)
		}
	})
}

func TestSeed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rubric.db")
	code, stdout, stderr := runCmd(t, "seed", "-db", db)
	if code != 0 || strings.Count(stdout, "created ") != len(seeds.Names()) {
		t.Fatalf("first seed: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, "seed", "-db", db)
	if code != 0 || !strings.Contains(stdout, "every seed scheme is there already") {
		t.Errorf("second seed: exit %d\n%s", code, stdout)
	}

	// A change, then a reset: the seed comes back as it was, at revision 1.
	ctx := context.Background()
	store, err := schema.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PatchValues(ctx, "rugao-2022-medical", "shizhuang", "", map[string]any{"res_actual": 45900}, "test"); err != nil {
		t.Fatal(err)
	}
	store.Close()
	if code, stdout, stderr := runCmd(t, "seed", "-db", db, "-reset", "rugao-2022-medical"); code != 0 || stdout != "reset rugao-2022-medical\n" {
		t.Fatalf("reset: exit %d\n%s%s", code, stdout, stderr)
	}
	store, err = schema.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	values, err := store.GetValues(ctx, "rugao-2022-medical", "shizhuang", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := values["res_actual"]; ok {
		t.Errorf("after reset, shizhuang still has res_actual %v", values["res_actual"])
	}
	if code, _, stderr := runCmd(t, "seed", "-db", db, "-reset", "nothing"); code != 2 || !strings.Contains(stderr, "rugao-2022-medical") {
		t.Errorf("reset of a non-seed: exit %d, %s", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	if code, stdout, _ := runCmd(t, "version"); code != 0 || !strings.HasPrefix(stdout, "rubric dev (go") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	if code, _, stderr := runCmd(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCmd(t); code != 2 {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := runCmd(t, "serve", "-log", "xml"); code != 2 {
		t.Errorf("bad log format: exit %d", code)
	}
	if code, _, _ := runCmd(t, "serve", "-import-limit", "lots"); code != 2 {
		t.Errorf("bad import limit: exit %d", code)
	}
	if code, _, _ := runCmdEnv(t, map[string]string{"RUBRIC_IMPORT_LIMIT": "0"}, "serve"); code != 2 {
		t.Errorf("bad RUBRIC_IMPORT_LIMIT: exit %d", code)
	}
	if code, _, _ := runCmd(t, "serve", "-rate-limit", "0"); code != 2 {
		t.Errorf("bad rate limit: exit %d", code)
	}
	if code, _, _ := runCmdEnv(t, map[string]string{"RUBRIC_RATE_LIMIT": "fast"}, "serve"); code != 2 {
		t.Errorf("bad RUBRIC_RATE_LIMIT: exit %d", code)
	}
}

// TestMainRun runs the service in process on a free port: it answers, loads the seeds once and
// closes cleanly.
func TestMainRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rubric.db")
	var secret string
	for start := 1; start <= 2; start++ {
		m := NewMain()
		m.Addr, m.DB = "127.0.0.1:0", db
		var logs bytes.Buffer
		m.Logger, _ = newLogger(&logs, "text")
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The first start makes the admin token and logs its secret, once.
		if m := secretInLog.FindStringSubmatch(logs.String()); m != nil {
			if start != 1 || secret != "" {
				t.Errorf("start %d: a second admin token\n%s", start, logs.String())
			}
			secret = m[1]
		} else if start == 1 {
			t.Fatalf("start 1: no admin token in the log\n%s", logs.String())
		}
		req, _ := http.NewRequest("GET", m.URL()+"/api/v1/schemes?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf(`"total":%d`, len(seeds.Names())); resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("start %d: %d %s", start, resp.StatusCode, body)
		}
		loaded := strings.Contains(logs.String(), "loaded the seed schemes")
		if loaded != (start == 1) {
			t.Errorf("start %d: seeds loaded %v\n%s", start, loaded, logs.String())
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-m.Done(); err != nil {
			t.Errorf("serving ended with %v", err)
		}
	}
}

// TestMainImportLimit serves with a small import limit: a larger file is a 413 problem.
func TestMainImportLimit(t *testing.T) {
	m := NewMain()
	m.Addr, m.DB, m.ImportLimit = "127.0.0.1:0", filepath.Join(t.TempDir(), "rubric.db"), 100
	m.AdminToken = testAdminToken
	m.Logger, _ = newLogger(io.Discard, "text")
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	body := "unit,res_actual\r\n" + strings.Repeat("\r\n", 200)
	req, _ := http.NewRequest("POST", m.URL()+"/api/v1/schemes/rugao-2022-medical/values/import", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(data), "import limit of 100 bytes") {
		t.Errorf("%d %s", resp.StatusCode, data)
	}
}

// secretInLog finds the secret of the admin token the first start logs.
var secretInLog = regexp.MustCompile(`secret=(rbk_[A-Za-z0-9_-]+)`)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
