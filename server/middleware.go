package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// headerRequestID carries the request id in both directions.
const headerRequestID = fiber.HeaderXRequestID

// localRequestID is the key of the request id among the context's locals.
const localRequestID = "request_id"

// requestID gives every request an id: the client's X-Request-Id if it is a plain token,
// otherwise a new random one. The id is returned as a header and written to every log line.
func (a *api) requestID(c *fiber.Ctx) error {
	a.ensureRequestID(c)
	return c.Next()
}

// ensureRequestID returns the request's id, assigning one if it has none yet (an error Fiber
// raises before any middleware runs, such as a body over the limit, has none).
func (a *api) ensureRequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(localRequestID).(string); ok {
		return id
	}
	id := c.Get(headerRequestID)
	if !plainID(id) {
		id = newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Set(headerRequestID, id)
	return id
}

// plainID reports whether a client's request id is safe to log and echo: 1 to 64 letters,
// digits, '-', '_' or '.'.
func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// logRequests writes one structured log line per request. It hands the error of the chain to
// the error handler itself, so that the line has the status the client got.
func (a *api) logRequests(c *fiber.Ctx) error {
	start := a.now()
	err := c.Next()
	if err != nil {
		if herr := a.handleError(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelWarn
	}
	a.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("request_id", a.ensureRequestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Int("bytes", len(c.Response().Body())),
		slog.Duration("duration", a.now().Sub(start)),
		slog.String("ip", c.IP()),
	)
	return nil
}

// recoverPanics turns a panic of a handler into an error carrying the stack, which the error
// handler logs and answers as a 500.
func (a *api) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return c.Next()
}

// bodyLimitOf sets the body limit of a request as soon as its header is read, before its body
// is: Fiber's BodyLimit for every route but the import, whose file has a limit of its own. An
// import's body is read up to drainFactor times the import limit, so that the handler can
// refuse a file over the limit with a 413 problem the client reads (it checks the
// Content-Length and the form's file size before anything is parsed); a larger body is
// refused at once.
func (a *api) bodyLimitOf(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if !h.IsPost() {
		return fasthttp.RequestConfig{}
	}
	path, _, _ := bytes.Cut(h.RequestURI(), []byte("?"))
	if !bytes.HasSuffix(path, []byte(importPath)) {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: max(a.bodyLimit, drainFactor*a.importLimit+formSlack)}
}
