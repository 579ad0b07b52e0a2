package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/formulas"
)

func (a *api) listUnits(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	if own, ok := ownUnit(c); ok {
		u, err := a.store.GetUnit(c.UserContext(), c.Params("code"), own)
		if err != nil {
			return err
		}
		return c.JSON(pageOf([]formulas.Unit{u}, p))
	}
	units, total, err := a.store.ListUnits(c.UserContext(), c.Params("code"), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(units, total, p))
}

func (a *api) getUnit(c *fiber.Ctx) error {
	u, err := a.store.GetUnit(c.UserContext(), c.Params("code"), c.Params("unit"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (a *api) createUnit(c *fiber.Ctx) error {
	var u formulas.Unit
	if err := decodeJSON(c, &u); err != nil {
		return err
	}
	code := c.Params("code")
	saved, err := a.store.CreateUnit(c.UserContext(), code, u)
	if err != nil {
		return err
	}
	c.Location(location("schemes", code, "units", saved.Code))
	return c.Status(fiber.StatusCreated).JSON(saved)
}

func (a *api) replaceUnit(c *fiber.Ctx) error {
	var u formulas.Unit
	if err := decodeJSON(c, &u); err != nil {
		return err
	}
	saved, err := a.store.UpdateUnit(c.UserContext(), c.Params("code"), c.Params("unit"), u)
	if err != nil {
		return err
	}
	return c.JSON(saved)
}

func (a *api) deleteUnit(c *fiber.Ctx) error {
	if err := a.store.DeleteUnit(c.UserContext(), c.Params("code"), c.Params("unit")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
