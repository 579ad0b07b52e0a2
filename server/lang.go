package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/i18n"
)

// langOf is the language of the texts a clerk reads in the answer (explanations, import
// problems): the request's Accept-Language, Chinese (zh-CN) unless it prefers English. The
// answer varies with the header, which it says in Vary.
func langOf(c *fiber.Ctx) i18n.Lang {
	c.Vary(fiber.HeaderAcceptLanguage)
	return i18n.Parse(c.Get(fiber.HeaderAcceptLanguage))
}
