package server

import "github.com/gofiber/fiber/v2"

// health is the answer of /healthz.
type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

func (a *api) getHealth(c *fiber.Ctx) error {
	if err := a.store.Ping(c.UserContext()); err != nil {
		return unavailable("the database does not answer", err)
	}
	return c.JSON(health{Status: "ok", Version: a.version})
}
