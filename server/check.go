package server

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// checkRequest is the body of checkScheme: a formula (for an item or output of the scheme, or
// on its own) or a whole document.
type checkRequest struct {
	Item     string          `json:"item"`
	Formula  *string         `json:"formula"`
	Document json.RawMessage `json:"document"`
}

// checkResult answers a check that found no error.
type checkResult struct {
	Valid    bool               `json:"valid"`
	Warnings []formulas.Warning `json:"warnings"`
}

func (a *api) checkScheme(c *fiber.Ctx) error {
	var req checkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	code := c.Params("code")
	var doc *schema.Document
	switch {
	case req.Document != nil && (req.Formula != nil || req.Item != ""):
		return schema.Errorf(schema.Invalid, "document", "give either a document or a formula, not both")
	case req.Document != nil:
		d, err := schema.DecodeJSON(bytes.NewReader(req.Document))
		if err != nil {
			return err
		}
		if d.Code == "" {
			d.Code = code
		}
		if d.Code != code {
			return schema.Errorf(schema.Invalid, "code", "the document's code %q is not the scheme's code %q", d.Code, code)
		}
		// The scheme must exist, as for replaceScheme.
		if _, _, err := a.store.Version(c.UserContext(), code); err != nil {
			return err
		}
		doc = d
	case req.Formula != nil:
		d, err := a.store.GetScheme(c.UserContext(), code)
		if err != nil {
			return err
		}
		if err := setFormula(&d.Scheme, req.Item, *req.Formula); err != nil {
			return err
		}
		doc = d
	default:
		return schema.Errorf(schema.Invalid, "", "give a formula (with the item it is for) or a document to check")
	}
	warnings, err := schema.Validate(doc)
	if err != nil {
		return err
	}
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	return c.JSON(checkResult{Valid: true, Warnings: formulas.WarningsIn(warnings, langOf(c))})
}

// setFormula puts formula in the item or output named item of s, or, when item is empty, in
// a new output of its own (so that it is checked against everything the scheme declares).
func setFormula(s *formulas.Scheme, item, formula string) error {
	if item == "" {
		name := "formula"
		for i := 2; codeUsed(s, name); i++ {
			name = "formula_" + strconv.Itoa(i)
		}
		s.Outputs = append(s.Outputs, formulas.Output{Code: name, Title: "formula", Formula: formula})
		return nil
	}
	if ref, ok := findItem(&s.Items, item); ok {
		ref.item().Formula = formula
		return nil
	}
	for i := range s.Outputs {
		if s.Outputs[i].Code == item {
			s.Outputs[i].Formula = formula
			return nil
		}
	}
	if item == "veto" && s.Veto != nil {
		s.Veto.Formula = formula
		return nil
	}
	return notFound("item", item, s.Code)
}

// codeUsed reports whether a metric, item or output of s has the code.
func codeUsed(s *formulas.Scheme, code string) bool {
	if _, ok := findItem(&s.Items, code); ok {
		return true
	}
	for _, m := range s.Metrics {
		if m.Code == code {
			return true
		}
	}
	for _, o := range s.Outputs {
		if o.Code == code {
			return true
		}
	}
	return false
}
