package server_test

import "testing"

// TestCompareResults puts tiny's self and final sheets side by side: u2 assessed 95 of 100
// (done 5.5, one late report: ontime 3, total 8.5) against its self-assessed 100 (total 10).
func TestCompareResults(t *testing.T) {
	e := newEnv(t)
	const url = "/api/v1/schemes/tiny/results/compare"
	e.run(t, []scenario{
		{name: "OK/self vs final", method: "GET", url: url + "?a=self&b=final", status: 200, want: []string{
			`"a":{"publication":0,"layer":"self","revision":1}`, `"b":{"publication":0,"layer":"final","revision":1}`,
			`{"unit":"u2","name":"Two","group":"b","a":{"complete":true,"total":10,"grade":"good","rank":1,"group_rank":1},"b":{"complete":true,"total":8.5,"grade":"good","rank":2,"group_rank":1},"delta":-1.5,"cells":[` +
				`{"code":"work","a":10,"b":8.5,"delta":-1.5},{"code":"done","a":6,"b":5.5,"delta":-0.5},{"code":"ontime","a":4,"b":3,"delta":-1},{"code":"rate","a":100,"b":95,"delta":-5}],"grade_differs":false,"money_differs":[]}`,
			`"unit":"u3","name":"Three","group":"a","a":{"complete":true,"total":10`, `"b":{"complete":false,"total":null`,
			`"differing":[]`}},
		{name: "OK/defaults", method: "GET", url: url, status: 200, want: []string{`"a":{"publication":0,"layer":"self"`}},
		{name: "ErrBadSide", method: "GET", url: url + "?a=draft", status: 422, want: []string{`"field":"a"`}, badRequest: true},
		{name: "ErrNoPublication", method: "GET", url: url + "?a=3", status: 404},
		{name: "ErrSchemeNotFound", method: "GET", url: "/api/v1/schemes/nothing/results/compare", status: 404},
	})
}
