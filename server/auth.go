package server

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// localToken is the key of the request's token among the context's locals.
const localToken = "token"

// headerReason carries the why of a write, recorded in the history with it.
const headerReason = "X-Reason"

// authenticate requires a bearer token on every route of the API: a missing, malformed,
// unknown or revoked token is a 401 with a WWW-Authenticate challenge, all with one detail.
// The token's name becomes the author of every write of the request (schema.WithWho), and
// its X-Reason header the reason of every change (schema.WithReason).
func (a *api) authenticate(c *fiber.Ctx) error {
	kind, secret, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(kind, "Bearer") {
		return a.unauthorized(c, schema.Errorf(schema.Unauthorized, "", "this route needs an Authorization: Bearer token"))
	}
	tok, err := a.store.Authenticate(c.UserContext(), strings.TrimSpace(secret))
	if err != nil {
		if schema.ErrorKind(err) == schema.Unauthorized {
			return a.unauthorized(c, err)
		}
		return err
	}
	c.Locals(localToken, tok)
	ctx := schema.WithWho(c.UserContext(), tok.Name)
	if reason := headerText(c.Get(headerReason)); reason != "" {
		ctx = schema.WithReason(ctx, reason)
	}
	c.SetUserContext(ctx)
	return c.Next()
}

// headerText reads a header that may carry any text: as sent, or percent-encoded UTF-8 after
// the RFC 8187 prefix (UTF-8 and two apostrophes; a browser's fetch cannot send other than Latin-1 in a header,
// so the console sends a Chinese reason that way).
func headerText(v string) string {
	rest, ok := strings.CutPrefix(v, "UTF-8''")
	if !ok {
		return v
	}
	s, err := url.PathUnescape(rest)
	if err != nil || !utf8.ValidString(s) {
		return v
	}
	return s
}

// unauthorized answers err with the challenge of a bearer token.
func (a *api) unauthorized(c *fiber.Ctx, err error) error {
	c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="rubric"`)
	return err
}

// tokenOf is the token that authenticated the request.
func tokenOf(c *fiber.Ctx) schema.Token {
	tok, _ := c.Locals(localToken).(schema.Token)
	return tok
}

// who is the author of the request's writes: its token's name.
func who(c *fiber.Ctx) string {
	return schema.Who(c.UserContext())
}
