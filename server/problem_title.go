package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/i18n"
)

// problemTitle is the title of a problem with status: what a clerk sees of an error, so in the
// request's language (Chinese unless it prefers English; the English title is the status's
// text). The detail, for developers, stays English.
func problemTitle(c *fiber.Ctx, status int) string {
	return i18n.Sprintf(langOf(c), "%s", i18n.M(http.StatusText(status)))
}
