package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// windowList is the answer of listWindows: the entry windows of a scheme's layers.
type windowList struct {
	Items []schema.Window `json:"items"`
}

func (a *api) listWindows(c *fiber.Ctx) error {
	ws, err := a.store.Windows(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(windowList{Items: ws})
}

func (a *api) putWindow(c *fiber.Ctx) error {
	var spec schema.WindowSpec
	if err := decodeJSON(c, &spec); err != nil {
		return err
	}
	w, err := a.store.SetWindow(c.UserContext(), c.Params("code"), c.Params("layer"), spec, who(c))
	if err != nil {
		return err
	}
	return c.JSON(w)
}
