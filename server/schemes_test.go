package server_test

import (
	"net/http"
	"strings"
	"testing"
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
		{name: "OK/docs", method: "GET", url: "/docs", status: 200, want: []string{"<!doctype html>", `id="op-patchItem"`, `id="problem-invalid"`, `id="schema-Problem"`}, notWant: []string{"<script", "https://"}},
		{name: "ErrNotFound", method: "GET", url: "/api/v1/nothing", status: 404, want: []string{`"type":"/docs#problem-not-found"`, `"title":"Not Found"`, "GET /api/v1/nothing"}, badRequest: true},
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
