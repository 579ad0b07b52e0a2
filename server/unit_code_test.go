package server_test

import "testing"

// TestIssue13OfficeUnitCodes: a unit coded as offices code them (统一社会信用代码, 行政区划代码)
// is created, read in its URL, given values, scored, listed in the template and found by an
// import, all within the contract.
func TestIssue13OfficeUnitCodes(t *testing.T) {
	e := newEnv(t)
	const base = "/api/v1/schemes/tiny"
	e.runScenarios(t, []scenario{
		{name: "OK/create", method: "POST", url: base + "/units", body: `{"code": "91320000MA1234567X", "name": "某公司", "group": "a"}`, status: 201,
			wantHeader: map[string]string{"Location": base + "/units/91320000MA1234567X"}},
		{name: "OK/createDigits", method: "POST", url: base + "/units", body: `{"code": "320682", "name": "如皋市", "group": "b"}`, status: 201},
		{name: "OK/get", method: "GET", url: base + "/units/91320000MA1234567X", status: 200, want: []string{`"code":"91320000MA1234567X"`}},
		{name: "OK/values", method: "PATCH", url: base + "/units/320682/values", body: `{"target": 100, "actual": 97, "late": 0}`, status: 200},
		{name: "OK/result", method: "GET", url: base + "/results/320682", status: 200, want: []string{`"code":"320682"`, `"complete":true`}},
		{name: "OK/filter", method: "GET", url: base + "/results?units=320682,91320000MA1234567X", status: 200, want: []string{`"code":"320682"`}, notWant: []string{`"code":"u1"`}},
		{name: "OK/template", method: "GET", url: base + "/template?format=csv", status: 200, want: []string{"\r\n320682,如皋市,100,97,0,", "\r\n91320000MA1234567X,某公司,"}},
		{name: "OK/import", method: "POST", url: base + "/values/import?dry_run=true", contentType: "text/csv",
			body: "unit,target,actual\r\n320682,100,99\r\n", status: 200, want: []string{`{"unit":"320682","metric":"actual","old_value":97,"new_value":99}`}},
		{name: "ErrBadCode", method: "POST", url: base + "/units", body: `{"code": "a/b", "name": "x", "group": "a"}`, status: 422, badRequest: true,
			want: []string{`not a valid unit code`}},
	})
}
