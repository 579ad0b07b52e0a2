package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// compareResults puts two sheets side by side: ?a= and ?b= each a layer (self, final) or a
// publication number; by default a=self and b=final (自评分 and 考核分).
func (a *api) compareResults(c *fiber.Ctx) error {
	x, y := c.Query("a", schema.LayerSelf), c.Query("b", schema.LayerFinal)
	cmp, err := a.store.Compare(c.UserContext(), c.Params("code"), x, y)
	if err != nil {
		return err
	}
	data, err := marshalJSON(cmp)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(data)
}
