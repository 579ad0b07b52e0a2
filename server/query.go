package server

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// refuseControlQuery answers 400, naming the parameter, a query whose name or value holds a
// NUL or another control character or is not UTF-8: no filter (?unit=, ?who=, ?metric=)
// matches such a text, and a database driver may cut a query at a NUL (issue 11).
func (a *api) refuseControlQuery(c *fiber.Ctx) error {
	var bad string
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if bad == "" && (hasControl(k) || hasControl(v)) {
			bad = string(k)
			if hasControl(k) {
				bad = "?"
			}
		}
	})
	if bad != "" {
		return badRequest(bad, "query parameter %q holds a control character or is not UTF-8", bad)
	}
	return c.Next()
}

// hasControl reports whether b is not UTF-8 or holds a C0 or C1 control character or DEL.
func hasControl(b []byte) bool {
	if !utf8.Valid(b) {
		return true
	}
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}
