package server

import (
	"github.com/gofiber/fiber/v2"
)

func (a *api) listRevisions(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	revs, total, err := a.store.Revisions(c.UserContext(), c.Params("code"), p)
	if err != nil {
		return err
	}
	return c.JSON(newList(revs, total, p))
}

func (a *api) getRevision(c *fiber.Ctx) error {
	n, err := revisionParam(c)
	if err != nil {
		return err
	}
	rev, err := a.store.Revision(c.UserContext(), c.Params("code"), n)
	if err != nil {
		return err
	}
	if rev.Scheme != nil {
		normalizeScheme(rev.Scheme)
	}
	return c.JSON(rev)
}

func (a *api) restoreRevision(c *fiber.Ctx) error {
	n, err := revisionParam(c)
	if err != nil {
		return err
	}
	code := c.Params("code")
	rev, warnings, err := a.store.RestoreRevision(c.UserContext(), code, n, who(c), ifMatch(c).options()...)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, schemeETag(rev))
	return c.JSON(newSchemeSaved(c, code, rev, warnings))
}
