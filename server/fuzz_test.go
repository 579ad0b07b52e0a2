package server_test

import (
	"bytes"
	"net/http"
	"testing"
)

// FuzzValueBody sends any bytes as the body of PATCH …/units/u1/values (through app.Test, on
// SQLite): the answer is never a 5xx; a 4xx is a problem+json and leaves the unit's values as
// they were.
func FuzzValueBody(f *testing.F) {
	for _, seed := range []string{
		`{"target": 120, "actual": 90}`,
		`{"late": {"value": 2, "note": "March"}}`,
		`{"late": null}`,
		`{"spare": 1.5e308}`,
		`{"target": 1e400}`,
		`{"target": -1}`,
		`{"late": 11}`,
		`{"spare": "NaN"}`,
		`{"spare": NaN}`,
		`{"nothing": 1}`,
		`{"late": {"value": 1, "note": "\ud800"}}`,
		"{\"late\": {\"value\": 1, \"note\": \"\xff\"}}",
		`{"target": 1, "target": "x"}`,
		`[]`,
		`null`,
		`{"target": {"value": {"value": 1}}}`,
		`{"target": 1}{"target": 2}`,
		`{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}`,
		"",
	} {
		f.Add([]byte(seed))
	}
	e := newEnv(f)
	const url = "/api/v1/schemes/tiny/units/u1/values"
	f.Fuzz(func(t *testing.T, body []byte) {
		_, before := e.do(t, http.MethodGet, url, "", "", nil)
		resp, answer := e.do(t, http.MethodPatch, url, string(body), "application/json", nil)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d to %q: %s", resp.StatusCode, body, answer)
		}
		if resp.StatusCode < 400 {
			return
		}
		theContract.checkProblem(t, resp, answer)
		if _, after := e.do(t, http.MethodGet, url, "", "", nil); !bytes.Equal(before, after) {
			t.Fatalf("%d to %q changed the values:\n%s\n%s", resp.StatusCode, body, before, after)
		}
	})
}
