package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// tourScript is the first sh block after the README's heading "## A tour with curl".
func tourScript(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, tour, ok := strings.Cut(string(data), "## A tour with curl")
	if !ok {
		t.Fatal("README.md has no tour")
	}
	_, block, ok := strings.Cut(tour, "```sh\n")
	if !ok {
		t.Fatal("the tour has no sh block")
	}
	block, _, _ = strings.Cut(block, "```")
	return block
}

// tourFailures are the requests of the tour that fail on purpose, by method and path, with
// their status.
var tourFailures = map[string]string{
	"PATCH /api/v1/schemes/rugao-2022-medical/items/res_enrol": "422", // the formula with a mistake
}

var tourLine = regexp.MustCompile(`^TOUR (\d{3}) (\S+) (\S+)$`)

// TestReadmeTour runs the README's tour with curl, as written, against the real binary on a
// fresh database: every request must succeed (the token step included), except the one the
// tour says fails, which must fail as it says.
func TestReadmeTour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	dir := t.TempDir()
	bin := buildRubric(t, dir)
	srv := startServer(t, bin, filepath.Join(dir, "rubric.db"))
	defer srv.stop(t)
	// curl reports each request's status, method and URL on a line of its own.
	prelude := `set -euo pipefail
curl() { command curl -sS -w '\nTOUR %{http_code} %{method} %{url_effective}\n' "$@"; }
`
	script := strings.Replace(tourScript(t), "B=http://127.0.0.1:8080/api/v1", "B="+srv.url+"/api/v1", 1)
	cmd := exec.Command("bash", "-c", prelude+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RUBRIC_ADMIN_TOKEN="+testAdminToken)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tour failed: %v\n%s", err, out)
	}
	requests, tokens := 0, 0
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		m := tourLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		requests++
		status, method, url := m[1], m[2], m[3]
		path := strings.TrimPrefix(url, srv.url)
		path, _, _ = strings.Cut(path, "?")
		if strings.HasPrefix(path, "/api/v1/tokens") {
			tokens++
		}
		want, fails := tourFailures[method+" "+path]
		// The same path with a query (dry_run, message) must succeed.
		switch {
		case !fails || strings.Contains(url, "?"):
			if status[0] != '2' {
				t.Errorf("%s %s: %s", method, url, status)
			}
		case status != want:
			t.Errorf("%s %s: %s, want %s", method, url, status, want)
		}
	}
	if requests < 20 || tokens != 3 {
		t.Errorf("%d requests, %d of tokens: the tour did not run whole\n%s", requests, tokens, out)
	}
}
