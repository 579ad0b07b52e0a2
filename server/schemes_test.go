package server_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/seeds"
	"github.com/rubric-dev/rubric/server"
)

const tinyCopy = `{"code": "tiny-copy", "title": "Tiny copy", "total_points": 4,
  "metrics": [{"code": "late", "title": "Late", "type": "integer", "min": 0}],
  "items": [{"code": "ontime", "title": "On time", "max_points": 4, "formula": "4 - late"}]}`

const tinyCopyYAML = `code: tiny-yaml
title: Tiny in YAML
total_points: 4
metrics:
  - {code: late, title: Late, type: integer, min: 0}
items:
  - {code: ontime, title: On time, max_points: 4, formula: 4 - late}
`

func TestMeta(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/health", method: "GET", url: "/healthz", status: 200, want: []string{`"status":"ok"`, `"version":"test"`}},
		{name: "OK/openapi", method: "GET", url: "/openapi.yaml", status: 200, want: []string{"openapi: 3.0.3", "operationId: patchItem"}},
		{name: "OK/docs", method: "GET", url: "/docs", status: 200, want: []string{"<!doctype html>", `<div id="app">`, `<script src="/docs/scalar.`}, notWant: []string{"https://", "<script>"}},
		{name: "ErrNotFound", method: "GET", url: "/api/v1/nothing", status: 404, want: []string{`"type":"/docs#problem-not-found"`, `"title":"未找到"`, "GET /api/v1/nothing"}, badRequest: true},
		// The title is what a clerk reads: Chinese unless the request prefers English; the
		// detail stays English (issue 13).
		{name: "ErrNotFound/en", method: "GET", url: "/api/v1/nothing", header: map[string]string{"Accept-Language": "en-US,en;q=0.9"}, status: 404, want: []string{`"type":"/docs#problem-not-found"`, `"title":"Not Found"`, "no such resource: GET /api/v1/nothing"}, badRequest: true},
		{name: "ErrMethodNotAllowed", method: "DELETE", url: "/healthz", status: 405, want: []string{`"status":405`, "allowed: GET"}, badRequest: true},
	})
}

func TestSchemes(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/list", method: "GET", url: "/api/v1/schemes", status: 200, want: []string{`"total":2`, `"code":"rugao-2022-medical"`, `"units":14`, `"limit":50`, `"offset":0`}},
		{name: "OK/list page", method: "GET", url: "/api/v1/schemes?limit=1&offset=1", status: 200, want: []string{`"total":2`, `"code":"tiny"`, `"limit":1`, `"offset":1`}, notWant: []string{"rugao"}},
		{name: "ErrLimitNotNumber", method: "GET", url: "/api/v1/schemes?limit=ten", status: 400, want: []string{`"field":"limit"`, "not a whole number"}, badRequest: true},
		{name: "ErrLimitTooLarge", method: "GET", url: "/api/v1/schemes?limit=501", status: 400, want: []string{`"field":"limit"`, "out of range"}, badRequest: true},
		{name: "ErrOffsetNegative", method: "GET", url: "/api/v1/schemes?offset=-1", status: 400, want: []string{`"field":"offset"`}, badRequest: true},
		{name: "OK/create", method: "POST", url: "/api/v1/schemes?message=first", body: tinyCopy, status: 201, want: []string{`"code":"tiny-copy"`, `"revision":1`, `"warnings":[]`}},
		{name: "OK/create YAML", method: "POST", url: "/api/v1/schemes", body: tinyCopyYAML, contentType: "application/yaml", status: 201, want: []string{`"code":"tiny-yaml"`}},
		{name: "ErrConflict", method: "POST", url: "/api/v1/schemes", body: tinyCopy, status: 409, want: []string{`"type":"/docs#problem-conflict"`, `"field":"code"`, "already exists"}},
		{name: "ErrMalformedJSON", method: "POST", url: "/api/v1/schemes", body: `{"code": "x",`, status: 400, want: []string{"malformed JSON"}, badRequest: true},
		{name: "ErrEmptyBody", method: "POST", url: "/api/v1/schemes", contentType: "application/json", status: 400, want: []string{"no body"}, badRequest: true},
		{name: "ErrUnsupportedMediaType", method: "POST", url: "/api/v1/schemes", body: "code: x", contentType: "text/plain", status: 415, want: []string{"text/plain"}, badRequest: true},
		{name: "ErrUnknownField", method: "POST", url: "/api/v1/schemes", body: strings.Replace(tinyCopy, `"formula"`, `"formual"`, 1), status: 422,
			want: []string{`"type":"/docs#problem-invalid"`, `formual`, `"problems":[`}, badRequest: true},
		{name: "ErrFormula", method: "POST", url: "/api/v1/schemes", body: strings.Replace(strings.Replace(tinyCopy, "4 - late", "4 - lat", 1), "tiny-copy", "tiny-bad", 1), status: 422,
			want: []string{`"errors":[{"item":"ontime","line":1,"column":5`, `"item":"ontime"`, `"line":1`, `"snippet":`, "lat"}},
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/tiny", status: 200, want: []string{`"code":"tiny"`, `"revision":1`, `"units":[{"code":"u1"`, `"formula":"6 - 0.1 * ceil(below(rate, 100))"`}},
		{name: "OK/get YAML", method: "GET", url: "/api/v1/schemes/tiny?format=yaml", status: 200, want: []string{"code: tiny\n", "formula: 4 - late"}},
		{name: "ErrFormat", method: "GET", url: "/api/v1/schemes/tiny?format=xml", status: 400, want: []string{`"field":"format"`}, badRequest: true},
		{name: "ErrNotFound", method: "GET", url: "/api/v1/schemes/nothing", status: 404, want: []string{`scheme \"nothing\" not found`}},
		{name: "OK/replace", method: "PUT", url: "/api/v1/schemes/tiny-copy?message=second", body: strings.Replace(tinyCopy, `"Tiny copy"`, `"Tiny copy, again"`, 1), status: 200, want: []string{`"revision":2`}},
		{name: "OK/replace shows", method: "GET", url: "/api/v1/schemes/tiny-copy", status: 200, want: []string{`"title":"Tiny copy, again"`, `"revision":2`}},
		{name: "ErrReplaceOtherCode", method: "PUT", url: "/api/v1/schemes/tiny", body: tinyCopy, status: 422, want: []string{`"field":"code"`}},
		{name: "ErrReplaceNotFound", method: "PUT", url: "/api/v1/schemes/nothing", body: strings.Replace(tinyCopy, "tiny-copy", "nothing", 1), status: 404},
		{name: "OK/delete", method: "DELETE", url: "/api/v1/schemes/tiny-copy", status: 204},
		{name: "ErrDeleteAgain", method: "DELETE", url: "/api/v1/schemes/tiny-copy", status: 404},
		{name: "ErrGetDeleted", method: "GET", url: "/api/v1/schemes/tiny-copy", status: 404},
	})
}

func TestCheckScheme(t *testing.T) {
	e := newEnv(t)
	doc := string(mustRead(t, "testdata/tiny.json"))
	e.run(t, []scenario{
		{name: "OK/formula", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"item": "done", "formula": "6 - 0.2 * ceil(below(rate, 100))"}`, status: 200, want: []string{`"valid":true`, `"warnings":[]`}},
		{name: "OK/output formula", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"item": "rate", "formula": "pct(actual, target) / 2"}`, status: 200, want: []string{`"valid":true`}},
		{name: "OK/formula alone", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"formula": "rank(done) + late"}`, status: 200, want: []string{`"valid":true`}},
		{name: "OK/document", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"document": ` + doc + `}`, status: 200, want: []string{`"valid":true`}},
		{name: "ErrFormula", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"item": "done", "formula": "6 - ceil(below(rat, 100))"}`, status: 422,
			want: []string{`"item":"done"`, `"line":1`, `"column":`, `"snippet":`, "rat"}},
		{name: "ErrSyntax", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"item": "done", "formula": "6 -\n (late"}`, status: 422, want: []string{`"line":2`}},
		{name: "ErrDocument", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"document": ` + strings.Replace(doc, `"formula"`, `"formual"`, 1) + `}`, status: 422, want: []string{"formual"}, badRequest: true},
		{name: "ErrDocumentOtherCode", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/check", body: `{"document": ` + doc + `}`, status: 422, want: []string{`"field":"code"`}},
		{name: "ErrUnknownItem", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"item": "nothing", "formula": "1"}`, status: 404, want: []string{"nothing"}},
		{name: "ErrNothing", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{}`, status: 422, want: []string{"give a formula"}},
		{name: "ErrBoth", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"formula": "1", "document": ` + doc + `}`, status: 422, want: []string{"either"}},
		{name: "ErrSchemeNotFound", method: "POST", url: "/api/v1/schemes/nothing/check", body: `{"formula": "1"}`, status: 404},
		{name: "ErrUnknownField", method: "POST", url: "/api/v1/schemes/tiny/check", body: `{"formual": "1"}`, status: 422, want: []string{`"field":"formual"`}, badRequest: true},
	})
	// Nothing was saved.
	var s struct{ Revision int }
	e.getJSON(t, "/api/v1/schemes/tiny", &s)
	if s.Revision != 1 {
		t.Errorf("revision %d after checks, want 1", s.Revision)
	}
	_ = http.MethodGet
}

func TestSchemeDocumentFormats(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/get with values", method: "GET", url: "/api/v1/schemes/tiny?values=true", status: 200,
			want: []string{`"units":[{"code":"u1"`, `"values":{"final":{"u1":{`, `"late":{"note":"March report late","value":1}`, `"self":{"u1":{`}},
		{name: "OK/get YAML with values", method: "GET", url: "/api/v1/schemes/tiny?format=yaml&values=true", status: 200,
			want: []string{"code: tiny\n", "units:\n    - code: u1\n", "values:\n    final:\n", "late:\n                note: March report late\n                value: 1\n"}},
		{name: "OK/get without values", method: "GET", url: "/api/v1/schemes/tiny?format=yaml", status: 200, notWant: []string{"values:", "March report late"}},
		{name: "ErrValues", method: "GET", url: "/api/v1/schemes/tiny?values=maybe", status: 400, want: []string{`"field":"values"`}, badRequest: true},
		{name: "OK/create text/yaml", method: "POST", url: "/api/v1/schemes", body: strings.Replace(tinyCopyYAML, "tiny-yaml", "tiny-text-yaml", 1), contentType: "text/yaml", status: 201, want: []string{`"code":"tiny-text-yaml"`}},
		{name: "OK/create application/x-yaml", method: "POST", url: "/api/v1/schemes", body: strings.Replace(tinyCopyYAML, "tiny-yaml", "tiny-x-yaml", 1), contentType: "application/x-yaml; charset=utf-8", status: 201, want: []string{`"code":"tiny-x-yaml"`}},
		{name: "OK/replace YAML", method: "PUT", url: "/api/v1/schemes/tiny-x-yaml", body: strings.Replace(strings.Replace(tinyCopyYAML, "tiny-yaml", "tiny-x-yaml", 1), "Tiny in YAML", "Tiny, replaced in YAML", 1), contentType: "application/yaml", status: 200, want: []string{`"revision":2`}},
		{name: "OK/replace YAML shows", method: "GET", url: "/api/v1/schemes/tiny-x-yaml?format=yaml", status: 200, want: []string{"title: Tiny, replaced in YAML\n", "revision: 2\n"}},
		{name: "ErrMalformedYAML", method: "POST", url: "/api/v1/schemes", body: "code: x\ntitle: [\n", contentType: "application/yaml", status: 422, want: []string{"malformed YAML"}},
		{name: "ErrYAMLUnknownField", method: "PUT", url: "/api/v1/schemes/tiny-x-yaml", body: strings.Replace(tinyCopyYAML, "formula:", "formual:", 1), contentType: "text/yaml", status: 422, want: []string{"formual"}},
	})
}

// TestSchemeRoundTrip exports every seed scheme with its values, as YAML and as JSON, imports
// the document under a new code and checks that both schemes evaluate to the same sheet —
// every cell, total, grade and rank, in both layers.
func TestSchemeRoundTrip(t *testing.T) {
	e := newSeedEnv(t)
	for _, name := range seeds.Names() {
		data, err := seeds.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := schema.DecodeYAML(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		code := doc.Code
		for _, format := range []string{"yaml", "json"} {
			t.Run(code+"/"+format, func(t *testing.T) {
				url := "/api/v1/schemes/" + code + "?values=true&format=" + format
				resp, exported := e.do(t, "GET", url, "", "", nil)
				theContract.check(t, newRequest("GET", url, "", "", nil), nil, resp, exported, false)
				if resp.StatusCode != 200 {
					t.Fatalf("export: %d %s", resp.StatusCode, exported)
				}
				copyCode := code + "-" + format
				var body, ctype string
				if format == "yaml" {
					prefix := "code: " + code + "\n"
					if !bytes.HasPrefix(exported, []byte(prefix)) {
						t.Fatalf("the YAML export does not start with %q:\n%.200s", prefix, exported)
					}
					body, ctype = "code: "+copyCode+"\n"+string(exported[len(prefix):]), "application/yaml"
				} else {
					var m map[string]any
					if err := json.Unmarshal(exported, &m); err != nil {
						t.Fatal(err)
					}
					m["code"] = copyCode
					out, _ := json.Marshal(m)
					body, ctype = string(out), "application/json"
				}
				req := newRequest("POST", "/api/v1/schemes", body, ctype, nil)
				resp, saved := e.do(t, "POST", "/api/v1/schemes", body, ctype, nil)
				theContract.check(t, req, []byte(body), resp, saved, false)
				if resp.StatusCode != 201 {
					t.Fatalf("import: %d %s", resp.StatusCode, saved)
				}
				cells := 0
				for _, layer := range []string{"final", "self"} {
					a, b := sheetOf(t, e, code, layer), sheetOf(t, e, copyCode, layer)
					if !reflect.DeepEqual(a.Columns, b.Columns) || !reflect.DeepEqual(a.Warnings, b.Warnings) {
						t.Errorf("%s: columns or warnings differ", layer)
					}
					if len(a.Units) != len(b.Units) {
						t.Fatalf("%s: %d units, copy %d", layer, len(a.Units), len(b.Units))
					}
					for i := range a.Units {
						if !reflect.DeepEqual(a.Units[i], b.Units[i]) {
							ja, _ := json.Marshal(a.Units[i])
							jb, _ := json.Marshal(b.Units[i])
							t.Errorf("%s: unit %d differs:\n%s\n%s", layer, i, ja, jb)
						}
						if c, ok := a.Units[i]["cells"].(map[string]any); ok {
							cells += len(c)
						}
					}
				}
				if cells == 0 {
					t.Error("no cells compared")
				}
				// The copy exports to the same document, but for its code and revision.
				_, again := e.do(t, "GET", "/api/v1/schemes/"+copyCode+"?values=true&format="+format, "", "", nil)
				if format == "yaml" && string(again) != body {
					t.Errorf("the copy's export differs from the document it was created from")
				}
			})
		}
	}
}

// sheet is the JSON answer of getResults, decoded loosely.
type sheet struct {
	Columns  []any
	Warnings []any
	Units    []map[string]any
}

func sheetOf(t testing.TB, e *env, code, layer string) sheet {
	t.Helper()
	var s sheet
	e.getJSON(t, "/api/v1/schemes/"+code+"/results?layer="+layer, &s)
	return s
}

// newSeedEnv is a server on a fresh SQLite file with every seed scheme.
func newSeedEnv(t testing.TB) *env {
	t.Helper()
	store := mustOpenStore(t)
	for _, name := range seeds.Names() {
		data, err := seeds.Read(name)
		if err != nil {
			t.Fatal(err)
		}
		mustCreate(t, store, data, true)
	}
	logs := &syncBuffer{}
	return &env{store: store, app: server.New(store, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Version: "test"}), logs: logs}
}
