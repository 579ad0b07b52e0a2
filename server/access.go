package server

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// Rule is what a route allows each role; accessRules gives every route its rule. A token
// scoped to a scheme sees no other: every route of another scheme answers as if it did not
// exist. A unit token sees one unit: a route of another unit answers exactly as a unit that
// does not exist, so that codes cannot be probed.
type Rule string

// Rules of access.
const (
	// RulePublic needs no token.
	RulePublic Rule = "public"
	// RuleAdmin allows admins only: scheme documents, items, metrics, the roster, tokens.
	RuleAdmin Rule = "admin"
	// RuleSchemes allows every token: the list of schemes holds those in its scope.
	RuleSchemes Rule = "schemes"
	// RuleRead allows admins, assessors and viewers: the scheme document and its revisions,
	// which hold the roster.
	RuleRead Rule = "read"
	// RuleDesign allows every token of the scheme: items and metrics, which name no unit.
	RuleDesign Rule = "design"
	// RuleRoster allows every token of the scheme; a unit token's list holds its own unit.
	RuleRoster Rule = "roster"
	// RuleUnitRead allows admins, assessors and viewers, and a unit token on its own unit.
	RuleUnitRead Rule = "unit-read"
	// RuleUnitWrite allows admins, assessors on the final layer, and a unit token on its own
	// unit's self layer.
	RuleUnitWrite Rule = "unit-write"
	// RuleValuesWrite allows admins and assessors on the final layer: values of many units at
	// once, imports.
	RuleValuesWrite Rule = "values-write"
	// RuleSheet allows every token of the scheme; a unit token's sheet (results, template)
	// holds its own row only.
	RuleSheet Rule = "sheet"
	// RuleHistory allows every token of the scheme; a unit token's history is its own unit's.
	RuleHistory Rule = "history"
)

// accessRules is the one table of who may call what: method and path (as in openapi.yaml) →
// rule. A route without a rule is not served (routes panics), and the access test walks
// every operation of openapi.yaml with every role.
var accessRules = map[string]Rule{
	"GET /healthz":      RulePublic,
	"GET /openapi.yaml": RulePublic,
	"GET /docs":         RulePublic,
	"GET /docs/{file}":  RulePublic,
	"GET /":             RulePublic,
	"GET /console.js":   RulePublic,
	"GET /console.css":  RulePublic,

	"GET /api/v1/token":            RuleSchemes,
	"GET /api/v1/tokens":           RuleAdmin,
	"POST /api/v1/tokens":          RuleAdmin,
	"DELETE /api/v1/tokens/{name}": RuleAdmin,

	"POST /api/v1/webhooks":                RuleAdmin,
	"GET /api/v1/webhooks":                 RuleAdmin,
	"GET /api/v1/webhooks/{id}/deliveries": RuleAdmin,
	"POST /api/v1/webhooks/{id}/ping":      RuleAdmin,

	"GET /api/v1/schemes":                RuleSchemes,
	"POST /api/v1/schemes":               RuleAdmin,
	"GET /api/v1/schemes/{code}":         RuleRead,
	"PUT /api/v1/schemes/{code}":         RuleAdmin,
	"DELETE /api/v1/schemes/{code}":      RuleAdmin,
	"POST /api/v1/schemes/{code}/check":  RuleAdmin,
	"GET /api/v1/schemes/{code}/history": RuleHistory,

	"GET /api/v1/schemes/{code}/items":           RuleDesign,
	"POST /api/v1/schemes/{code}/items":          RuleAdmin,
	"GET /api/v1/schemes/{code}/items/{item}":    RuleDesign,
	"PATCH /api/v1/schemes/{code}/items/{item}":  RuleAdmin,
	"DELETE /api/v1/schemes/{code}/items/{item}": RuleAdmin,

	"GET /api/v1/schemes/{code}/metrics":             RuleDesign,
	"POST /api/v1/schemes/{code}/metrics":            RuleAdmin,
	"GET /api/v1/schemes/{code}/metrics/{metric}":    RuleDesign,
	"PATCH /api/v1/schemes/{code}/metrics/{metric}":  RuleAdmin,
	"DELETE /api/v1/schemes/{code}/metrics/{metric}": RuleAdmin,

	"GET /api/v1/schemes/{code}/units":           RuleRoster,
	"POST /api/v1/schemes/{code}/units":          RuleAdmin,
	"GET /api/v1/schemes/{code}/units/{unit}":    RuleUnitRead,
	"PUT /api/v1/schemes/{code}/units/{unit}":    RuleAdmin,
	"DELETE /api/v1/schemes/{code}/units/{unit}": RuleAdmin,

	"GET /api/v1/schemes/{code}/units/{unit}/values":   RuleUnitRead,
	"PUT /api/v1/schemes/{code}/units/{unit}/values":   RuleUnitWrite,
	"PATCH /api/v1/schemes/{code}/units/{unit}/values": RuleUnitWrite,
	"POST /api/v1/schemes/{code}/values":               RuleValuesWrite,
	"GET /api/v1/schemes/{code}/values/history":        RuleHistory,
	"POST /api/v1/schemes/{code}/values/import":        RuleValuesWrite,
	"GET /api/v1/schemes/{code}/template":              RuleSheet,

	"GET /api/v1/schemes/{code}/results":        RuleSheet,
	"GET /api/v1/schemes/{code}/results/{unit}": RuleUnitRead,

	"GET /api/v1/schemes/{code}/revisions":                     RuleRead,
	"GET /api/v1/schemes/{code}/revisions/{revision}":          RuleRead,
	"POST /api/v1/schemes/{code}/revisions/{revision}/restore": RuleAdmin,

	"GET /api/v1/schemes/{code}/layers":         RuleDesign,
	"PUT /api/v1/schemes/{code}/layers/{layer}": RuleAdmin,

	"POST /api/v1/schemes/{code}/publications":                   RuleAdmin,
	"GET /api/v1/schemes/{code}/publications":                    RuleRead,
	"GET /api/v1/schemes/{code}/publications/{n}":                RuleRead,
	"GET /api/v1/schemes/{code}/publications/{n}/results/{unit}": RuleUnitRead,
	"GET /api/v1/schemes/{code}/publications/{a}/diff/{b}":       RuleRead,
	"GET /api/v1/schemes/{code}/results/compare":                 RuleRead,
}

// AccessRules returns a copy of the table of access rules, for tests and documentation.
func AccessRules() map[string]Rule {
	out := make(map[string]Rule, len(accessRules))
	for k, v := range accessRules {
		out[k] = v
	}
	return out
}

// route registers a handler on r for method and path (Fiber's form, with :params), behind the
// check of its access rule and of its query parameters (those openapi.yaml declares); prefix is r's prefix, for the rule's key. A route without a rule
// is a bug: it panics, so that no test runs.
func (a *api) route(r fiber.Router, prefix, method, path string, h fiber.Handler) {
	key := method + " " + prefix + openAPIPath(path)
	rule, ok := accessRules[key]
	if !ok {
		panic(fmt.Sprintf("server: route %s has no access rule", key))
	}
	query := knownQuery(a.queries[key])
	if rule == RulePublic {
		r.Add(method, path, query, h)
		return
	}
	r.Add(method, path, a.allow(rule), query, h)
}

// openAPIPath writes Fiber's :param as OpenAPI's {param}.
func openAPIPath(path string) string {
	out := []byte{}
	for i := 0; i < len(path); i++ {
		if path[i] != ':' {
			out = append(out, path[i])
			continue
		}
		j := i + 1
		for j < len(path) && path[j] != '/' {
			j++
		}
		out = append(out, '{')
		out = append(out, path[i+1:j]...)
		out = append(out, '}')
		i = j - 1
	}
	return string(out)
}

// allow checks a request against rule, with the token authenticate found.
func (a *api) allow(rule Rule) fiber.Handler {
	return func(c *fiber.Ctx) error {
		tok := tokenOf(c)
		code := c.Params("code")
		if code != "" && tok.Scheme != "" && tok.Scheme != code {
			return hiddenScheme(code)
		}
		if tok.Role == schema.RoleAdmin {
			return c.Next()
		}
		unit := c.Params("unit")
		if tok.Role == schema.RoleUnit && unit != "" && unit != tok.Unit {
			return hiddenUnit(code, unit)
		}
		switch rule {
		case RuleSchemes, RuleDesign, RuleRoster, RuleSheet, RuleHistory, RuleUnitRead:
			return c.Next()
		case RuleRead:
			if tok.Role != schema.RoleUnit {
				return c.Next()
			}
		case RuleUnitWrite, RuleValuesWrite:
			l, err := layer(c)
			if err != nil {
				return err
			}
			switch {
			case tok.Role == schema.RoleAssessor && l == schema.LayerFinal:
				return c.Next()
			case tok.Role == schema.RoleUnit && rule == RuleUnitWrite && l == schema.LayerSelf:
				return c.Next()
			case tok.Role == schema.RoleAssessor || tok.Role == schema.RoleUnit:
				return forbidden("a %s token may not write the %s layer here", tok.Role, l)
			}
		}
		return forbidden("a %s token may not %s %s", tok.Role, c.Method(), c.Path())
	}
}

// forbidden is a 403: the token's role does not allow the request.
func forbidden(format string, args ...any) error {
	return schema.Errorf(schema.Forbidden, "", format, args...)
}

// hiddenScheme is the answer to a scheme outside a token's scope: that of a scheme that does
// not exist.
func hiddenScheme(code string) error {
	return schema.Errorf(schema.NotFound, "", "scheme %q not found", code)
}

// hiddenUnit is the answer to a unit token about any unit but its own, existing or not.
func hiddenUnit(code, unit string) error {
	return notFound("unit", unit, code)
}

// ownUnit is the unit of a unit token, and whether the request has one: the routes of
// RuleRoster, RuleSheet and RuleHistory show a unit token its own unit only.
func ownUnit(c *fiber.Ctx) (string, bool) {
	tok := tokenOf(c)
	return tok.Unit, tok.Role == schema.RoleUnit
}

// ownScheme is the scheme a token is scoped to, if any.
func ownScheme(c *fiber.Ctx) (string, bool) {
	tok := tokenOf(c)
	return tok.Scheme, tok.Scheme != ""
}
