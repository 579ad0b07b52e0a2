package server_test

import "testing"

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/list", method: "GET", url: "/api/v1/schemes/tiny/metrics", status: 200,
			want: []string{`"total":4`, `{"code":"target","title":"Target","type":"integer","unit":"人","min":0}`, `{"code":"late","title":"Late reports","type":"integer","min":0,"max":10,"default":0}`}},
		{name: "OK/list page", method: "GET", url: "/api/v1/schemes/tiny/metrics?limit=2&offset=2", status: 200, want: []string{`"code":"late"`, `"code":"spare"`}, notWant: []string{`"code":"target"`}},
		{name: "ErrListNotFound", method: "GET", url: "/api/v1/schemes/nothing/metrics", status: 404},
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/tiny/metrics/actual", status: 200, want: []string{`"code":"actual"`, `"type":"integer"`}},
		{name: "ErrGetNotFound", method: "GET", url: "/api/v1/schemes/tiny/metrics/nothing", status: 404, want: []string{`metric \"nothing\"`}},
		{name: "OK/create", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "visits", "title": "Visits", "type": "integer", "min": 0, "default": 0}`, status: 201,
			want: []string{`"metric":{"code":"visits"`, `"revision":2`}},
		{name: "ErrCreateConflict", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "visits", "title": "Again", "type": "number"}`, status: 409},
		{name: "ErrCreateItemCode", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "done", "title": "Done", "type": "number"}`, status: 422, want: []string{"done"}},
		{name: "ErrCreateType", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "x", "title": "X", "type": "float"}`, status: 422, want: []string{"float"}, badRequest: true},
		{name: "ErrCreateReserved", method: "POST", url: "/api/v1/schemes/tiny/metrics", body: `{"code": "total", "title": "Total", "type": "number"}`, status: 422, want: []string{"total"}},
		{name: "OK/patch", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/late", body: `{"max": 20, "title": "迟报次数"}`, status: 200, want: []string{`"title":"迟报次数"`, `"max":20`, `"revision":3`}},
		{name: "ErrPatchBounds", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/late", body: `{"max": -1}`, status: 422, want: []string{"max"}},
		{name: "ErrPatchTypeBreaksFormula", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/late", body: `{"type": "text", "min": 0}`, status: 422},
		{name: "ErrPatchEmpty", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/late", body: `{}`, status: 422, badRequest: true},
		{name: "ErrPatchNotFound", method: "PATCH", url: "/api/v1/schemes/tiny/metrics/nothing", body: `{"max": 1}`, status: 404},
		{name: "ErrDeleteRead", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/late", status: 422, want: []string{`"field":"metric"`, `late is used by ontime: change their formulas first`}, notWant: []string{"unknown name"}},
		{name: "ErrDeleteReadByOutput", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/actual", status: 422, want: []string{`actual is used by rate: change their formulas first`}},
		{name: "OK/delete", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/spare", status: 200, want: []string{`"revision":4`}},
		{name: "ErrDeleteNotFound", method: "DELETE", url: "/api/v1/schemes/tiny/metrics/spare", status: 404},
	})
}
