package schema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rubric-dev/rubric/formulas"
)

// Kind classifies an error for the client: the server maps each Kind to one HTTP status.
type Kind string

// Kinds of errors. Anything that is not an *Error is Internal.
const (
	Invalid      Kind = "invalid"      // the request or document is wrong (422)
	NotFound     Kind = "not_found"    // no such scheme, unit, revision (404)
	Conflict     Kind = "conflict"     // it exists already (409)
	Stale        Kind = "stale"        // the write expected a revision that is no longer current (412)
	Unauthorized Kind = "unauthorized" // no or bad credentials (401)
	Forbidden    Kind = "forbidden"    // credentials without the right (403)
	TooLarge     Kind = "too_large"    // a body or document over the limit (413)
	Unavailable  Kind = "unavailable"  // the database cannot serve the request now: try again (503)
	Internal     Kind = "internal"     // a bug or an unavailable database (500)
)

// Error is an error the client can act on. Field names what it concerns (a document path such
// as "items[0].code", a metric, a unit); Message says what is wrong, for people. Errors holds
// the formula errors of a scheme that does not compile, Problems every other problem found
// (one per field or value) when there are several.
type Error struct {
	Kind     Kind
	Field    string
	Message  string
	Errors   []*formulas.Error
	Problems []Problem
}

// Problem is one thing wrong with one field or value of a request.
type Problem struct {
	Field   string `json:"field"`
	Unit    string `json:"unit,omitempty"`
	Metric  string `json:"metric,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// String is the problem as one line: its field, then its message.
func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Error returns the message prefixed with "schema: ".
func (e *Error) Error() string {
	return "schema: " + e.Message
}

// Errorf returns an *Error of the given kind about field.
func Errorf(kind Kind, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind is the Kind of err: the Kind of the *Error it wraps, Internal for any other error
// and "" for nil.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != "" {
		return e.Kind
	}
	return Internal
}

// ErrorMessage is the message of the *Error that err wraps, or a generic text for any other
// error, whose details must not reach the client.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// invalid builds the Invalid error of a list of problems and formula errors. Its message lists
// them all; its Field is set when there is only one problem.
func invalid(problems []Problem, errs []*formulas.Error) *Error {
	msgs := make([]string, 0, len(problems)+len(errs))
	for _, p := range problems {
		msgs = append(msgs, p.String())
	}
	for _, fe := range errs {
		msgs = append(msgs, fe.Error())
	}
	e := &Error{Kind: Invalid, Message: strings.Join(msgs, "; "), Problems: problems, Errors: errs}
	if len(problems) == 1 && len(errs) == 0 {
		e.Field = problems[0].Field
	}
	return e
}
