package server_test

import "testing"

func TestValues(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/tiny/units/u2/values", status: 200,
			want: []string{`"scheme":"tiny"`, `"unit":"u2"`, `"layer":"final"`, `"late":{"value":1,"note":"March report late","who":"test"`, `"actual":{"value":95`}},
		{name: "OK/get self", method: "GET", url: "/api/v1/schemes/tiny/units/u2/values?layer=self", status: 200, want: []string{`"layer":"self"`, `"actual":{"value":100`}, notWant: []string{"late"}},
		{name: "ErrLayer", method: "GET", url: "/api/v1/schemes/tiny/units/u2/values?layer=draft", status: 400, want: []string{`"field":"layer"`}, badRequest: true},
		{name: "ErrUnitNotFound", method: "GET", url: "/api/v1/schemes/tiny/units/u9/values", status: 404, want: []string{`unit \"u9\"`}},
		{name: "ErrSchemeNotFound", method: "GET", url: "/api/v1/schemes/nothing/units/u2/values", status: 404},

		{name: "OK/patch", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": 90, "late": {"value": 2, "note": "两次迟报"}}`, status: 200,
			want: []string{`"actual":{"value":90,"who":"admin-env"`, `"late":{"value":2,"note":"两次迟报","who":"admin-env"`, `"target":{"value":100`}},
		{name: "OK/patch is used", method: "GET", url: "/api/v1/schemes/tiny/results?units=u3", status: 200, want: []string{`"complete":true`, `"total":7`, `"rate":90`}},
		{name: "OK/patch null removes", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"late": null}`, status: 200, notWant: []string{`"late"`}},
		{name: "OK/put", method: "PUT", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"target": 50, "actual": 50}`, status: 200,
			want: []string{`"target":{"value":50`, `"actual":{"value":50`}, notWant: []string{"late"}},
		{name: "OK/put self", method: "PUT", url: "/api/v1/schemes/tiny/units/u3/values?layer=self", body: `{"target": 50, "actual": 60}`, status: 200, want: []string{`"layer":"self"`, `"actual":{"value":60`}},
		{name: "OK/layers apart", method: "GET", url: "/api/v1/schemes/tiny/units/u3/values", status: 200, want: []string{`"actual":{"value":50`}},
		{name: "ErrUnknownMetric", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": 51, "acutal": 52}`, status: 422, want: []string{`"field":"acutal"`, `"metric":"acutal"`, `"unit":"u3"`}},
		{name: "ErrWrongType", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": "many"}`, status: 422, want: []string{`"field":"actual"`, "whole number"}},
		{name: "ErrNotWhole", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": 1.5}`, status: 422, want: []string{"whole number"}},
		{name: "ErrAboveMax", method: "PUT", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"target": 50, "late": 11}`, status: 422, want: []string{`"field":"late"`, "above the maximum 10"}},
		{name: "ErrBelowMin", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": -1}`, status: 422, want: []string{"below the minimum 0"}},
		{name: "ErrNoteField", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `{"actual": {"value": 1, "remark": "x"}}`, status: 422, want: []string{"remark"}, badRequest: true},
		{name: "ErrNotObject", method: "PATCH", url: "/api/v1/schemes/tiny/units/u3/values", body: `[1, 2]`, status: 422, want: []string{"expected an object"}, badRequest: true},
		{name: "ErrNull", method: "PUT", url: "/api/v1/schemes/tiny/units/u3/values", body: `null`, status: 422, badRequest: true},
		{name: "OK/nothing of failed requests saved", method: "GET", url: "/api/v1/schemes/tiny/units/u3/values", status: 200,
			want: []string{`"target":{"value":50`, `"actual":{"value":50`}, notWant: []string{"late", `"value":51`}},
		{name: "ErrPutUnitNotFound", method: "PUT", url: "/api/v1/schemes/tiny/units/u9/values", body: `{"actual": 1}`, status: 404},

		{name: "OK/batch", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u1": {"late": 1}, "u3": {"actual": 40, "late": {"value": 3, "note": "三次"}}}}`, status: 200,
			want: []string{`{"scheme":"tiny","layer":"final","units":2,"values":3}`}},
		{name: "OK/batch saved", method: "GET", url: "/api/v1/schemes/tiny/results?units=u1,u3", status: 200, want: []string{`"total":9`, `"ontime":1`}},
		{name: "OK/batch self", method: "POST", url: "/api/v1/schemes/tiny/values?layer=self", body: `{"values": {"u2": {"late": 0}}}`, status: 200, want: []string{`"layer":"self"`}},
		{name: "ErrBatchAllOrNothing", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u1": {"late": 2}, "u2": {"late": 99}, "u9": {"late": 1}}}`, status: 422,
			want: []string{`"unit":"u9"`, `"field":"u2.late"`, "above the maximum"}},
		{name: "OK/batch saved nothing", method: "GET", url: "/api/v1/schemes/tiny/units/u1/values", status: 200, want: []string{`"late":{"value":1`}},
		{name: "ErrBatchNoValues", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{}`, status: 422, want: []string{`"field":"values"`}, badRequest: true},
		{name: "ErrBatchShape", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u1": 5}}`, status: 422, want: []string{"expected an object"}, badRequest: true},
		{name: "ErrBatchSchemeNotFound", method: "POST", url: "/api/v1/schemes/nothing/values", body: `{"values": {}}`, status: 404},

		{name: "OK/history", method: "GET", url: "/api/v1/schemes/tiny/values/history", status: 200, want: []string{`"items":[{"id":`, `"who":"admin-env"`, `"layer":"self"`}},
		{name: "OK/history of one", method: "GET", url: "/api/v1/schemes/tiny/values/history?unit=u3&metric=late&layer=final", status: 200,
			want: []string{`"total":3`, `"old_value":2,"new_value":null`, `"old_value":null,"new_value":3,"note":"三次"`}, notWant: []string{`"unit":"u1"`, `"layer":"self"`}},
		{name: "OK/history page", method: "GET", url: "/api/v1/schemes/tiny/values/history?unit=u3&metric=late&layer=final&limit=1&offset=2", status: 200, want: []string{`"total":3`, `"limit":1`, `"new_value":2`}},
		{name: "ErrHistoryLayer", method: "GET", url: "/api/v1/schemes/tiny/values/history?layer=x", status: 400, badRequest: true},
		{name: "ErrHistoryNotFound", method: "GET", url: "/api/v1/schemes/nothing/values/history", status: 404},
	})
}
