package server_test

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

// TestHostileRequests sends requests made to break the server: malformed or huge JSON, wrong
// content types, numbers JSON cannot hold, invalid UTF-8 and odd codes in the path. Each is a
// 4xx problem+json (runScenarios checks the shape), naming the field of a value that fails
// validation; none changes anything (the last scenario checks). A panic of a handler is a 500 problem: TestPanic (errors_internal_test.go).
func TestHostileRequests(t *testing.T) {
	values := "/api/v1/schemes/tiny/units/u1/values"
	bigFormula := `{"formula": "` + strings.Repeat("1+", 500000) + `1"}`
	deep := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	deepList := `{"target": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	longCode := strings.Repeat("a", 3000) // longer ones: TestHostileLongURL
	e := newEnv(t)
	e.run(t, []scenario{
		// Malformed JSON and content types.
		{name: "ErrMalformed", method: "PATCH", url: values, body: `{"target": 1,`, status: 400, want: []string{"malformed JSON"}, badRequest: true},
		{name: "ErrTrailingData", method: "PATCH", url: values, body: `{"target": 1} {"actual": 2}`, status: 400, want: []string{"after the value"}},
		{name: "ErrNotObject", method: "PATCH", url: values, body: `[1, 2]`, status: 422, badRequest: true},
		{name: "ErrNull", method: "PATCH", url: values, body: `null`, status: 422, badRequest: true},
		{name: "ErrTextPlain", method: "PATCH", url: values, body: `{"target": 1}`, contentType: "text/plain", status: 415, want: []string{"text/plain"}, badRequest: true},
		{name: "ErrXML", method: "PATCH", url: values, body: `<target>1</target>`, contentType: "application/xml", status: 415, badRequest: true},
		{name: "ErrBadContentType", method: "PATCH", url: values, body: `{"target": 1}`, contentType: "application/json; charset", status: 415},
		{name: "ErrYAMLForValues", method: "PATCH", url: values, body: "target: 1\n", contentType: "application/yaml", status: 415, badRequest: true},
		{name: "ErrMultipart", method: "POST", url: "/api/v1/schemes", body: "--x\r\n\r\n--x--\r\n", contentType: "multipart/form-data; boundary=x", status: 415, badRequest: true},

		// Numbers JSON cannot hold, and NaN and Infinity.
		{name: "ErrHugeNumber", method: "PATCH", url: values, body: `{"target": 1e400}`, status: 422, want: []string{"1e400"}, badRequest: true},
		{name: "ErrHugeNegative", method: "PATCH", url: values, body: `{"actual": -1e400}`, status: 422, want: []string{"-1e400"}, badRequest: true},
		{name: "ErrNaNText", method: "PATCH", url: values, body: `{"spare": "NaN"}`, status: 422, want: []string{`"field":"spare"`}},
		{name: "ErrInfinityText", method: "PATCH", url: values, body: `{"spare": "Infinity"}`, status: 422, want: []string{`"field":"spare"`}},
		{name: "ErrInfText", method: "PATCH", url: values, body: `{"spare": "-Inf"}`, status: 422, want: []string{`"field":"spare"`}},
		{name: "ErrNaNToken", method: "PATCH", url: values, body: `{"spare": NaN}`, status: 400, want: []string{"malformed JSON"}, badRequest: true},
		{name: "ErrInfinityToken", method: "PATCH", url: values, body: `{"spare": Infinity}`, status: 400, want: []string{"malformed JSON"}, badRequest: true},
		{name: "ErrNaNNote", method: "PATCH", url: values, body: `{"spare": {"value": NaN, "note": "x"}}`, status: 400, badRequest: true},
		{name: "ErrHugeLimit", method: "GET", url: "/api/v1/schemes/tiny/units?limit=1e400", status: 400, want: []string{`"field":"limit"`}, badRequest: true},
		{name: "ErrHugeOffset", method: "GET", url: "/api/v1/schemes/tiny/units?offset=99999999999999999999999", status: 400, want: []string{`"field":"offset"`}, badRequest: true},
		{name: "ErrHugeRevision", method: "GET", url: "/api/v1/schemes/tiny/revisions/99999999999999999999999", status: 400, want: []string{`"field":"revision"`}, badRequest: true},

		// Invalid UTF-8.
		{name: "ErrInvalidUTF8Key", method: "PATCH", url: values, body: "{\"tar\xffget\": 1}", status: 422},
		{name: "ErrInvalidUTF8Code", method: "GET", url: "/api/v1/schemes/ti%FFny", status: 404, badRequest: true},
		{name: "ErrInvalidUTF8Unit", method: "GET", url: "/api/v1/schemes/tiny/units/u%C3%28", status: 404, badRequest: true},

		// Odd codes and path traversal in path parameters.
		{name: "ErrTraversal", method: "GET", url: "/api/v1/schemes/..%2F..%2Fetc%2Fpasswd", status: 404, notWant: []string{"root:"}, badRequest: true},
		{name: "ErrTraversalUnit", method: "GET", url: "/api/v1/schemes/tiny/units/..%2Fu1", status: 404, badRequest: true},
		{name: "ErrTraversalValues", method: "PATCH", url: "/api/v1/schemes/tiny/units/..%2Fu2/values", body: `{"target": 1}`, status: 404, badRequest: true},
		{name: "ErrNUL", method: "GET", url: "/api/v1/schemes/tiny%00", status: 404, badRequest: true},
		{name: "ErrNULUnit", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1%00/values", body: `{"target": 1}`, status: 404, badRequest: true},
		{name: "ErrLongCode", method: "GET", url: "/api/v1/schemes/" + longCode, status: 404, badRequest: true},
		{name: "ErrLongUnit", method: "PATCH", url: "/api/v1/schemes/tiny/units/" + longCode + "/values", body: `{"target": 1}`, status: 404, badRequest: true},
		{name: "ErrUpperCode", method: "GET", url: "/api/v1/schemes/TINY", status: 404, badRequest: true},
		{name: "ErrSQLCode", method: "GET", url: "/api/v1/schemes/tiny'%20OR%20'1'='1", status: 404, badRequest: true},
		{name: "ErrCreateUnitTraversal", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "../u9", "name": "Nine"}`, status: 422, want: []string{`"field":"code"`}, badRequest: true},
		{name: "ErrCreateUnitNUL", method: "POST", url: "/api/v1/schemes/tiny/units", body: "{\"code\": \"u9\\u0000\", \"name\": \"Nine\"}", status: 422, want: []string{`"field":"code"`}, badRequest: true},

		// Formulas and documents that are too big or too deep.
		{name: "ErrMegabyteFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: bigFormula, status: 422, want: []string{"at most 4000 are allowed"}, notWant: []string{strings.Repeat("1+", 3000)}, badRequest: true},
		{name: "ErrDeepJSON", method: "PATCH", url: values, body: deep, status: 400, badRequest: true},
		{name: "ErrDeepList", method: "PATCH", url: values, body: deepList, status: 400, badRequest: true},
		{name: "ErrDeepScheme", method: "POST", url: "/api/v1/schemes", body: deep, status: 400, badRequest: true},

		// Duplicate keys: the last one wins, as in encoding/json, and the values are checked.
		{name: "ErrDuplicateKeyInvalid", method: "PATCH", url: values, body: `{"late": 1, "late": 99}`, status: 422, want: []string{`"field":"late"`}},

		// Nothing above changed the unit's values.
		{name: "OK/unchanged", method: "GET", url: values, status: 200, want: []string{`"target":{"value":100,"who":"test"`, `"actual":{"value":100,"who":"test"`}, notWant: []string{`"spare"`, `"late"`}},
	})
}

// TestHostileInvalidUTF8Note sends a note that is not UTF-8: encoding/json reads each bad
// byte as U+FFFD, so what is stored and answered is valid UTF-8.
func TestHostileInvalidUTF8Note(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, "PATCH", "/api/v1/schemes/tiny/units/u1/values", "{\"late\": {\"value\": 1, \"note\": \"a\xc3\x28b\xff\"}}", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if !utf8.Valid(body) || !strings.Contains(string(body), "\"note\":\"a\uFFFD(b\uFFFD\"") {
		t.Errorf("note not made valid UTF-8: %q", body)
	}
}

// TestHostileLongURL sends paths longer than the server reads through a real connection
// (app.Test cannot carry them): the answer is a 431 problem, and the server still answers.
func TestHostileLongURL(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	base := "http://" + ln.Addr().String()
	for _, path := range []string{
		"/api/v1/schemes/" + strings.Repeat("a", 100000),
		"/api/v1/schemes/tiny/units/" + strings.Repeat("%2E%2E%2F", 20000) + "values",
	} {
		// The server answers as soon as it has read more than it accepts and closes the
		// connection; a client still writing the rest of the URL may then see a reset
		// instead of the answer (more often on a loaded machine), so a reset is retried.
		var resp *http.Response
		for attempt := 0; ; attempt++ {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", bearer(adminSecret))
			resp, err = http.DefaultClient.Do(req)
			if err == nil {
				break
			}
			if attempt == 4 || !errors.Is(err, syscall.ECONNRESET) {
				t.Fatal(err)
			}
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431: %.300s", resp.StatusCode, body)
		}
		theContract.checkProblem(t, resp, body)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz after long URLs: %d", resp.StatusCode)
	}
}
