package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// unitValues is one unit's values of one layer, by metric code.
type unitValues struct {
	Scheme string                  `json:"scheme"`
	Unit   string                  `json:"unit"`
	Layer  string                  `json:"layer"`
	Values map[string]schema.Value `json:"values"`
}

// batchValues is the body of setValues: unit code → metric code → value.
type batchValues struct {
	Values map[string]map[string]any `json:"values"`
}

// batchResult answers setValues.
type batchResult struct {
	Scheme string `json:"scheme"`
	Layer  string `json:"layer"`
	Units  int    `json:"units"`
	Values int    `json:"values"`
}

func (a *api) getValues(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	return a.sendValues(c, c.Params("code"), c.Params("unit"), layer)
}

func (a *api) putValues(c *fiber.Ctx) error {
	return a.saveValues(c, true)
}

func (a *api) patchValues(c *fiber.Ctx) error {
	return a.saveValues(c, false)
}

// saveValues decodes one unit's values, saves them (replacing the unit's others with replace,
// as PUT does) and answers with the unit's values as the write left them. The cached sheet of
// the layer takes the write's changes at once (sheetCache.apply), so the next read of the
// results reads no history.
func (a *api) saveValues(c *fiber.Ctx, replace bool) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	var values map[string]any
	if err := decodeJSONNumbers(c, &values); err != nil {
		return err
	}
	if values == nil {
		return schema.Errorf(schema.Invalid, "", "expected an object of metric values, got null")
	}
	code, unit := c.Params("code"), c.Params("unit")
	w, err := a.store.WriteUnitValues(c.UserContext(), code, unit, layer, values, who(c), replace)
	if err != nil {
		return err
	}
	a.sheets.apply(code, w)
	return c.JSON(unitValues{Scheme: code, Unit: unit, Layer: w.Layer, Values: w.Values})
}

func (a *api) sendValues(c *fiber.Ctx, code, unit, layer string) error {
	values, err := a.store.GetValues(c.UserContext(), code, unit, layer)
	if err != nil {
		return err
	}
	return c.JSON(unitValues{Scheme: code, Unit: unit, Layer: layer, Values: values})
}

func (a *api) setValues(c *fiber.Ctx) error {
	layer, err := layer(c)
	if err != nil {
		return err
	}
	var body batchValues
	if err := decodeJSONNumbers(c, &body); err != nil {
		return err
	}
	if body.Values == nil {
		return schema.Errorf(schema.Invalid, "values", "values is required: unit code → metric code → value")
	}
	code := c.Params("code")
	if err := a.store.SetValues(c.UserContext(), code, layer, body.Values, who(c)); err != nil {
		return err
	}
	n := 0
	for _, vs := range body.Values {
		n += len(vs)
	}
	return c.JSON(batchResult{Scheme: code, Layer: layer, Units: len(body.Values), Values: n})
}

func (a *api) listValueHistory(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := schema.HistoryFilter{Unit: unitFilter(c, c.Query("unit")), Metric: c.Query("metric")}
	if c.Query("layer") != "" {
		if f.Layer, err = layer(c); err != nil {
			return err
		}
	}
	entries, total, err := a.store.ValueHistory(c.UserContext(), c.Params("code"), f, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(entries, total, p))
}
