package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"
)

// queryParams lists, for every operation of openapi.yaml ("GET /api/v1/schemes/{code}/results",
// as the access rules name them), the query parameters it declares, at the path or the
// operation, directly or through #/components/parameters. The contract is the one list: a
// parameter a handler reads must be declared there, and any other is refused (knownQuery).
type queryParams map[string][]string

// specQueryParams reads the query parameters of every operation of an OpenAPI document.
func specQueryParams(spec []byte) (queryParams, error) {
	var doc struct {
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Parameters map[string]specParam `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("server: read openapi.yaml: %w", err)
	}
	resolve := func(list []specParam) []string {
		var names []string
		for _, p := range list {
			if ref, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				p = doc.Components.Parameters[ref]
			}
			if p.In == "query" {
				names = append(names, p.Name)
			}
		}
		return names
	}
	out := queryParams{}
	for path, item := range doc.Paths {
		var common []specParam
		if n, ok := item["parameters"]; ok {
			if err := n.Decode(&common); err != nil {
				return nil, fmt.Errorf("server: read parameters of %s: %w", path, err)
			}
		}
		for method, n := range item {
			if method == "parameters" || strings.HasPrefix(method, "x-") {
				continue
			}
			var op struct {
				Parameters []specParam `yaml:"parameters"`
			}
			if err := n.Decode(&op); err != nil {
				return nil, fmt.Errorf("server: read %s %s: %w", method, path, err)
			}
			names := append(resolve(common), resolve(op.Parameters)...)
			slices.Sort(names)
			out[strings.ToUpper(method)+" "+path] = slices.Compact(names)
		}
	}
	return out, nil
}

// specParam is a parameter of openapi.yaml, or a reference to one.
type specParam struct {
	Ref  string `yaml:"$ref"`
	Name string `yaml:"name"`
	In   string `yaml:"in"`
}

// knownQuery refuses a request with a query parameter its operation does not declare (a typo
// such as ?limt=10 would otherwise be silently ignored): a 400 naming the parameter and the
// ones the operation takes.
func knownQuery(allowed []string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var unknown string
		found := false
		c.Context().QueryArgs().VisitAll(func(key, _ []byte) {
			if !found && !slices.Contains(allowed, string(key)) {
				unknown, found = string(key), true
			}
		})
		if !found {
			return c.Next()
		}
		if len(allowed) == 0 {
			return badRequest(unknown, "unknown query parameter %q: this operation takes none", unknown)
		}
		return badRequest(unknown, "unknown query parameter %q: this operation takes %s", unknown, strings.Join(allowed, ", "))
	}
}

// listQuery reads a query parameter that lists values, given repeated (units=a&units=b), comma
// separated (units=a,b) or both, as one comma-separated list; "" when absent.
func listQuery(c *fiber.Ctx, name string) string {
	var parts []string
	for _, v := range c.Context().QueryArgs().PeekMulti(name) {
		if s := strings.TrimSpace(string(v)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ",")
}
