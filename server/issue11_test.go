package server_test

import (
	"testing"
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
