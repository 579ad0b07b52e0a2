package server_test

import (
	"testing"
)

func TestItems(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/list", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200,
			want: []string{`"total":3`, `{"code":"work","title":"Work","kind":"score","max_points":10,"depth":0,"position":0,"category":true,"children":["done","ontime"]}`,
				`"code":"ontime","title":"On time","kind":"score","max_points":4,"formula":"4 - late","parent":"work","depth":1,"position":1,"category":false}`}},
		{name: "OK/list page", method: "GET", url: "/api/v1/schemes/tiny/items?limit=1&offset=2", status: 200, want: []string{`"total":3`, `"code":"ontime"`}, notWant: []string{`"code":"done"`}},
		{name: "OK/list beyond", method: "GET", url: "/api/v1/schemes/tiny/items?offset=10", status: 200, want: []string{`"items":[]`, `"total":3`}},
		{name: "ErrListSchemeNotFound", method: "GET", url: "/api/v1/schemes/nothing/items", status: 404},
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/tiny/items/done", status: 200, want: []string{`"code":"done"`, `"parent":"work"`, `"formula":"6 - 0.1 * ceil(below(rate, 100))"`}},
		{name: "ErrGetNotFound", method: "GET", url: "/api/v1/schemes/tiny/items/nothing", status: 404, want: []string{`item \"nothing\" of scheme \"tiny\" not found`}},

		{name: "OK/patch dry run", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?dry_run=true", body: `{"formula": "6 - 0.5 * ceil(below(rate, 100))"}`, status: 200,
			want: []string{`"dry_run":true`, `"revision":1`, `"layer":"final"`, `"grade_changes":["u2"]`,
				`{"unit":"u2","name":"Two","old_total":8.5,"new_total":6.5,"old_rank":2,"new_rank":2,"old_grade":"good","new_grade":"poor","changed":true}`,
				`{"unit":"u1","name":"One","old_total":10,"new_total":10,"old_rank":1,"new_rank":1,"old_grade":"good","new_grade":"good","changed":false}`,
				`"formula":"6 - 0.5 * ceil(below(rate, 100))"`}},
		{name: "OK/dry run saved nothing", method: "GET", url: "/api/v1/schemes/tiny/items/done", status: 200, want: []string{`"formula":"6 - 0.1 * ceil(below(rate, 100))"`}},
		{name: "OK/patch dry run self layer", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?dry_run=true&layer=self", body: `{"formula": "6 - 0.5 * ceil(below(rate, 100))"}`, status: 200,
			want: []string{`"layer":"self"`, `"grade_changes":[]`}},
		{name: "ErrPatchDryRunFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?dry_run=true", body: `{"formula": "6 - rat"}`, status: 422, want: []string{`"item":"done"`, `"column":5`}},
		{name: "ErrDryRunNotBool", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?dry_run=maybe", body: `{"formula": "6"}`, status: 400, want: []string{`"field":"dry_run"`}, badRequest: true},
		{name: "ErrLayer", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?dry_run=true&layer=draft", body: `{"formula": "6"}`, status: 400, want: []string{`"field":"layer"`}, badRequest: true},
		{name: "OK/patch", method: "PATCH", url: "/api/v1/schemes/tiny/items/done?message=stricter", body: `{"formula": "6 - 0.5 * ceil(below(rate, 100))"}`, status: 200,
			want: []string{`"revision":2`, `"formula":"6 - 0.5 * ceil(below(rate, 100))"`}, notWant: []string{"dry_run", "impact"}},
		{name: "OK/patch is used", method: "GET", url: "/api/v1/schemes/tiny/results?units=u2", status: 200, want: []string{`"revision":2`, `"total":6.5`, `"grade":"poor"`}},
		{name: "OK/patch title", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"title": "工作", "criteria": "见文件"}`, status: 200, want: []string{`"title":"工作"`, `"revision":3`}},
		{name: "ErrPatchFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"formula": "6 - 0.5 * ceil(below(rat, 100))"}`, status: 422,
			want: []string{`"item":"done"`, `"line":1`, `"column":`, `"errors":[{"item":"done"`, `"snippet":"`}},
		{name: "ErrPatchCategoryFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"formula": "10"}`, status: 422, want: []string{"category"}},
		{name: "ErrPatchKind", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"kind": "penalty"}`, status: 422, want: []string{"kind"}, badRequest: true},
		{name: "ErrPatchEmpty", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{}`, status: 422, want: []string{"changes nothing"}, badRequest: true},
		{name: "ErrPatchUnknownField", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"formual": "6"}`, status: 422, want: []string{`"field":"formual"`, "unknown field"}, badRequest: true},
		{name: "ErrPatchWrongType", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"max_points": "six"}`, status: 422, want: []string{`"field":"max_points"`, "expected a number"}, badRequest: true},
		{name: "ErrPatchMalformed", method: "PATCH", url: "/api/v1/schemes/tiny/items/done", body: `{"formula": }`, status: 400, want: []string{"malformed JSON at line 1, column 13"}, badRequest: true},
		{name: "ErrPatchNotFound", method: "PATCH", url: "/api/v1/schemes/tiny/items/nothing", body: `{"formula": "1"}`, status: 404},
		{name: "ErrPatchSchemeNotFound", method: "PATCH", url: "/api/v1/schemes/nothing/items/done", body: `{"formula": "1"}`, status: 404},
		{name: "OK/revision unchanged by errors", method: "GET", url: "/api/v1/schemes/tiny", status: 200, want: []string{`"revision":3`}},

		{name: "OK/create", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"parent": "work", "position": 0, "code": "bonus", "title": "Bonus", "kind": "bonus", "max_points": 1, "formula": "late == 0 ? 1 : 0"}`, status: 201,
			want: []string{`"code":"bonus"`, `"kind":"bonus"`, `"parent":"work"`, `"position":0`, `"depth":1`, `"revision":4`}},
		{name: "OK/create category", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "extra", "title": "Extra", "kind": "bonus", "max_points": 2, "children": [{"code": "extra_rate", "title": "Rate", "kind": "bonus", "max_points": 2, "formula": "rate > 100 ? 2 : 0"}]}`, status: 201,
			want: []string{`"code":"extra"`, `"category":true`, `"children":["extra_rate"]`, `"position":1`}},
		{name: "OK/created order", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200, want: []string{`"children":["bonus","done","ontime"]`, `"total":6`}},
		{name: "ErrCreateConflict", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "done", "title": "Again", "formula": "1"}`, status: 409, want: []string{`"field":"code"`}},
		{name: "ErrCreateMetricCode", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "late", "title": "Late", "formula": "1"}`, status: 422, want: []string{"late"}},
		{name: "ErrCreateParent", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"parent": "nothing", "code": "x", "title": "X", "formula": "1"}`, status: 422, want: []string{`"field":"parent"`}},
		{name: "ErrCreatePosition", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"position": 9, "code": "x", "title": "X", "formula": "1"}`, status: 422, want: []string{`"field":"position"`}},
		{name: "ErrCreateFormula", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "x", "title": "X", "formula": "1 +"}`, status: 422, want: []string{`"item":"x"`}},
		{name: "ErrCreateNoFormula", method: "POST", url: "/api/v1/schemes/tiny/items", body: `{"code": "x", "title": "X"}`, status: 422, want: []string{"formula"}},

		{name: "OK/delete", method: "DELETE", url: "/api/v1/schemes/tiny/items/extra", status: 200, want: []string{`"code":"tiny"`, `"revision":6`}},
		{name: "ErrDeleteNotFound", method: "DELETE", url: "/api/v1/schemes/tiny/items/extra", status: 404},
		{name: "OK/delete category", method: "DELETE", url: "/api/v1/schemes/tiny/items/work", status: 200, want: []string{`"revision":7`, `"kind":`}},
		{name: "OK/deleted", method: "GET", url: "/api/v1/schemes/tiny/items", status: 200, want: []string{`"items":[]`, `"total":0`}},
	})
}
