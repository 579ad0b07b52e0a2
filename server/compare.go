package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/schema"
)

// compareResults puts two sheets side by side: ?a= and ?b= each a layer (self, final) or a
// publication number; by default a=self and b=final (自评分 and 考核分). JSON, or
// ?format=csv|xlsx for the office that reconciles them on paper, labelled in the reader's
// language.
func (a *api) compareResults(c *fiber.Ctx) error {
	format, err := enumQuery(c, "format", "json", "csv", "xlsx")
	if err != nil {
		return err
	}
	x, y := c.Query("a", schema.LayerSelf), c.Query("b", schema.LayerFinal)
	cmp, err := a.store.Compare(c.UserContext(), c.Params("code"), x, y)
	if err != nil {
		return err
	}
	switch format {
	case "csv":
		download(c, cmp.Scheme+"-compare-"+x+"-"+y+".csv")
		return exchange.WriteComparisonCSV(c.Response().BodyWriter(), cmp, langOf(c))
	case "xlsx":
		download(c, cmp.Scheme+"-compare-"+x+"-"+y+".xlsx")
		return exchange.WriteComparisonXLSX(c.Response().BodyWriter(), cmp, langOf(c))
	}
	data, err := marshalJSON(cmp)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(data)
}
