package server_test

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema"
)

// TestTokens creates, lists and revokes tokens through the API, and uses the new token.
func TestTokens(t *testing.T) {
	e := newEnv(t)
	e.run(t, []scenario{
		{name: "OK/create", method: "POST", url: "/api/v1/tokens", body: `{"name": "clerk-u1", "role": "unit", "scheme": "tiny", "unit": "u1"}`, status: 201,
			want: []string{`"secret":"rbk_`, `"name":"clerk-u1"`, `"role":"unit"`, `"unit":"u1"`}, wantHeader: map[string]string{"Location": "/api/v1/tokens/clerk-u1"}},
		{name: "ErrExists", method: "POST", url: "/api/v1/tokens", body: `{"name": "clerk-u1", "role": "viewer"}`, status: 409},
		{name: "ErrUnknownUnit", method: "POST", url: "/api/v1/tokens", body: `{"name": "clerk-u9", "role": "unit", "scheme": "tiny", "unit": "u9"}`, status: 422, want: []string{`"field":"unit"`}},
		{name: "ErrRole", method: "POST", url: "/api/v1/tokens", body: `{"name": "boss", "role": "owner"}`, status: 422, badRequest: true},
		{name: "OK/list", method: "GET", url: "/api/v1/tokens", status: 200,
			want: []string{`"name":"admin-env"`, `"name":"clerk-u1"`, `"total":2`}, notWant: []string{"secret", "hash"}},
		{name: "OK/revoke", method: "DELETE", url: "/api/v1/tokens/clerk-u1", status: 204},
		{name: "OK/revokeAgain", method: "DELETE", url: "/api/v1/tokens/clerk-u1", status: 204},
		{name: "ErrRevokeUnknown", method: "DELETE", url: "/api/v1/tokens/nobody", status: 404},
		{name: "OK/history", method: "GET", url: "/api/v1/tokens?limit=1&offset=1", status: 200, want: []string{`"revoked_at":"20`}},
	})
}

// TestRoles checks what the roles may write, layer by layer, and what a unit token reads.
func TestRoles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		secret := func(spec schema.TokenSpec) map[string]string {
			s, _, err := e.store.CreateToken(ctx, spec, "test")
			if err != nil {
				t.Fatal(err)
			}
			return map[string]string{"Authorization": bearer(s)}
		}
		unit := secret(schema.TokenSpec{Name: "clerk-u1", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"})
		assessor := secret(schema.TokenSpec{Name: "assessor", Role: schema.RoleAssessor, Scheme: "tiny"})
		viewer := secret(schema.TokenSpec{Name: "viewer", Role: schema.RoleViewer})
		e.runScenarios(t, []scenario{
			{name: "OK/unitSelf", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", body: `{"late": 2}`, header: unit, status: 200,
				want: []string{`"late":{"value":2,"who":"clerk-u1"`}},
			{name: "ErrUnitFinal", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 2}`, header: unit, status: 403},
			{name: "ErrUnitOther", method: "PATCH", url: "/api/v1/schemes/tiny/units/u2/values?layer=self", body: `{"late": 2}`, header: unit, status: 404,
				want: []string{`unit \"u2\" of scheme \"tiny\" not found`}},
			{name: "ErrUnitBulk", method: "POST", url: "/api/v1/schemes/tiny/values?layer=self", body: `{"values": {"u1": {"late": 1}}}`, header: unit, status: 403},
			{name: "ErrUnitOtherScheme", method: "GET", url: "/api/v1/schemes/" + rugao + "/items", header: unit, status: 404,
				want: []string{`scheme \"` + rugao + `\" not found`}},
			{name: "OK/unitResult", method: "GET", url: "/api/v1/schemes/tiny/results/u1?layer=self", header: unit, status: 200, want: []string{`"code":"u1"`}},
			{name: "OK/unitSheet", method: "GET", url: "/api/v1/schemes/tiny/results", header: unit, status: 200,
				want: []string{`"code":"u1"`}, notWant: []string{`"u2"`, `"u3"`}},
			{name: "OK/unitHistory", method: "GET", url: "/api/v1/schemes/tiny/history?kind=value", header: unit, status: 200,
				want: []string{`"unit":"u1"`}, notWant: []string{`"unit":"u2"`, `"unit":"u3"`}},
			{name: "OK/unitSchemes", method: "GET", url: "/api/v1/schemes", header: unit, status: 200,
				want: []string{`"code":"tiny"`, `"total":1`}, notWant: []string{rugao}},
			{name: "OK/assessorFinal", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u2": {"late": 1}}}`, header: assessor, status: 200},
			{name: "ErrAssessorSelf", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values?layer=self", body: `{"late": 2}`, header: assessor, status: 403},
			{name: "ErrAssessorFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"max_points": 5}`, header: assessor, status: 403},
			{name: "ErrViewerWrite", method: "PATCH", url: "/api/v1/schemes/tiny/units/u1/values", body: `{"late": 2}`, header: viewer, status: 403},
			{name: "OK/viewerRead", method: "GET", url: "/api/v1/schemes/" + rugao, header: viewer, status: 200},
			{name: "OK/historyWho", method: "GET", url: "/api/v1/schemes/tiny/history?who=assessor&kind=value&metric=late", status: 200,
				want: []string{`"who":"assessor"`, `"unit":"u2"`, `"total":1`}},
			{name: "OK/historyTime", method: "GET", url: "/api/v1/schemes/tiny/history?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z&limit=2", status: 200,
				want: []string{`"limit":2`}},
			{name: "OK/reasonOfFormula", method: "PATCH", url: "/api/v1/schemes/tiny/items/work", body: `{"criteria": "按完成率计分"}`,
				header: map[string]string{"X-Reason": "2026年细则调整"}, status: 200},
			{name: "OK/historyItem", method: "GET", url: "/api/v1/schemes/tiny/history?item=work&kind=item", status: 200,
				want: []string{`"kind":"item"`, `"target":"work"`, `"reason":"2026年细则调整"`, `"who":"admin-env"`, `"criteria":"按完成率计分"`}},
			{name: "ErrHistorySince", method: "GET", url: "/api/v1/schemes/tiny/history?since=yesterday", status: 400, badRequest: true},
			{name: "ErrHistoryKind", method: "GET", url: "/api/v1/schemes/tiny/history?kind=everything", status: 422, badRequest: true},
		})
	})
}
