package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// tokenCreated is the answer of createToken: the token and its secret, shown this once.
type tokenCreated struct {
	Secret string       `json:"secret"`
	Token  schema.Token `json:"token"`
}

// getCurrentToken answers the request's own token, so that a client (the console) knows its
// role, scheme and unit.
func (a *api) getCurrentToken(c *fiber.Ctx) error {
	return c.JSON(tokenOf(c))
}

func (a *api) listTokens(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	tokens, total, err := a.store.ListTokens(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(tokens, total, p))
}

func (a *api) createToken(c *fiber.Ctx) error {
	var spec schema.TokenSpec
	if err := decodeJSON(c, &spec); err != nil {
		return err
	}
	secret, tok, err := a.store.CreateToken(c.UserContext(), spec, who(c))
	if err != nil {
		return err
	}
	c.Location(location("tokens", tok.Name))
	return c.Status(fiber.StatusCreated).JSON(tokenCreated{Secret: secret, Token: tok})
}

func (a *api) revokeToken(c *fiber.Ctx) error {
	if err := a.store.RevokeToken(c.UserContext(), c.Params("name"), who(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
