package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// ifMatch is the If-Match header of a write that expects the scheme at a revision.
func ifMatch(tag string) map[string]string { return map[string]string{"If-Match": tag} }

// etag is the answer header of something read from or saved as revision rev.
func etag(rev int) map[string]string { return map[string]string{"ETag": fmt.Sprintf(`"r%d"`, rev)} }

// TestIfMatch checks that scheme documents, items and metrics carry the revision as ETag and
// that every write of a scheme made with If-Match is saved only from that revision: from any
// other it answers 412 and saves nothing.
func TestIfMatch(t *testing.T) {
	const stale = `"type":"/docs#problem-stale"`
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/get scheme", method: "GET", url: "/api/v1/schemes/tiny", status: 200, wantHeader: etag(1)},
		{name: "OK/get scheme YAML", method: "GET", url: "/api/v1/schemes/tiny?format=yaml", status: 200, wantHeader: etag(1)},
		{name: "OK/get item", method: "GET", url: "/api/v1/schemes/tiny/items/done", status: 200, wantHeader: etag(1)},
		{name: "OK/list items", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200, wantHeader: etag(1)},
		{name: "OK/get metric", method: "GET", url: "/api/v1/schemes/tiny/metrics/late", status: 200, wantHeader: etag(1)},
		{name: "OK/list metrics", method: "GET", url: "/api/v1/schemes/tiny/metrics", status: 200, wantHeader: etag(1)},

		{name: "OK/patch item", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", body: `{"formula": "4 - 2 * late"}`, header: ifMatch(`"r1"`), status: 200,
			want: []string{`"revision":2`}, wantHeader: etag(2)},
		{name: "ErrStale/patch item", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", body: `{"formula": "4 - 3 * late"}`, header: ifMatch(`"r1"`), status: 412,
			want: []string{stale, `"title":"Precondition Failed"`, `scheme \"tiny\" is at revision 2, not 1: read it again and redo the change`}, wantHeader: map[string]string{"ETag": ""}},
		{name: "OK/stale saved nothing", method: "GET", url: "/api/v1/schemes/tiny/items/ontime", status: 200, want: []string{`"formula":"4 - 2 * late"`}, wantHeader: etag(2)},
		{name: "ErrStale/dry run", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime?dry_run=true", body: `{"formula": "4"}`, header: ifMatch(`"r1"`), status: 412, want: []string{stale}},
		{name: "OK/dry run", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime?dry_run=true", body: `{"formula": "4"}`, header: ifMatch(`"r2"`), status: 200, want: []string{`"dry_run":true`, `"revision":2`}},
		{name: "ErrStale/weak tag", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", body: `{"formula": "4"}`, header: ifMatch(`W/"r2"`), status: 412,
			want: []string{`at revision 2, not the revision the request named`}},
		{name: "ErrStale/not a revision", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", body: `{"formula": "4"}`, header: ifMatch(`"2-17-final"`), status: 412},
		{name: "OK/any", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", body: `{"formula": "4 - late"}`, header: ifMatch(`*`), status: 200, wantHeader: etag(3)},
		{name: "OK/list of tags", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"title": "工作"}`, header: ifMatch(`"r1", "r3"`), status: 200, wantHeader: etag(4)},
		{name: "ErrStale/list of tags", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"title": "Work"}`, header: ifMatch(`"r1", "r3"`), status: 412, want: []string{"not 1 or 3"}},

		{name: "ErrStale/create item", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "x", "title": "X", "kind": "bonus", "formula": "1"}`, header: ifMatch(`"r3"`), status: 412},
		{name: "OK/create item", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "x", "title": "X", "kind": "bonus", "formula": "1"}`, header: ifMatch(`"r4"`), status: 201, wantHeader: etag(5)},
		{name: "ErrStale/delete item", method: "DELETE", url: "/api/v1/schemes/tiny/items/x", header: ifMatch(`"r4"`), status: 412},
		{name: "OK/delete item", method: "DELETE", url: "/api/v1/schemes/tiny/items/x", header: ifMatch(`"r5"`), status: 200, wantHeader: etag(6)},
		{name: "ErrStale/create metric", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "visits", "title": "Visits", "type": "integer"}`, header: ifMatch(`"r5"`), status: 412},
		{name: "OK/create metric", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "visits", "title": "Visits", "type": "integer"}`, header: ifMatch(`"r6"`), status: 201, wantHeader: etag(7)},
		{name: "ErrStale/patch metric", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/visits", body: `{"max": 9}`, header: ifMatch(`"r6"`), status: 412},
		{name: "OK/patch metric", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/visits", body: `{"max": 9}`, header: ifMatch(`"r7"`), status: 200, wantHeader: etag(8)},
		{name: "ErrStale/delete metric", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/visits", header: ifMatch(`"r7"`), status: 412},
		{name: "OK/delete metric", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/visits", header: ifMatch(`"r8"`), status: 200, wantHeader: etag(9)},
		{name: "ErrStale/restore", method: "POST", url: "/api/v1/schemes/tiny/revisions/1/restore", header: ifMatch(`"r8"`), status: 412},
		{name: "OK/restore", method: "POST", url: "/api/v1/schemes/tiny/revisions/1/restore", header: ifMatch(`"r9"`), status: 200, wantHeader: etag(10)},
		{name: "ErrReplaceNotFound", method: "PUT", url: "/api/v1/schemes/tiny-copy", body: tinyCopy, header: ifMatch(`"r1"`), status: 404},
		{name: "OK/create scheme", method: "POST", url: "/api/v1/schemes", body: tinyCopy, status: 201, wantHeader: etag(1)},
		{name: "ErrStale/replace scheme", method: "PUT", url: "/api/v1/schemes/tiny-copy", body: tinyCopy, header: ifMatch(`"r2"`), status: 412},
		{name: "OK/replace scheme", method: "PUT", url: "/api/v1/schemes/tiny-copy", body: strings.Replace(tinyCopy, `"Tiny copy"`, `"Again"`, 1), header: ifMatch(`"r1"`), status: 200, wantHeader: etag(2)},
		{name: "ErrStale/delete scheme", method: "DELETE", url: "/api/v1/schemes/tiny-copy", header: ifMatch(`"r1"`), status: 412},
		{name: "OK/delete scheme", method: "DELETE", url: "/api/v1/schemes/tiny-copy", header: ifMatch(`"r2"`), status: 204},
		{name: "OK/revisions", method: "GET", url: "/api/v1/schemes/tiny/revisions", status: 200, want: []string{`"total":10`}},
	})
}

// getTagged sends a GET with If-None-Match (when tag is not "") and returns the status, the
// ETag, X-Rubric-Cache and the body; the exchange is checked against the contract.
func (e *env) getTagged(t *testing.T, url, tag string) (status int, etag, cache, body string) {
	t.Helper()
	var h map[string]string
	if tag != "" {
		h = map[string]string{"If-None-Match": tag}
	}
	resp, data := e.do(t, "GET", url, "", "", h)
	theContract.check(t, newRequest("GET", url, "", "", h), nil, resp, data, false)
	return resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("X-Rubric-Cache"), string(data)
}

// TestResultsETag checks the tags of results: one per revision, data version, layer and query;
// If-None-Match with the current one answers 304 without a body, with another one the sheet.
func TestResultsETag(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const url = "/api/v1/schemes/tiny/results"
		status, tag, cache, _ := e.getTagged(t, url, "")
		if status != 200 || tag == "" || cache != "miss" {
			t.Fatalf("first read: %d, ETag %q, cache %q", status, tag, cache)
		}
		if status, again, cache, _ := e.getTagged(t, url, ""); status != 200 || again != tag || cache != "hit" {
			t.Errorf("second read: %d, ETag %q (first %q), cache %q", status, again, tag, cache)
		}
		for _, inm := range []string{tag, "W/" + tag, `"x", ` + tag, "*"} {
			status, got, cache, body := e.getTagged(t, url, inm)
			if status != http.StatusNotModified || got != tag || body != "" || cache != "" {
				t.Errorf("If-None-Match %s: %d, ETag %q, cache %q, body %q", inm, status, got, cache, body)
			}
		}
		// Every query that shapes the answer has a tag of its own.
		tags := map[string]string{url: tag}
		for _, q := range []string{"?layer=self", "?format=csv", "?format=csv&header=code", "?group=a", "?units=u1", "/u1", "/u2", "/u2?layer=self"} {
			status, got, _, _ := e.getTagged(t, url+q, tag)
			if status != 200 || got == "" {
				t.Errorf("%s: %d, ETag %q", q, status, got)
			}
			for other, o := range tags {
				if o == got {
					t.Errorf("%s and %s share the ETag %s", q, other, got)
				}
			}
			tags[url+q] = got
			if status, _, _, _ := e.getTagged(t, url+q, got); status != http.StatusNotModified {
				t.Errorf("%s with its own tag: %d, want 304", q, status)
			}
		}
		// A change of a value or of a formula changes the tag. The write brought this server's
		// cached sheet up to date as it answered, so the read after it is a hit.
		e.do(t, "PATCH", "/api/v1/schemes/tiny/units/u2/values", `{"late": 0}`, "", nil)
		status, second, cache, _ := e.getTagged(t, url, tag)
		if status != 200 || second == tag || cache != "hit" {
			t.Errorf("after a value changed: %d, ETag %q (before %q), cache %q", status, second, tag, cache)
		}
		e.do(t, "PATCH", "/api/v1/schemes/tiny/items/ontime", `{"formula": "4 - 2 * late"}`, "", nil)
		if status, third, _, _ := e.getTagged(t, url+"/u2", tags[url+"/u2"]); status != 200 || third == tags[url+"/u2"] {
			t.Errorf("after a formula changed: %d, ETag %q", status, third)
		}
		if status, _, _, _ := e.getTagged(t, "/api/v1/schemes/nothing/results", tag); status != http.StatusNotFound {
			t.Errorf("unknown scheme: %d, want 404", status)
		}
	})
}

// TestTwoServers runs two servers, each with a store of its own, on one database, as two
// rubric processes behind a load balancer: what is written through one is read through the
// other at once, and a tag one gave is honoured by the other.
func TestTwoServers(t *testing.T) {
	for _, engine := range schematest.Engines(t) {
		t.Run(engine.String(), func(t *testing.T) {
			dsn := schematest.DSN(t, engine)
			var a, b *env
			for i, p := range []**env{&a, &b} {
				store, err := schema.Open(context.Background(), dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { store.Close() })
				if i == 0 {
					if err := store.EnsureAdminToken(context.Background(), adminSecret); err != nil {
						t.Fatal(err)
					}
					mustCreate(t, store, mustRead(t, "testdata/tiny.json"), false)
				}
				*p = &env{store: store, app: server.New(store, server.Config{Logger: discardLogger()}), engine: engine}
			}
			total := func(e *env, unit string) any {
				t.Helper()
				var s struct {
					Units []struct {
						Unit  struct{ Code string }
						Total any
					}
				}
				e.getJSON(t, "/api/v1/schemes/tiny/results", &s)
				for _, u := range s.Units {
					if u.Unit.Code == unit {
						return u.Total
					}
				}
				return "absent"
			}
			if got := total(b, "u2"); got != 8.5 {
				t.Fatalf("u2 through B: %v, want 8.5", got)
			}
			_, tagB, _, _ := b.getTagged(t, "/api/v1/schemes/tiny/results", "")
			_, tagA, _, _ := a.getTagged(t, "/api/v1/schemes/tiny/results", "")
			if tagA != tagB {
				t.Errorf("the servers tag one sheet differently: %s and %s", tagA, tagB)
			}
			if status, _, _, _ := b.getTagged(t, "/api/v1/schemes/tiny/results", tagA); status != http.StatusNotModified {
				t.Errorf("B ignores A's tag: %d", status)
			}

			// A value through A, read through B (whose cache holds the old sheet).
			if resp, body := a.do(t, "PATCH", "/api/v1/schemes/tiny/units/u2/values", `{"late": 0}`, "", nil); resp.StatusCode != 200 {
				t.Fatalf("PATCH through A: %d %s", resp.StatusCode, body)
			}
			if got := total(b, "u2"); got != 9.5 {
				t.Errorf("after a value changed through A, u2 through B: %v, want 9.5", got)
			}
			if status, _, _, _ := b.getTagged(t, "/api/v1/schemes/tiny/results", tagA); status != 200 {
				t.Errorf("B answers 304 to a tag of the sheet before the change: %d", status)
			}
			// A formula through B, read through A; A's tag of revision 1 is stale for B.
			var item struct{ Revision int }
			resp, body := b.do(t, "PATCH", "/api/v1/schemes/tiny/items/ontime", `{"formula": "2 - late"}`, "", ifMatch(`"r1"`))
			if resp.StatusCode != 200 || json.Unmarshal(body, &item) != nil || item.Revision != 2 {
				t.Fatalf("PATCH through B: %d %s", resp.StatusCode, body)
			}
			if got := total(a, "u2"); got != 7.5 {
				t.Errorf("after a formula changed through B, u2 through A: %v, want 7.5", got)
			}
			if resp, body := a.do(t, "PATCH", "/api/v1/schemes/tiny/items/ontime", `{"formula": "3 - late"}`, "", ifMatch(`"r1"`)); resp.StatusCode != http.StatusPreconditionFailed {
				t.Errorf("A saved over B's revision: %d %s", resp.StatusCode, body)
			}
			// Both serve the same sheet.
			_, bodyA := a.do(t, "GET", "/api/v1/schemes/tiny/results", "", "", nil)
			_, bodyB := b.do(t, "GET", "/api/v1/schemes/tiny/results", "", "", nil)
			if string(bodyA) != string(bodyB) {
				t.Errorf("the servers disagree:\n%s\n%s", bodyA, bodyB)
			}
		})
	}
}
