package server_test

import "testing"

func TestRevisions(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/change", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime?message=harsher", body: `{"formula": "4 - 2 * late"}`, status: 200, want: []string{`"revision":2`}},
		{name: "OK/list", method: "GET", url: "/api/v1/schemes/tiny/revisions", status: 200,
			want: []string{`"total":2`, `{"revision":2,"who":"admin-env","message":"harsher"`, `{"revision":1,"who":"test","message":"test data"`}, notWant: []string{`"scheme"`}},
		{name: "OK/list page", method: "GET", url: "/api/v1/schemes/tiny/revisions?limit=1&offset=1", status: 200, want: []string{`"revision":1`}, notWant: []string{`"revision":2`}},
		{name: "ErrListNotFound", method: "GET", url: "/api/v1/schemes/nothing/revisions", status: 404},
		{name: "OK/get", method: "GET", url: "/api/v1/schemes/tiny/revisions/1", status: 200, want: []string{`"revision":1`, `"scheme":{"code":"tiny"`, `"formula":"4 - late"`}},
		{name: "ErrGetNotFound", method: "GET", url: "/api/v1/schemes/tiny/revisions/9", status: 404, want: []string{"revision 9"}},
		{name: "ErrGetNotNumber", method: "GET", url: "/api/v1/schemes/tiny/revisions/latest", status: 400, want: []string{`"field":"revision"`}, badRequest: true},
		{name: "ErrGetZero", method: "GET", url: "/api/v1/schemes/tiny/revisions/0", status: 400, badRequest: true},
		{name: "OK/restore", method: "POST", url: "/api/v1/schemes/tiny/revisions/1/restore", status: 200, want: []string{`"code":"tiny","revision":3`}},
		{name: "OK/restored", method: "GET", url: "/api/v1/schemes/tiny/items/ontime", status: 200, want: []string{`"formula":"4 - late"`}},
		{name: "OK/restore kept", method: "GET", url: "/api/v1/schemes/tiny/revisions?limit=1", status: 200, want: []string{`"total":3`, `"message":"restore revision 1"`}},
		{name: "ErrRestoreNotFound", method: "POST", url: "/api/v1/schemes/tiny/revisions/9/restore", status: 404},
		{name: "ErrRestoreSchemeNotFound", method: "POST", url: "/api/v1/schemes/nothing/revisions/1/restore", status: 404},
	})
}
