package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// problemContentType is the media type of every error answer (RFC 9457).
const problemContentType = "application/problem+json"

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "2"

// problem is the body of an error answer: RFC 9457 problem details with rubric's extensions.
type problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Instance  string            `json:"instance,omitempty"`
	Field     string            `json:"field,omitempty"`
	Item      string            `json:"item,omitempty"`
	Line      int               `json:"line,omitempty"`
	Column    int               `json:"column,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
	Errors    []*formulas.Error `json:"errors,omitempty"`
	// Problems lists every other problem: schema.Problem values (a field of a request or
	// document) or, for an imported file, exchange.Problem values (a cell: row, column, unit,
	// metric, value).
	Problems []any `json:"problems,omitempty"`
}

// problemTypeInvalidFile is the type of an imported file that has problems: its problems are
// cells.
const problemTypeInvalidFile = "/docs#problem-invalid-file"

// requestError is a request the server cannot read or serve as it stands: malformed JSON, a
// bad query parameter, an unsupported media type. Errors a client makes in what it asks for
// (an invalid document, an unknown scheme) are *schema.Error values instead.
type requestError struct {
	status int
	field  string
	detail string
	cause  error // logged, never shown
}

func (e *requestError) Error() string {
	if e.cause != nil {
		return e.detail + ": " + e.cause.Error()
	}
	return e.detail
}

func (e *requestError) Unwrap() error { return e.cause }

// badRequest is a 400 about field: a request that is not well formed.
func badRequest(field, format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, field: field, detail: fmt.Sprintf(format, args...)}
}

// unsupportedMediaType is a 415: a body in a format the route does not read.
func unsupportedMediaType(format string, args ...any) error {
	return &requestError{status: http.StatusUnsupportedMediaType, detail: fmt.Sprintf(format, args...)}
}

// tooLarge is a 413: a body or file over its limit, refused before it is parsed.
func tooLarge(format string, args ...any) error {
	return &requestError{status: http.StatusRequestEntityTooLarge, detail: fmt.Sprintf(format, args...)}
}

// unavailable is a 503: the database does not answer.
func unavailable(detail string, cause error) error {
	return &requestError{status: http.StatusServiceUnavailable, detail: detail, cause: cause}
}

// panicError is a recovered panic, with the stack where it happened.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// kindStatus is the one table of schema error kinds to HTTP statuses.
var kindStatus = map[schema.Kind]int{
	schema.Invalid:      http.StatusUnprocessableEntity,
	schema.NotFound:     http.StatusNotFound,
	schema.Conflict:     http.StatusConflict,
	schema.Stale:        http.StatusPreconditionFailed,
	schema.Unauthorized: http.StatusUnauthorized,
	schema.Forbidden:    http.StatusForbidden,
	schema.TooLarge:     http.StatusRequestEntityTooLarge,
	schema.Unavailable:  http.StatusServiceUnavailable,
	schema.Internal:     http.StatusInternalServerError,
}

// problemTypes names each status's kind of problem; the names are anchors of /docs.
var problemTypes = map[int]string{
	http.StatusBadRequest:            "bad-request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not-found",
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusRequestTimeout:        "timeout",
	http.StatusConflict:              "conflict",
	http.StatusPreconditionFailed:    "stale",
	http.StatusRequestEntityTooLarge: "too-large",
	http.StatusUnsupportedMediaType:  "unsupported-media-type",
	http.StatusTooManyRequests:       "too-many-requests",
	http.StatusUnprocessableEntity:   "invalid",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// problemType is the type URI of a status's problems.
func problemType(status int) string {
	if name, ok := problemTypes[status]; ok {
		return "/docs#problem-" + name
	}
	return "about:blank"
}

// handleError is the app's ErrorHandler and the only place an error becomes a status: it
// writes err as application/problem+json and logs it if it is a bug (5xx), with the request
// id and, for a panic, the stack. Any error that is not the client's is a 500 whose detail
// says nothing about the cause.
func (a *api) handleError(c *fiber.Ctx, err error) error {
	p := a.problem(c, err)
	if p.Status >= 500 {
		attrs := []any{
			slog.String("request_id", p.RequestID),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Int("status", p.Status),
			slog.String("error", err.Error()),
		}
		var pe *panicError
		if errors.As(err, &pe) {
			attrs = append(attrs, slog.String("stack", string(pe.stack)))
		}
		a.log.ErrorContext(c.UserContext(), "request failed", attrs...)
	}
	body, merr := marshalJSON(p)
	if merr != nil {
		return merr
	}
	if p.Status == http.StatusServiceUnavailable {
		// The database is restarting or every connection is busy: a client (or a load
		// balancer) tries again shortly.
		c.Set(fiber.HeaderRetryAfter, retryAfter)
	}
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, problemContentType)
	// Headers a handler set before it failed describe an answer that is not sent.
	for _, h := range []string{fiber.HeaderETag, fiber.HeaderLocation, fiber.HeaderContentDisposition, headerCache} {
		c.Response().Header.Del(h)
	}
	return c.Send(body)
}

// problem builds the problem details of err.
func (a *api) problem(c *fiber.Ctx, err error) *problem {
	p := &problem{Status: http.StatusInternalServerError, Detail: "internal error", Instance: c.Path(), RequestID: a.ensureRequestID(c)}
	var (
		re  *requestError
		fe  *fiber.Error
		se  *schema.Error
		ie  *exchange.ImportError
		fes formulas.Errors
		fe1 *formulas.Error
		pe  *panicError
	)
	switch {
	case errors.As(err, &pe):
		// A bug: the generic 500.
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The request's context ended (requestContext): its client is gone, it took too
		// long or the server is shutting down. Its transaction was rolled back.
		p.Status = http.StatusServiceUnavailable
		p.Detail = "the request was stopped before it was done (it took too long, its client went away or the server is shutting down); nothing was saved: try again"
	case errors.As(err, &re):
		p.Status, p.Field, p.Detail = re.status, re.field, re.detail
	case errors.As(err, &ie) && errors.As(err, &se):
		// An imported file with problems: every problem is a cell.
		p.Status, p.Field, p.Detail = http.StatusUnprocessableEntity, se.Field, se.Message
		p.Problems = make([]any, len(ie.Problems))
		for i, ip := range ie.Problems {
			p.Problems[i] = ip
		}
		p.Title, p.Type = problemTitle(c, p.Status), problemTypeInvalidFile
		return p
	case errors.As(err, &se):
		p.Status = kindStatus[se.Kind]
		if se.Kind == schema.Unavailable {
			p.Detail = se.Message
			break
		}
		if p.Status == 0 || p.Status >= 500 {
			p.Status = http.StatusInternalServerError
			break
		}
		p.Field, p.Detail, p.Errors = se.Field, se.Message, se.Errors
		for _, sp := range se.Problems {
			p.Problems = append(p.Problems, sp)
		}
	case errors.As(err, &fes):
		p.Status, p.Detail, p.Errors = http.StatusUnprocessableEntity, fes.Error(), fes
	case errors.As(err, &fe1):
		p.Status, p.Detail, p.Errors = http.StatusUnprocessableEntity, fe1.Error(), []*formulas.Error{fe1}
	case errors.As(err, &fe):
		p.Status, p.Detail = a.fiberProblem(c, fe)
	}
	if len(p.Errors) > 0 {
		first := p.Errors[0]
		p.Item, p.Line, p.Column = first.Item, first.Line, first.Column
	}
	p.Title = problemTitle(c, p.Status)
	p.Type = problemType(p.Status)
	return p
}

// fiberProblem is the status and detail of an error raised by Fiber itself: no route, a
// method the route does not have, a body over the limit.
func (a *api) fiberProblem(c *fiber.Ctx, fe *fiber.Error) (int, string) {
	switch fe.Code {
	case http.StatusNotFound:
		return fe.Code, fmt.Sprintf("no such resource: %s %s", c.Method(), c.Path())
	case http.StatusMethodNotAllowed:
		allow := c.GetRespHeader(fiber.HeaderAllow)
		return fe.Code, fmt.Sprintf("method %s is not allowed on %s; allowed: %s", c.Method(), c.Path(), allow)
	case http.StatusRequestEntityTooLarge:
		if isImport(c) {
			return fe.Code, a.importTooLarge()
		}
		return fe.Code, fmt.Sprintf("the request body is larger than the limit of %d bytes", a.bodyLimit)
	}
	if fe.Code >= 500 || fe.Code < 400 {
		return http.StatusInternalServerError, "internal error"
	}
	return fe.Code, strings.TrimSpace(fe.Message)
}
