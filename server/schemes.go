package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// schemeSaved answers a change that saved a revision of a whole scheme.
type schemeSaved struct {
	Code     string             `json:"code"`
	Revision int                `json:"revision"`
	Warnings []formulas.Warning `json:"warnings"`
}

func newSchemeSaved(c *fiber.Ctx, code string, rev int, warnings []formulas.Warning) schemeSaved {
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	return schemeSaved{Code: code, Revision: rev, Warnings: formulas.WarningsIn(warnings, langOf(c))}
}

func (a *api) listSchemes(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	if own, ok := ownScheme(c); ok {
		return a.listOwnScheme(c, own, p)
	}
	schemes, total, err := a.store.ListSchemes(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(schemes, total, p))
}

// listOwnScheme answers the list of schemes of a token scoped to one: that one, if it exists.
func (a *api) listOwnScheme(c *fiber.Ctx, own string, p schema.Page) error {
	var found []schema.SchemeSummary
	for all := (schema.Page{Limit: schema.MaxLimit}); ; all.Offset += all.Limit {
		schemes, total, err := a.store.ListSchemes(c.UserContext(), all)
		if err != nil {
			return err
		}
		for _, s := range schemes {
			if s.Code == own {
				found = append(found, s)
			}
		}
		if found != nil || all.Offset+all.Limit >= total {
			break
		}
	}
	return c.JSON(pageOf(found, p))
}

func (a *api) createScheme(c *fiber.Ctx) error {
	doc, err := decodeDocument(c)
	if err != nil {
		return err
	}
	rev, warnings, err := a.store.CreateScheme(c.UserContext(), doc, who(c), c.Query("message"))
	if err != nil {
		return err
	}
	c.Location(location("schemes", doc.Code))
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.Status(fiber.StatusCreated).JSON(newSchemeSaved(c, doc.Code, rev, warnings))
}

func (a *api) getScheme(c *fiber.Ctx) error {
	format, err := enumQuery(c, "format", "json", "yaml")
	if err != nil {
		return err
	}
	withValues, err := boolQuery(c, "values")
	if err != nil {
		return err
	}
	code := c.Params("code")
	doc, err := a.store.GetScheme(c.UserContext(), code)
	if err != nil {
		return err
	}
	if withValues {
		if doc.Values, err = documentValues(c.UserContext(), a.store, code); err != nil {
			return err
		}
	}
	normalizeDocument(doc)
	c.Set(fiber.HeaderETag, schemeETag(doc.Revision))
	if format == "yaml" {
		data, err := yaml.Marshal(doc)
		if err != nil {
			return fmt.Errorf("server: encode scheme as YAML: %w", err)
		}
		c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
		return c.Send(data)
	}
	return c.JSON(doc)
}

// documentValues reads the stored values of both layers of a scheme as a document carries
// them: layer → unit → metric → value, or {value, note} where the value has a note. Values the
// scheme no longer reads (a metric removed, a value out of its new bounds) are left out, as
// the engine leaves them out, so that the document is valid as it stands.
//
// schema reads a layer's values in one query (Rows) but their notes only one unit at a time
// (GetValues): units with values are read again for their notes.
func documentValues(ctx context.Context, store *schema.Store, code string) (map[string]map[string]map[string]any, error) {
	out := map[string]map[string]map[string]any{}
	for _, layer := range []string{schema.LayerFinal, schema.LayerSelf} {
		_, _, _, rows, err := store.Rows(ctx, code, layer)
		if err != nil {
			return nil, err
		}
		units := map[string]map[string]any{}
		for _, r := range rows {
			if len(r.Values) == 0 {
				continue
			}
			stored, err := store.GetValues(ctx, code, r.Unit.Code, layer)
			if err != nil {
				return nil, err
			}
			vs := make(map[string]any, len(r.Values))
			for m, v := range r.Values {
				vs[m] = plainNumber(v)
				if sv, ok := stored[m]; ok && sv.Note != "" {
					vs[m] = map[string]any{"value": vs[m], "note": sv.Note}
				}
			}
			units[r.Unit.Code] = vs
		}
		if len(units) > 0 {
			out[layer] = units
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// plainNumber is a whole float64 as an int64, so that YAML writes 1200000 rather than
// 1.2e+06; any other value as it is.
func plainNumber(v any) any {
	if x, ok := v.(float64); ok && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return int64(x)
	}
	return v
}

func (a *api) replaceScheme(c *fiber.Ctx) error {
	doc, err := decodeDocument(c)
	if err != nil {
		return err
	}
	code := c.Params("code")
	rev, warnings, err := a.store.ReplaceScheme(c.UserContext(), code, doc, who(c), c.Query("message"), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newSchemeSaved(c, code, rev, warnings))
}

func (a *api) deleteScheme(c *fiber.Ctx) error {
	code := c.Params("code")
	if err := a.store.DeleteScheme(c.UserContext(), code, ifMatch(c).options()...); err != nil {
		return err
	}
	a.sheets.forget(code)
	return c.SendStatus(fiber.StatusNoContent)
}

// decodeDocument reads a scheme document from a JSON or YAML body. Malformed JSON is a 400;
// every other fault of the document (unknown fields, wrong types) is schema's 422.
func decodeDocument(c *fiber.Ctx) (*schema.Document, error) {
	body, format, err := bodyOf(c, true)
	if err != nil {
		return nil, err
	}
	if format == formatYAML {
		return schema.DecodeYAML(bytes.NewReader(body))
	}
	if !json.Valid(body) {
		return nil, jsonError(body, json.Unmarshal(body, new(any)))
	}
	return schema.DecodeJSON(bytes.NewReader(body))
}

// normalizeDocument gives the lists of a document that a client always expects a value, so
// that an empty one is [] rather than null.
func normalizeDocument(doc *schema.Document) {
	normalizeScheme(&doc.Scheme)
}

func normalizeScheme(s *formulas.Scheme) {
	if s.Metrics == nil {
		s.Metrics = []formulas.Metric{}
	}
	if s.Items == nil {
		s.Items = []formulas.Item{}
	}
}

// cloneScheme deep-copies a scheme, so that a change can be tried on the copy.
func cloneScheme(s *formulas.Scheme) (*formulas.Scheme, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("server: copy scheme: %w", err)
	}
	out := new(formulas.Scheme)
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("server: copy scheme: %w", err)
	}
	return out, nil
}
