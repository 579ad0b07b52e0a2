package server_test

import "testing"

func TestUnits(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/list", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/units?limit=2", status: 200,
			want: []string{`"total":14`, `"limit":2`, `{"code":"rucheng","name":"如皋工业园区（如城街道）","group":"主功能区","attrs":{"population":160000}}`}, notWant: []string{"dongchen"}},
		{name: "ErrListNotFound", method: "GET", url: "/api/v1/schemes/nothing/units", status: 404},
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/units/dingyan", status: 200, want: []string{`"name":"丁堰镇"`, `"group":"镇"`}},
		{name: "ErrGetNotFound", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/units/nothing", status: 404, want: []string{`unit \"nothing\"`}},
		{name: "OK/create", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "xincheng", "name": "新城镇", "group": "镇", "attrs": {"population": 52000}}`, status: 201,
			want: []string{`"code":"xincheng"`, `"population":52000`}},
		{name: "OK/created last", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/units?offset=14", status: 200, want: []string{`"total":15`, `"code":"xincheng"`}},
		{name: "ErrCreateConflict", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "xincheng", "name": "新城镇", "group": "镇"}`, status: 409},
		{name: "ErrCreateGroup", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "x", "name": "X", "group": "县"}`, status: 422, want: []string{"县"}},
		{name: "ErrCreateCode", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "X/1", "name": "X", "group": "镇"}`, status: 422, badRequest: true, want: []string{`not a valid unit code`}},
		{name: "ErrCreateAttrType", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "x", "name": "X", "group": "镇", "attrs": {"population": "many"}}`, status: 422, want: []string{"population"}},
		{name: "ErrCreateUnknownField", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/units", body: `{"code": "x", "name": "X", "grop": "镇"}`, status: 422, want: []string{`"field":"grop"`}, badRequest: true},
		{name: "OK/replace", method: "PUT", url: "/api/v1/schemes/rugao-2022-medical/units/xincheng", body: `{"name": "新城街道", "group": "主功能区", "attrs": {"population": 53000}}`, status: 200,
			want: []string{`"code":"xincheng"`, `"name":"新城街道"`, `"group":"主功能区"`}},
		{name: "ErrReplaceCode", method: "PUT", url: "/api/v1/schemes/rugao-2022-medical/units/xincheng", body: `{"code": "other", "name": "X", "group": "镇"}`, status: 422, want: []string{`"field":"code"`}},
		{name: "ErrReplaceNotFound", method: "PUT", url: "/api/v1/schemes/rugao-2022-medical/units/nothing", body: `{"name": "X", "group": "镇"}`, status: 404},
		{name: "OK/delete", method: "DELETE", url: "/api/v1/schemes/rugao-2022-medical/units/xincheng", status: 204},
		{name: "ErrDeleteAgain", method: "DELETE", url: "/api/v1/schemes/rugao-2022-medical/units/xincheng", status: 404},
	})
}
