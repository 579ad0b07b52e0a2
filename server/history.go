package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// noUnit is a unit code no unit has (codes are lower-case slugs): the filter a unit token's
// request about another unit becomes, so that it answers as a unit that does not exist.
const noUnit = "-"

func (a *api) listHistory(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	q := schema.HistoryQuery{Unit: c.Query("unit"), Metric: c.Query("metric"), Item: c.Query("item"),
		Who: c.Query("who"), Kind: c.Query("kind")}
	if c.Query("layer") != "" {
		if q.Layer, err = layer(c); err != nil {
			return err
		}
	}
	if q.Since, err = timeQuery(c, "since"); err != nil {
		return err
	}
	if q.Until, err = timeQuery(c, "until"); err != nil {
		return err
	}
	if q.Deleted, err = boolQuery(c, "deleted"); err != nil {
		return err
	}
	// Tokens (names, roles, scopes) and the history of deleted schemes are the admin's
	// (issue 11).
	admin := tokenOf(c).Role == schema.RoleAdmin
	if q.Deleted && !admin {
		return forbidden("only an admin may read the history of deleted schemes (?deleted=true)")
	}
	q.NoTokens = !admin
	q.Unit = unitFilter(c, q.Unit)
	changes, total, err := a.store.History(c.UserContext(), c.Params("code"), q, p)
	if err != nil {
		return err
	}
	return c.JSON(newList(changes, total, p))
}

// unitFilter is the unit filter of a history request: for a unit token its own unit (or,
// asked about another, one that does not exist), for others the one asked for.
func unitFilter(c *fiber.Ctx, asked string) string {
	own, ok := ownUnit(c)
	switch {
	case !ok:
		return asked
	case asked == "" || asked == own:
		return own
	}
	return noUnit
}

// timeQuery reads an RFC 3339 time query parameter; absent is the zero time.
func timeQuery(c *fiber.Ctx, name string) (time.Time, error) {
	s := c.Query(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, badRequest(name, "%s: %q is not an RFC 3339 time such as 2026-11-27T08:00:00Z", name, s)
	}
	return t, nil
}
