package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/schema"
)

// getDiff answers what changed between publication {a} and publication {b} (or the live sheet,
// b = live): JSON, or ?format=csv|xlsx for offices that circulate it as a table.
func (a *api) getDiff(c *fiber.Ctx) error {
	format, err := enumQuery(c, "format", "json", "csv", "xlsx")
	if err != nil {
		return err
	}
	if _, err := publicationParam(c, "a"); err != nil {
		return err
	}
	if c.Params("b") != schema.Live {
		if _, err := publicationParam(c, "b"); err != nil {
			return err
		}
	}
	l := c.Query("layer")
	if l != "" {
		if l, err = layer(c); err != nil {
			return err
		}
	}
	from, to := c.Params("a"), c.Params("b")
	d, err := a.store.Diff(c.UserContext(), c.Params("code"), from, to, l)
	if err != nil {
		return err
	}
	switch format {
	case "csv":
		download(c, d.Scheme+"-diff-"+from+"-"+to+".csv")
		return exchange.WriteDiffCSV(c.Response().BodyWriter(), d, langOf(c))
	case "xlsx":
		download(c, d.Scheme+"-diff-"+from+"-"+to+".xlsx")
		return exchange.WriteDiffXLSX(c.Response().BodyWriter(), d, langOf(c))
	}
	data, err := marshalJSON(d)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(data)
}
