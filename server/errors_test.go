package server_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/server"
)

// TestBodyTooLarge sends a body over the limit through a real connection (Fiber's app.Test
// cannot carry one): the answer is a 413 problem.
func TestBodyTooLarge(t *testing.T) {
	e := newEnvConfig(t, server.Config{BodyLimit: 1024})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	url := "http://" + ln.Addr().String() + "/api/v1/schemes/tiny/values"
	big := `{"values": {"u1": {"late": 1}}, "pad": "` + strings.Repeat("x", 2048) + `"}`
	req, _ := http.NewRequest("POST", url, strings.NewReader(big))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413: %s", resp.StatusCode, body)
	}
	for _, want := range []string{`"type":"/docs#problem-too-large"`, "larger than the limit of 1024 bytes"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("answer lacks %q: %s", want, body)
		}
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	theContract.check(t, newRequest("POST", "/api/v1/schemes/tiny/values", big, "", nil), []byte(big), resp, body, true)
}

func TestCompressedBody(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "ErrEncoding", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 1}`, header: map[string]string{"Content-Encoding": "gzip"}, status: 415, want: []string{"gzip"}},
		{name: "ErrContentType", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `late=1`, contentType: "application/x-www-form-urlencoded", status: 415, badRequest: true},
	})
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.do(t, "GET", "/healthz", "", "", map[string]string{"X-Request-Id": "client-42.a_b"})
	if got := resp.Header.Get("X-Request-Id"); got != "client-42.a_b" {
		t.Errorf("plain client id: got %q", got)
	}
	resp, _ = e.do(t, "GET", "/healthz", "", "", map[string]string{"X-Request-Id": "<script>alert(1)</script>"})
	if got := resp.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, "<>()") {
		t.Errorf("hostile client id: got %q", got)
	}
	resp, body := e.do(t, "GET", "/api/v1/schemes/nothing", "", "", map[string]string{"X-Request-Id": "trace-1"})
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"request_id":"trace-1"`) {
		t.Errorf("problem lacks the request id: %d %s", resp.StatusCode, body)
	}
	if logs := e.logs.String(); !strings.Contains(logs, `"request_id":"trace-1"`) || !strings.Contains(logs, `"status":404`) {
		t.Errorf("request log lacks the request id or status:\n%s", logs)
	}
}

// TestInternalError closes the database under the server: the client gets a generic 500 (and
// /healthz a 503), the log gets the cause. It runs on SQLite only: run would open a twin on
// PostgreSQL.
func TestInternalError(t *testing.T) {
	e := newEnv(t)
	e.store.Close()
	e.runScenarios(t, []scenario{
		{name: "ErrInternal", method: "GET", url: "/api/v1/schemes", status: 500, want: []string{`"type":"/docs#problem-internal"`, `"detail":"internal error"`}, notWant: []string{"sql", "closed"}},
		{name: "ErrUnavailable", method: "GET", url: "/healthz", status: 503, want: []string{`"type":"/docs#problem-unavailable"`}},
	})
	if logs := e.logs.String(); !strings.Contains(logs, "database is closed") || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("log lacks the cause:\n%s", logs)
	}
}
