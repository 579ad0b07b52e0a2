package server_test

import (
	"encoding/json"
	"testing"
)

// TestReuseRevokedTokenName gives the name of a revoked token to a new one through the API, on
// both engines: the new token works, the revoked one is still refused, both are listed, and a
// second live token of the name is a 409.
func TestReuseRevokedTokenName(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		create := func(t *testing.T, role string) string {
			t.Helper()
			resp, body := e.do(t, "POST", "/api/v1/tokens", `{"name": "clerk", "role": "`+role+`"}`, "", nil)
			if resp.StatusCode != 201 {
				t.Fatalf("create clerk: %d %s", resp.StatusCode, body)
			}
			var created struct{ Secret string }
			if err := json.Unmarshal(body, &created); err != nil || created.Secret == "" {
				t.Fatalf("create clerk: %v %s", err, body)
			}
			return created.Secret
		}
		old := create(t, "viewer")
		e.runScenarios(t, []scenario{
			{name: "OK/revoke", method: "DELETE", url: "/api/v1/tokens/clerk", status: 204},
		})
		renewed := create(t, "assessor")
		e.runScenarios(t, []scenario{
			{name: "OK/newToken", method: "GET", url: "/api/v1/token", header: map[string]string{"Authorization": bearer(renewed)}, status: 200,
				want: []string{`"name":"clerk"`, `"role":"assessor"`, `"revoked_at":null`}},
			{name: "ErrOldToken", method: "GET", url: "/api/v1/token", header: map[string]string{"Authorization": bearer(old)}, status: 401},
			{name: "ErrTwoLive", method: "POST", url: "/api/v1/tokens", body: `{"name": "clerk", "role": "viewer"}`, status: 409,
				want: []string{`"field":"name"`, `token \"clerk\" already exists`}},
			{name: "OK/list", method: "GET", url: "/api/v1/tokens", status: 200,
				want: []string{`"name":"clerk","role":"viewer"`, `"name":"clerk","role":"assessor"`, `"total":3`}},
		})
	})
}
