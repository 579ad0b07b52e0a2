package server_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// undeclaredQuery is the contract's check that every query parameter of a request is declared
// for its operation (kin-openapi accepts unknown ones; rubric refuses them).
func undeclaredQuery(route *routers.Route, r *http.Request) error {
	declared := map[string]bool{}
	for _, list := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range list {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	var unknown []string
	for name := range r.URL.Query() {
		if !declared[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return fmt.Errorf("query parameters %s are not declared", strings.Join(unknown, ", "))
	}
	return nil
}

// plainHeaders are the headers an answer may send without openapi.yaml declaring them: those
// of HTTP itself, of CORS and of the browser's security policy (/docs).
var plainHeaders = []string{"Content-Type", "Content-Length", "Date", "Server", "Vary", "Connection",
	"Transfer-Encoding", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options",
	"X-Frame-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy",
	"Permissions-Policy", "Strict-Transport-Security", "Allow"}

// undeclaredHeaders is the contract's check that every header an answer sends (beyond
// plainHeaders and CORS) is declared for its status: X-Request-Id, ETag, Location,
// Content-Disposition, Retry-After, WWW-Authenticate, X-Rubric-Cache.
func undeclaredHeaders(route *routers.Route, resp *http.Response) error {
	r := route.Operation.Responses.Status(resp.StatusCode)
	if r == nil {
		r = route.Operation.Responses.Default()
	}
	if r == nil || r.Value == nil {
		return nil // the status itself is checked by ValidateResponse
	}
	var undeclared []string
	for name := range resp.Header {
		if slices.Contains(plainHeaders, name) || strings.HasPrefix(name, "Access-Control-") {
			continue
		}
		found := false
		for declared := range r.Value.Headers {
			if strings.EqualFold(declared, name) {
				found = true
			}
		}
		if !found {
			undeclared = append(undeclared, name)
		}
	}
	if len(undeclared) > 0 {
		slices.Sort(undeclared)
		return fmt.Errorf("headers %s are not declared for status %s", strings.Join(undeclared, ", "), strconv.Itoa(resp.StatusCode))
	}
	return nil
}

// TestIssue13UnknownQueryParameter: a query parameter an operation does not declare is a 400
// naming it, on every kind of route; a declared one still works.
func TestIssue13UnknownQueryParameter(t *testing.T) {
	e := newEnv(t)
	e.runScenarios(t, []scenario{
		{name: "ErrTypo", method: "GET", url: "/api/v1/schemes?limt=10", status: 400, badRequest: true,
			want: []string{`"field":"limt"`, `unknown query parameter \"limt\": this operation takes limit, offset`}},
		{name: "ErrNoneTaken", method: "GET", url: "/healthz?verbose=1", status: 400, badRequest: true,
			want: []string{`"field":"verbose"`, `this operation takes none`}},
		{name: "ErrWrite", method: "DELETE", url: "/api/v1/schemes/tiny?force=true", status: 400, badRequest: true,
			want: []string{`"field":"force"`}},
		{name: "OK/declared", method: "GET", url: "/api/v1/schemes?limit=1&offset=0", status: 200, want: []string{`"limit":1`}},
		{name: "OK/pathLevel", method: "GET", url: "/api/v1/schemes/tiny/results?layer=final&group=", status: 200},
	})
}

// TestIssue13UnitsRepeatedOrComma: ?units= selects the same rows given comma separated,
// repeated (openapi-fetch's default) or both mixed.
func TestIssue13UnitsRepeatedOrComma(t *testing.T) {
	e := newEnv(t)
	const base = "/api/v1/schemes/" + rugao + "/results?"
	for _, q := range []string{"units=dingyan,rucheng", "units=dingyan&units=rucheng", "units=rucheng&units=dingyan", "units=dingyan,rucheng&units=rucheng"} {
		e.runScenarios(t, []scenario{{name: "OK/" + q, method: "GET", url: base + q, status: 200,
			want:    []string{`"code":"rucheng"`, `"code":"dingyan"`},
			notWant: []string{`"code":"chengbei"`}}})
	}
	e.runScenarios(t, []scenario{{name: "ErrUnknownRepeated", method: "GET", url: base + "units=dingyan&units=nowhere", status: 422,
		want: []string{`"field":"units"`, `\"nowhere\"`}}})
}
