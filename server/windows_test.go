package server_test

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestWindows closes the self layer of tiny and checks that values, imports and a unit token's
// writes are refused with a 409 naming the layer, that reopening needs a reason, and that both
// are in the history.
func TestWindows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		clerk, _, err := e.store.CreateToken(context.Background(),
			schema.TokenSpec{Name: "u1-clerk", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		unit := map[string]string{"Authorization": bearer(clerk)}
		const layers = "/api/v1/schemes/tiny/layers"
		e.runScenarios(t, []scenario{
			{name: "OK/list", method: "GET", url: layers, status: 200,
				want: []string{`{"items":[{"layer":"self","state":"open","closes_at":null,"closed_at":null},{"layer":"final","state":"open"`}},
			{name: "OK/list unit token", method: "GET", url: layers, header: unit, status: 200},
			{name: "ErrCloseUnitToken", method: "PUT", url: layers + "/self", header: unit, body: `{"state":"closed"}`, status: 403},
			{name: "OK/close self", method: "PUT", url: layers + "/self", body: `{"state":"closed"}`, status: 200,
				want: []string{`"layer":"self","state":"closed"`, `"who":"admin-env"`}},
			{name: "ErrUnitTokenClosed", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", header: unit,
				body: `{"actual": 90}`, status: 409, want: []string{`the self layer (自评) of scheme \"tiny\" closed for entry at`, `"field":"layer"`}},
			{name: "ErrAdminClosed", method: "POST", url: "/api/v1/schemes/tiny/values?layer=self",
				body: `{"values": {"u2": {"actual": 90}}}`, status: 409, want: []string{`the self layer`}},
			{name: "ErrImportClosed", method: "POST", url: "/api/v1/schemes/tiny/values/import?layer=self", contentType: "text/csv",
				body: tinyFilled, status: 409, want: []string{`the self layer`}},
			{name: "OK/final still open", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values",
				body: `{"late": 1}`, status: 200},
			{name: "ErrReopenNoReason", method: "PUT", url: layers + "/self", body: `{"state":"open"}`, status: 422,
				want: []string{`"field":"reason"`, "reopening it needs a reason"}},
			{name: "ErrBadState", method: "PUT", url: layers + "/self", body: `{"state":"ajar"}`, status: 422, want: []string{`"field":"state"`}, badRequest: true},
			{name: "ErrBadDeadline", method: "PUT", url: layers + "/self", body: `{"state":"open","closes_at":"tomorrow"}`, status: 422,
				want: []string{`"field":"closes_at"`}, badRequest: true},
			{name: "ErrUnknownLayer", method: "PUT", url: layers + "/draft", body: `{"state":"open"}`, status: 422, badRequest: true},
			{name: "OK/reopen", method: "PUT", url: layers + "/self", header: map[string]string{"X-Reason": "u1 补报"},
				body: `{"state":"open","closes_at":"2099-12-15T17:00:00+08:00"}`, status: 200,
				want: []string{`"state":"open","closes_at":"2099-12-15T17:00:00+08:00","closed_at":null`, `"reason":"u1 补报"`}},
			{name: "OK/unit token writes again", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", header: unit,
				body: `{"actual": 90}`, status: 200},
			{name: "OK/history", method: "GET", url: "/api/v1/schemes/tiny/history?kind=layer", status: 200,
				want: []string{`"total":2`, `"kind":"layer","action":"open","target":"self"`, `"reason":"u1 补报"`, `"kind":"layer","action":"close","target":"self"`}},
		})
	})
}
