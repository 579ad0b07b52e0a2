package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestIssue11HugeIntegers: 2^53 + 1 is refused as sent, naming the metric, by PATCH, PUT and the
// batch POST (JSON bodies) and in a scheme document (JSON and YAML); 2^53 − 1 is kept exactly.
func TestIssue11HugeIntegers(t *testing.T) {
	values := "/api/v1/schemes/tiny/units/u1/values"
	const tooLarge = "9007199254740993 is too large: numbers are exact up to ±9007199254740991"
	doc := func(n string) string {
		return `{"code": "big", "title": "Big", "metrics": [{"code": "m", "title": "M", "type": "integer"}],
			"items": [{"code": "i", "title": "I", "max_points": 1, "formula": "m > 0 ? 1 : 0"}],
			"units": [{"code": "u", "name": "U"}], "values": {"final": {"u": {"m": ` + n + `}}}}`
	}
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "ErrPatch", method: "PATCH", url: values, body: `{"target": 9007199254740993}`, status: 422,
			want: []string{`"field":"target"`, tooLarge}},
		{name: "ErrPut", method: "PUT", url: values, body: `{"target": {"value": 9007199254740993, "note": "x"}}`, status: 422,
			want: []string{`"field":"target"`, tooLarge}},
		{name: "ErrBatch", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u2": {"actual": 9007199254740993}}}`, status: 422,
			want: []string{tooLarge}},
		{name: "ErrDocumentJSON", method: "POST", url: "/api/v1/schemes", body: doc("9007199254740993"), status: 422,
			want: []string{"too large"}},
		{name: "ErrDocumentYAML", method: "POST", url: "/api/v1/schemes", contentType: "application/yaml",
			body:   "code: big\ntitle: Big\nmetrics: [{code: m, title: M, type: integer}]\nitems: [{code: i, title: I, max_points: 1, formula: 'm > 0 ? 1 : 0'}]\nunits: [{code: u, name: U}]\nvalues: {final: {u: {m: 9007199254740993}}}\n",
			status: 422, want: []string{"too large"}},
		{name: "OKLargestExact", method: "PATCH", url: values, body: `{"target": 9007199254740991}`, status: 200,
			want: []string{`"value":9007199254740991`}},
		{name: "OKUnchanged", method: "GET", url: "/api/v1/schemes/tiny/units/u2/values", status: 200,
			want: []string{`"actual":{"value":95`}},
	})
}

// TestIssue11ControlCharacters: a NUL (or another control character) in a note, a unit's name,
// a text value, a scheme's title, an item's title or a reason is a 422 naming the field, on
// both engines, and nothing is saved.
func TestIssue11ControlCharacters(t *testing.T) {
	values := "/api/v1/schemes/tiny/units/u1/values"
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "ErrNote", method: "PATCH", url: values, body: `{"target": {"value": 5, "note": "a\u0000b"}}`, status: 422,
			want: []string{`"field":"target"`, "U+0000"}},
		{name: "ErrUnitName", method: "PUT", url: "/api/v1/schemes/tiny/units/u1", body: `{"code": "u1", "name": "One\u0000", "group": "a"}`, status: 422,
			want: []string{`"field":"name"`, "U+0000"}},
		{name: "ErrNewUnitName", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine\u001b[31m"}`, status: 422,
			want: []string{`"field":"name"`, "U+001B"}},
		{name: "ErrUnitAttrKey", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine", "attrs": {"x\u0000": 1}}`, status: 422,
			want: []string{"control character"}},
		{name: "ErrSchemeTitle", method: "PUT", url: "/api/v1/schemes/tiny/items/done", body: `{"title": "Done\u0000"}`, contentType: "application/merge-patch+json", status: 405, badRequest: true},
		{name: "ErrItemTitle", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"title": "Done\u0000"}`, status: 422,
			want: []string{`items[0].children[0].title`, "U+0000"}},
		{name: "ErrNewScheme", method: "POST", url: "/api/v1/schemes", body: `{"code": "nul", "title": "N\u0000L", "metrics": [{"code": "m", "title": "M", "type": "number"}], "items": [{"code": "i", "title": "I", "max_points": 1, "formula": "m"}]}`, status: 422,
			want: []string{`"field":"title"`, "U+0000"}},
		{name: "ErrMessage", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?message=a%00b", body: `{"title": "Done!"}`, status: 400,
			want: []string{`"field":"message"`}},
		{name: "OKNothingSaved", method: "GET", url: "/api/v1/schemes/tiny/units/u1", status: 200, want: []string{`"name":"One"`}, notWant: []string{`\u0000`}},
		{name: "ErrNoScheme", method: "GET", url: "/api/v1/schemes/nul", status: 404},
		{name: "ErrQueryUnit", method: "GET", url: "/api/v1/schemes/tiny/values/history?unit=u1%00x", status: 400, want: []string{`"field":"unit"`}, badRequest: true},
		{name: "ErrQueryWho", method: "GET", url: "/api/v1/schemes/tiny/history?who=a%00", status: 400, want: []string{`"field":"who"`}},
		{name: "OKTabsAndNewlines", method: "PATCH", url: values, body: `{"target": {"value": 5, "note": "第一行\n第二行\t完"}}`, status: 200},
	})
}

// TestIssue11OverflowExplanation: a unit token whose own values overflow a formula
// ({"a": 1000000, "b": 1e-303}) reads its row's explanation as a cell error, not a 500.
func TestIssue11OverflowExplanation(t *testing.T) {
	doc := `{"code": "ovf", "title": "溢出", "total_points": 10,
		"metrics": [{"code": "a", "title": "A", "type": "number"}, {"code": "b", "title": "B", "type": "number"}],
		"items": [{"code": "big", "title": "Big", "max_points": 5, "formula": "a * 1e308"},
		          {"code": "st", "title": "St", "max_points": 5, "formula": "min(5, steps(a, b))"}],
		"outputs": [{"code": "o", "title": "O", "formula": "a / b"}],
		"units": [{"code": "u1", "name": "一"}, {"code": "u2", "name": "二"}]}`
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OKCreate", method: "POST", url: "/api/v1/schemes", body: doc, status: 201},
		{name: "OKToken", method: "POST", url: "/api/v1/tokens", body: `{"name": "ovf-u1", "role": "unit", "scheme": "ovf", "unit": "u1"}`, status: 201},
		{name: "OKValues", method: "PATCH", url: "/api/v1/schemes/ovf/units/u1/values", body: `{"a": 1000000, "b": 1e-303}`, status: 200},
		{name: "OKResults", method: "GET", url: "/api/v1/schemes/ovf/results", status: 200, want: []string{"not a finite number"}},
		{name: "OKExplanation", method: "GET", url: "/api/v1/schemes/ovf/results/u1", status: 200,
			want: []string{`"code":"big"`, `"error":"the result +Inf is not a finite number"`}},
		{name: "OKExplanationSelf", method: "GET", url: "/api/v1/schemes/ovf/results/u1?layer=self", status: 200},
	})
}

// TestIssue11Attrs: unit attributes nested 10,000 deep (any list or object), or larger than schema.MaxAttrsSize, are
// a 422 naming the field; a declared attribute is typed; the YAML export of a scheme whose
// units carry the largest attributes allowed stays in proportion to its JSON and
// can be PUT back.
func TestIssue11Attrs(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	deepest := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	big := `"` + strings.Repeat("x", 17<<10) + `"`
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "ErrDeep", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine", "attrs": {"x": ` + deep + `}}`, status: 422,
			want: []string{`"field":"attrs.x"`, "must be a number, true or false, or a text, not an object"}, badRequest: true},
		{name: "ErrDeepest", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine", "attrs": {"x": ` + deepest + `}}`, status: 400, badRequest: true},
		{name: "ErrLarge", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine", "attrs": {"x": ` + big + `}}`, status: 422,
			want: []string{`"field":"attrs"`, "at most 16384"}},
		{name: "ErrDeclaredType", method: "PUT", url: "/api/v1/schemes/" + rugao + "/units/dingyan", body: `{"code": "dingyan", "name": "丁堰镇", "group": "镇", "attrs": {"population": {"a": 1}}}`, status: 422,
			want: []string{`"field":"attrs.population"`}, badRequest: true},
		{name: "OKShallow", method: "POST", url: "/api/v1/schemes/tiny/units", body: `{"code": "u9", "name": "Nine", "attrs": {"towns": "a, b", "note": "` + strings.Repeat("说", 4000) + `"}}`, status: 201},
	})
	_, js := e.do(t, "GET", "/api/v1/schemes/tiny?values=true", "", "", nil)
	resp, yml := e.do(t, "GET", "/api/v1/schemes/tiny?format=yaml&values=true", "", "", nil)
	if resp.StatusCode != 200 || len(yml) > 2*len(js) {
		t.Errorf("YAML %d bytes for %d of JSON (%d)", len(yml), len(js), resp.StatusCode)
	}
	resp, body := e.do(t, "PUT", "/api/v1/schemes/tiny", string(yml), "application/yaml", nil)
	if resp.StatusCode != 200 {
		t.Errorf("PUT back: %d %.300s", resp.StatusCode, body)
	}
}

// TestIssue11HistoryOfReusedCode: a scheme deleted and created again with the same code starts
// a history of its own: its viewer, and its unit's token, see none of the deleted scheme's
// entries (value changes, the delete entry with the old document); an admin reads them with
// ?deleted=true, which nobody else may ask. Token entries are the admin's only.
func TestIssue11HistoryOfReusedCode(t *testing.T) {
	fresh := `{"code": "tiny", "title": "Tiny again", "metrics": [{"code": "target", "title": "Target", "type": "integer"}],
		"items": [{"code": "i", "title": "I", "max_points": 1, "formula": "target > 0 ? 1 : 0"}],
		"units": [{"code": "u1", "name": "New one"}]}`
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		secret := func(spec schema.TokenSpec) map[string]string {
			s, _, err := e.store.CreateToken(ctx, spec, "test")
			if err != nil {
				t.Fatal(err)
			}
			return map[string]string{"Authorization": bearer(s)}
		}
		viewer := secret(schema.TokenSpec{Name: "tiny-viewer", Role: schema.RoleViewer, Scheme: "tiny"})
		assessor := secret(schema.TokenSpec{Name: "tiny-assessor", Role: schema.RoleAssessor, Scheme: "tiny"})
		e.runScenarios(t, []scenario{
			{name: "OKOldValues", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"target": 7}`, status: 200},
			{name: "OKDelete", method: "DELETE", url: "/api/v1/schemes/tiny", status: 204},
			{name: "ErrGoneHistory", method: "GET", url: "/api/v1/schemes/tiny/history", status: 404},
			{name: "ErrRevokedWithScheme", method: "GET", url: "/api/v1/schemes/tiny/history", header: viewer, status: 401},
			{name: "OKGoneHistoryAdmin", method: "GET", url: "/api/v1/schemes/tiny/history?deleted=true&kind=scheme", status: 200,
				want: []string{`"action":"delete"`}},
			{name: "OKCreateAgain", method: "POST", url: "/api/v1/schemes", body: fresh, status: 201},
		})
		// The deleted scheme's tokens were revoked with it: they open nothing of the new one.
		e.runScenarios(t, []scenario{
			{name: "ErrOldViewer", method: "GET", url: "/api/v1/schemes/tiny/results", header: viewer, status: 401},
			{name: "ErrOldAssessor", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"target": 1}`, header: assessor, status: 401},
			{name: "OKRevokedWithScheme", method: "GET", url: "/api/v1/schemes/tiny/history?kind=token&deleted=true", status: 200,
				want: []string{`"action":"revoke","target":"tiny-viewer"`, `"action":"revoke","target":"tiny-assessor"`, "方案已删除"}},
		})
		viewer = secret(schema.TokenSpec{Name: "tiny-viewer2", Role: schema.RoleViewer, Scheme: "tiny"})
		assessor = secret(schema.TokenSpec{Name: "tiny-assessor2", Role: schema.RoleAssessor, Scheme: "tiny"})
		unit := secret(schema.TokenSpec{Name: "tiny-u1", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"})
		e.runScenarios(t, []scenario{
			{name: "OKViewerHistory", method: "GET", url: "/api/v1/schemes/tiny/history?limit=500", header: viewer, status: 200,
				want: []string{`"total":`, "Tiny again"}, notWant: []string{`"action":"delete"`, `"unit":"u2"`, `"new":7`, "tiny-viewer"}},
			{name: "OKViewerValueHistory", method: "GET", url: "/api/v1/schemes/tiny/values/history", header: viewer, status: 200,
				want: []string{`"total":0`}},
			{name: "OKUnitHistory", method: "GET", url: "/api/v1/schemes/tiny/history", header: unit, status: 200,
				notWant: []string{`"new":7`, `"action":"delete"`}},
			{name: "OKUnitValueHistory", method: "GET", url: "/api/v1/schemes/tiny/values/history", header: unit, status: 200,
				want: []string{`"total":0`}},
			{name: "ErrViewerDeleted", method: "GET", url: "/api/v1/schemes/tiny/history?deleted=true", header: viewer, status: 403},
			{name: "OKAdminDeleted", method: "GET", url: "/api/v1/schemes/tiny/history?deleted=true&limit=500", status: 200,
				want: []string{`"action":"delete"`, `"new":7`, "Tiny again"}},
			{name: "ErrViewerTokens", method: "GET", url: "/api/v1/schemes/tiny/history?kind=token", header: viewer, status: 403},
			{name: "ErrAssessorTokens", method: "GET", url: "/api/v1/schemes/tiny/history?kind=token", header: assessor, status: 403},
			{name: "OKAdminTokens", method: "GET", url: "/api/v1/schemes/tiny/history?kind=token", status: 200,
				want: []string{"tiny-u1"}, notWant: []string{`"target":"tiny-viewer"`}}, // made for the deleted scheme
			{name: "OKAdminTokensDeleted", method: "GET", url: "/api/v1/schemes/tiny/history?kind=token&deleted=true", status: 200,
				want: []string{"tiny-u1", "tiny-viewer"}},
		})
	})
}
