package server_test

import "testing"

// TestIssue13FormulaFailingForEveryUnit: a formula that fails for every unit (a division by
// zero) is saved with a warning naming it, and the dry run says so before the save: in
// Chinese, or in English when asked for (Accept-Language: en).
func TestIssue13FormulaFailingForEveryUnit(t *testing.T) {
	e := newEnv(t)
	const url = "/api/v1/schemes/tiny/items/ontime"
	const body = `{"formula": "late / 0"}`
	e.runScenarios(t, []scenario{
		{name: "OK/dryRun", method: "PATCH", url: url + "?dry_run=true", body: body, status: 200,
			want: []string{`"kind":"fails_for_every_unit","item":"ontime"`, `"message":"ontime 对每个单位都无法计算（3/3 个单位）：division by zero"`}},
		{name: "OK/dryRun/en", method: "PATCH", url: url + "?dry_run=true", body: body, header: map[string]string{"Accept-Language": "en"}, status: 200,
			want: []string{`"kind":"fails_for_every_unit","item":"ontime"`, `"message":"ontime fails for every unit (3 of 3): division by zero"`}},
		{name: "OK/save", method: "PATCH", url: url, body: body, status: 200,
			want: []string{`"kind":"fails_for_every_unit","item":"ontime"`, `ontime 对每个单位都无法计算`}},
		{name: "OK/fixed", method: "PATCH", url: url, body: `{"formula": "4 - late"}`, status: 200,
			notWant: []string{`fails_for_every_unit`}},
	})
}
