package server_test

import "testing"

// TestIssue13FormulaFailingForEveryUnit: a formula that fails for every unit (a division by
// zero) is saved with a warning naming it, and the dry run says so before the save.
func TestIssue13FormulaFailingForEveryUnit(t *testing.T) {
	e := newEnv(t)
	const url = "/api/v1/schemes/tiny/items/ontime"
	const body = `{"formula": "late / 0"}`
	e.runScenarios(t, []scenario{
		{name: "OK/dryRun", method: "PATCH", url: url + "?dry_run=true", body: body, status: 200,
			want: []string{`"kind":"fails_for_every_unit","item":"ontime"`, `ontime fails for every unit`}},
		{name: "OK/save", method: "PATCH", url: url, body: body, status: 200,
			want: []string{`"kind":"fails_for_every_unit","item":"ontime"`, `ontime fails for every unit`}},
		{name: "OK/fixed", method: "PATCH", url: url, body: `{"formula": "4 - late"}`, status: 200,
			notWant: []string{`fails_for_every_unit`}},
	})
}
