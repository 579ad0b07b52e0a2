package server_test

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// outcome is what a role gets from a route.
type outcome int

const (
	allowed   outcome = iota // served: not 401, 403 or 404, and 2xx for a GET
	forbidden                // 403
	hidden                   // 404, as a scheme or unit that does not exist
	anonymous                // 401
	likeNone                 // as a unit that does not exist (compared below)
)

func (o outcome) String() string {
	return [...]string{"allowed", "forbidden", "hidden", "unauthorized", "as a unit that does not exist"}[o]
}

// roles of the access matrix: the test's tokens. The assessor is scoped to tiny, the
// outsider (an assessor) to the other scheme, the unit token to tiny's u1.
var matrixRoles = []string{"admin", "assessor", "outsider", "viewer", "unit", "none"}

// expected is what each rule means for each role, on the scheme tiny and the unit token's own
// unit, with the default layer (final); written here independently of the server's code.
var expected = map[server.Rule]map[string]outcome{
	server.RulePublic:      {"admin": allowed, "assessor": allowed, "outsider": allowed, "viewer": allowed, "unit": allowed, "none": allowed},
	server.RuleAdmin:       {"admin": allowed, "assessor": forbidden, "outsider": forbidden, "viewer": forbidden, "unit": forbidden},
	server.RuleSchemes:     {"admin": allowed, "assessor": allowed, "outsider": allowed, "viewer": allowed, "unit": allowed},
	server.RuleRead:        {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": forbidden},
	server.RuleDesign:      {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": allowed},
	server.RuleRoster:      {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": allowed},
	server.RuleUnitRead:    {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": allowed},
	server.RuleUnitWrite:   {"admin": allowed, "assessor": allowed, "viewer": forbidden, "unit": forbidden},
	server.RuleValuesWrite: {"admin": allowed, "assessor": allowed, "viewer": forbidden, "unit": forbidden},
	server.RuleSheet:       {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": allowed},
	server.RuleHistory:     {"admin": allowed, "assessor": allowed, "viewer": allowed, "unit": allowed},
}

// matrixEnv is a server with one token of each role.
type matrixEnv struct {
	*env
	secrets map[string]string
}

func newMatrixEnv(t *testing.T) *matrixEnv {
	t.Helper()
	e := newEnv(t)
	m := &matrixEnv{env: e, secrets: map[string]string{"admin": adminSecret}}
	for role, spec := range map[string]schema.TokenSpec{
		"assessor": {Name: "assessor", Role: schema.RoleAssessor, Scheme: "tiny"},
		"outsider": {Name: "outsider", Role: schema.RoleAssessor, Scheme: rugao},
		"viewer":   {Name: "viewer", Role: schema.RoleViewer},
		"unit":     {Name: "unit-u1", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"},
	} {
		secret, _, err := e.store.CreateToken(context.Background(), spec, "test")
		if err != nil {
			t.Fatal(err)
		}
		m.secrets[role] = secret
	}
	// Publication 1 of tiny and webhook 1, for the routes of publications and webhooks.
	if _, err := e.store.Publish(context.Background(), "tiny", schema.PublicationSpec{}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.CreateWebhook(context.Background(), schema.WebhookSpec{URL: "http://127.0.0.1:9/hook", Events: schema.WebhookEvents}, "test"); err != nil {
		t.Fatal(err)
	}
	return m
}

// call sends one request as role.
func (m *matrixEnv) call(t *testing.T, role, method, url, body string) (int, string) {
	t.Helper()
	h := map[string]string{"Authorization": ""}
	if s, ok := m.secrets[role]; ok {
		h["Authorization"] = bearer(s)
	}
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	resp, data := m.do(t, method, url, body, ctype, h)
	return resp.StatusCode, string(data)
}

// specOperations lists the operations of openapi.yaml as "METHOD /path".
func specOperations() []string {
	var ops []string
	for path, item := range theContract.doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Strings(ops)
	return ops
}

// matrixURL fills an operation's path for the matrix: scheme tiny, item work, metric target,
// revision 1, token viewer, and unit; for another unit than u1 the history and the results
// get a query that names it, so that a unit token's filters are walked too.
func matrixURL(path, unit string) string {
	r := strings.NewReplacer("{code}", "tiny", "{item}", "work", "{metric}", "target", "{revision}", "1",
		"{name}", "viewer", "{unit}", unit, "{n}", "1", "{a}", "1", "{b}", "live", "{id}", "1", "{file}", docsAsset())
	u := r.Replace(path)
	switch {
	case unit == "u1": // the unit token's own unit: no filter, its answer must be filtered alone
		if strings.HasSuffix(path, "/template") {
			u += "?format=csv"
		}
	case strings.HasSuffix(path, "/history"):
		u += "?unit=" + unit
	case strings.HasSuffix(path, "/results"):
		u += "?units=" + unit
	case strings.HasSuffix(path, "/template"):
		u += "?format=csv"
	}
	return u
}

var requestIDs = regexp.MustCompile(`"request_id":"[^"]*"`)

// TestAccessMatrix walks every operation of openapi.yaml with every role, on the unit token's
// own unit, on another unit and on one that does not exist: each answers as its rule says,
// a unit token's answer never holds another unit's code or name, and its answer about another
// unit is the answer about a unit that does not exist. It fails for an operation without a
// rule and for a rule without an operation.
func TestAccessMatrix(t *testing.T) {
	rules := server.AccessRules()
	ops := specOperations()
	inSpec := map[string]bool{}
	for _, op := range ops {
		inSpec[op] = true
		if _, ok := rules[op]; !ok {
			t.Errorf("%s of openapi.yaml has no access rule", op)
		}
	}
	for op, rule := range rules {
		if !inSpec[op] {
			t.Errorf("access rule of %s: not an operation of openapi.yaml", op)
		}
		if _, ok := expected[rule]; !ok {
			t.Errorf("rule %q of %s: the test does not know what it means", rule, op)
		}
	}
	shared := newMatrixEnv(t)
	others := []string{"u2", "Two", "u3", "Three"}
	n := 0
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		rule := rules[op]
		for _, role := range matrixRoles {
			for _, target := range []string{"own", "other"} {
				if target == "other" && !strings.Contains(path, "{unit}") && !strings.HasSuffix(path, "/history") && !strings.HasSuffix(path, "/results") {
					continue
				}
				n++
				t.Run(op+"/"+role+"/"+target, func(t *testing.T) {
					m := shared
					if method == http.MethodDelete || (method == http.MethodPost && strings.HasSuffix(path, "/restore")) {
						m = newMatrixEnv(t) // a change that must not disturb the others
					}
					want := want(rule, role, path, target)
					body := ""
					if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
						body = "{" // malformed: a served write is a 400, nothing changes
					}
					unit := "u1"
					if target == "other" {
						unit = "u2"
					}
					status, got := m.call(t, role, method, matrixURL(path, unit), body)
					check(t, want, method, status, got)
					if role != "unit" || rule == server.RulePublic {
						return // a public route (the console's script) is the same for all and holds no data
					}
					if target == "own" {
						for _, o := range others {
							if strings.Contains(got, `"`+o+`"`) || strings.Contains(got, ","+o+",") || strings.Contains(got, "\n"+o+",") {
								t.Errorf("a unit token's answer names another unit (%s):\n%s", o, got)
							}
						}
						return
					}
					// About another unit: the answer about a unit that does not exist.
					status2, none := m.call(t, role, method, matrixURL(path, "zz"), body)
					got = requestIDs.ReplaceAllString(strings.ReplaceAll(got, "u2", "zz"), "")
					none = requestIDs.ReplaceAllString(none, "")
					if status2 != status || got != none {
						t.Errorf("another unit answers %d %s\na unit that does not exist %d %s", status, got, status2, none)
					}
				})
			}
		}
	}
	t.Logf("%d operations × %d roles: %d requests", len(ops), len(matrixRoles), n)
}

// want is what role should get from a route of rule.
func want(rule server.Rule, role, path, target string) outcome {
	if role == "none" {
		if rule == server.RulePublic {
			return allowed
		}
		return anonymous
	}
	if role == "outsider" && strings.Contains(path, "{code}") {
		return hidden
	}
	if role == "outsider" {
		role = "assessor"
	}
	if role == "unit" && target == "other" {
		if strings.Contains(path, "{unit}") {
			return hidden
		}
		return likeNone
	}
	return expected[rule][role]
}

func check(t *testing.T, want outcome, method string, status int, body string) {
	t.Helper()
	ok := false
	switch want {
	case allowed:
		ok = status != 401 && status != 403 && status != 404 && status < 500
		if method == http.MethodGet {
			ok = status >= 200 && status < 300
		}
	case forbidden:
		ok = status == 403
	case hidden:
		ok = status == 404
	case anonymous:
		ok = status == 401
	case likeNone:
		ok = status < 500
	}
	if !ok {
		t.Errorf("status %d, want %s\n%s", status, want, body)
	}
}

// TestUnitTokenSeesOnlyItself reads every GET operation of openapi.yaml with a unit token of
// the Rugao seed, whose sheet ranks towns against each other: no answer names another town,
// by code or by name (ties of a rank included).
func TestUnitTokenSeesOnlyItself(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	units, _, err := e.store.ListUnits(ctx, rugao, schema.Page{Limit: schema.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	own := units[0]
	secret, _, err := e.store.CreateToken(ctx, schema.TokenSpec{Name: "clerk", Role: schema.RoleUnit, Scheme: rugao, Unit: own.Code}, "test")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := e.store.GetScheme(ctx, rugao)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer("{code}", rugao, "{unit}", own.Code, "{item}", doc.Items[0].Code, "{metric}", doc.Metrics[0].Code,
		"{revision}", "1", "{name}", "clerk")
	for _, op := range specOperations() {
		method, path, _ := strings.Cut(op, " ")
		if method != http.MethodGet || !strings.Contains(path, "{code}") {
			continue
		}
		urls := []string{r.Replace(path)}
		switch {
		case strings.HasSuffix(path, "/results"):
			urls = append(urls, urls[0]+"?format=csv", urls[0]+"?layer=self")
		case strings.HasSuffix(path, "/template"):
			urls = []string{urls[0] + "?format=csv", urls[0] + "?format=csv&layer=self"}
		case strings.HasSuffix(path, "/results/{unit}"):
			urls = append(urls, urls[0]+"?layer=self")
		}
		for _, url := range urls {
			resp, body := e.do(t, method, url, "", "", map[string]string{"Authorization": bearer(secret)})
			for _, u := range units[1:] {
				if strings.Contains(string(body), `"`+u.Code+`"`) || strings.Contains(string(body), u.Name) {
					t.Errorf("GET %s (%d) names %s (%s)", url, resp.StatusCode, u.Code, u.Name)
				}
			}
		}
	}
}
