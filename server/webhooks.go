package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// globalAdmin refuses an admin token scoped to one scheme: webhooks see every scheme's events.
func globalAdmin(c *fiber.Ctx) error {
	if code, scoped := ownScheme(c); scoped {
		return forbidden("webhooks receive the events of every scheme: a token scoped to %q may not manage them", code)
	}
	return nil
}

func (a *api) createWebhook(c *fiber.Ctx) error {
	if err := globalAdmin(c); err != nil {
		return err
	}
	var spec schema.WebhookSpec
	if err := decodeJSON(c, &spec); err != nil {
		return err
	}
	w, err := a.store.CreateWebhook(c.UserContext(), spec, who(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(w)
}

func (a *api) listWebhooks(c *fiber.Ctx) error {
	if err := globalAdmin(c); err != nil {
		return err
	}
	p, err := page(c)
	if err != nil {
		return err
	}
	hooks, total, err := a.store.ListWebhooks(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(hooks, total, p))
}

// hookParam reads the {id} of a webhook: a whole number ≥ 1.
func hookParam(c *fiber.Ctx) (int64, error) {
	s := c.Params("id")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, badRequest("id", "webhook %q is not a whole number ≥ 1", s)
	}
	return n, nil
}

func (a *api) listDeliveries(c *fiber.Ctx) error {
	if err := globalAdmin(c); err != nil {
		return err
	}
	id, err := hookParam(c)
	if err != nil {
		return err
	}
	p, err := page(c)
	if err != nil {
		return err
	}
	ds, total, err := a.store.Deliveries(c.UserContext(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(ds, total, p))
}

func (a *api) pingWebhook(c *fiber.Ctx) error {
	if err := globalAdmin(c); err != nil {
		return err
	}
	id, err := hookParam(c)
	if err != nil {
		return err
	}
	d, err := a.store.PingWebhook(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(d)
}
