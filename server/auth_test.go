package server_test

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestAuthentication checks that every /api/v1 route needs a token that is known and not
// revoked, that the public routes need none, and that a token's name and the X-Reason header
// are recorded with its writes.
func TestAuthentication(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		clerk, _, err := e.store.CreateToken(ctx, schema.TokenSpec{Name: "clerk", Role: schema.RoleAdmin}, "test")
		if err != nil {
			t.Fatal(err)
		}
		gone, _, err := e.store.CreateToken(ctx, schema.TokenSpec{Name: "gone", Role: schema.RoleAdmin}, "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.RevokeToken(ctx, "gone", "test"); err != nil {
			t.Fatal(err)
		}
		challenge := map[string]string{"WWW-Authenticate": `Bearer realm="rubric"`}
		noToken := map[string]string{"Authorization": ""}
		e.runScenarios(t, []scenario{
			{name: "ErrNoToken", method: "GET", url: "/api/v1/schemes", header: noToken, status: 401, badRequest: true,
				want: []string{`"type":"/docs#problem-unauthorized"`, `"status":401`}, wantHeader: challenge},
			{name: "ErrNoTokenWrite", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 1}`, header: noToken, status: 401, badRequest: true,
				wantHeader: challenge},
			{name: "ErrBasic", method: "GET", url: "/api/v1/schemes", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}, status: 401, badRequest: true,
				wantHeader: challenge},
			{name: "ErrUnknownToken", method: "GET", url: "/api/v1/schemes/tiny", header: map[string]string{"Authorization": bearer("rbk_nobody")}, status: 401,
				want: []string{"unknown or revoked token"}, wantHeader: challenge},
			{name: "ErrRevokedToken", method: "GET", url: "/api/v1/schemes/tiny", header: map[string]string{"Authorization": bearer(gone)}, status: 401,
				want: []string{"unknown or revoked token"}, wantHeader: challenge},
			{name: "ErrUnknownRoute", method: "GET", url: "/api/v1/nothing", header: noToken, status: 401, badRequest: true, wantHeader: challenge},
			{name: "OK/healthz", method: "GET", url: "/healthz", header: noToken, status: 200},
			{name: "OK/openapi", method: "GET", url: "/openapi.yaml", header: noToken, status: 200},
			{name: "OK/docs", method: "GET", url: "/docs", header: noToken, status: 200},
			{name: "OK/who", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 4}`,
				header: map[string]string{"Authorization": bearer(clerk), "X-Reason": "月报更正"}, status: 200,
				want: []string{`"late":{"value":4,"who":"clerk"`}},
		})
		changes, _, err := e.store.History(ctx, "tiny", schema.HistoryQuery{Who: "clerk"}, schema.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].Reason != "月报更正" || changes[0].Unit != "u1" {
			t.Errorf("history of clerk: %+v, want one change of u1 with its reason", changes)
		}
	})
}
