package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// page reads ?limit= and ?offset=: whole numbers, limit in 1..schema.MaxLimit (default
// schema.DefaultLimit), offset ≥ 0.
func page(c *fiber.Ctx) (schema.Page, error) {
	limit, err := intQuery(c, "limit", schema.DefaultLimit)
	if err != nil {
		return schema.Page{}, err
	}
	if limit < 1 || limit > schema.MaxLimit {
		return schema.Page{}, badRequest("limit", "limit %d is out of range 1..%d", limit, schema.MaxLimit)
	}
	offset, err := intQuery(c, "offset", 0)
	if err != nil {
		return schema.Page{}, err
	}
	if offset < 0 {
		return schema.Page{}, badRequest("offset", "offset %d must be ≥ 0", offset)
	}
	return schema.Page{Limit: limit, Offset: offset}, nil
}

// list is the one shape of every paginated answer.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// newList wraps one page of entries; a nil page is an empty list.
func newList[T any](items []T, total int, p schema.Page) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset}
}

// pageOf cuts one page out of a list held in memory.
func pageOf[T any](all []T, p schema.Page) list[T] {
	start := min(p.Offset, len(all))
	end := min(start+p.Limit, len(all))
	return newList(all[start:end], len(all), p)
}

// intQuery reads a whole-number query parameter.
func intQuery(c *fiber.Ctx, name string, def int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, badRequest(name, "%s: %q is not a whole number", name, s)
	}
	return n, nil
}

// boolQuery reads a true/false query parameter.
func boolQuery(c *fiber.Ctx, name string) (bool, error) {
	s := c.Query(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badRequest(name, "%s: %q is not true or false", name, s)
	}
	return b, nil
}

// enumQuery reads a query parameter that takes one of a few words; the first is the default.
func enumQuery(c *fiber.Ctx, name string, words ...string) (string, error) {
	s := c.Query(name)
	if s == "" {
		return words[0], nil
	}
	for _, w := range words {
		if s == w {
			return s, nil
		}
	}
	return "", badRequest(name, "%s: %q is not one of %s", name, s, strings.Join(words, ", "))
}

// layer reads ?layer=: final (default) or self.
func layer(c *fiber.Ctx) (string, error) {
	return enumQuery(c, "layer", schema.LayerFinal, schema.LayerSelf)
}

// revisionParam reads the {revision} path parameter: a whole number ≥ 1.
func revisionParam(c *fiber.Ctx) (int, error) {
	s := c.Params("revision")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, badRequest("revision", "revision %q is not a whole number ≥ 1", s)
	}
	return n, nil
}

// bodyFormat is how a request body is encoded.
type bodyFormat int

const (
	formatJSON bodyFormat = iota
	formatYAML
)

// bodyOf returns the request body and its format, which must be one of those allowed (JSON
// always; YAML where yaml is set). A body without a Content-Type is read as JSON. A compressed
// body is refused, so that the body limit holds.
func bodyOf(c *fiber.Ctx, yaml bool) ([]byte, bodyFormat, error) {
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, 0, unsupportedMediaType("Content-Encoding %q is not supported: send the body uncompressed", enc)
	}
	body := c.BodyRaw()
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, 0, badRequest("", "the request has no body")
	}
	ct := c.Get(fiber.HeaderContentType)
	if ct == "" {
		return body, formatJSON, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, 0, unsupportedMediaType("Content-Type %q cannot be parsed", ct)
	}
	switch {
	case mt == fiber.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"):
		return body, formatJSON, nil
	case yaml && (mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml"):
		return body, formatYAML, nil
	}
	if yaml {
		return nil, 0, unsupportedMediaType("Content-Type %q is not supported: send application/json or application/yaml", mt)
	}
	return nil, 0, unsupportedMediaType("Content-Type %q is not supported: send application/json", mt)
}

// decodeJSON reads the request's JSON body into v strictly: malformed JSON is a 400; a field v
// does not have or a value of the wrong type is a 422 naming the field.
func decodeJSON(c *fiber.Ctx, v any) error {
	body, _, err := bodyOf(c, false)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// decodeJSONNumbers is decodeJSON keeping the numbers of untyped fields (values) as
// json.Number, their text as sent: 9007199254740993 reaches the check of schema.ValidateValue
// as written, not as the float64 9007199254740992 it would round to (issue 11).
func decodeJSONNumbers(c *fiber.Ctx, v any) error {
	body, _, err := bodyOf(c, false)
	if err != nil {
		return err
	}
	return decodeStrictNumbers(body, v, true)
}

// decodeStrict decodes one JSON value from data into v, rejecting unknown fields.
func decodeStrict(data []byte, v any) error { return decodeStrictNumbers(data, v, false) }

// decodeStrictNumbers is decodeStrict, with numbers as json.Number if useNumber.
func decodeStrictNumbers(data []byte, v any, useNumber bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if useNumber {
		dec.UseNumber()
	}
	if err := dec.Decode(v); err != nil {
		return jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "malformed JSON: unexpected data after the value")
	}
	return nil
}

// jsonError explains a decoding error of data.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return badRequest("", "malformed JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return badRequest("", "malformed JSON: unexpected end of the body")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return schema.Errorf(schema.Invalid, "", "expected %s, got %s", describeGoType(typ.Type.String()), typ.Value)
		}
		return schema.Errorf(schema.Invalid, typ.Field, "%s: expected %s, got %s", typ.Field, describeGoType(typ.Type.String()), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return schema.Errorf(schema.Invalid, name, "unknown field %q", name)
	}
	return badRequest("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// describeGoType names a Go type in the words of the API.
func describeGoType(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case t == "string":
		return "text"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return "an object"
}

// position is the 1-based line and column of the byte at offset (as encoding/json counts).
func position(data []byte, offset int64) (line, col int) {
	if offset < 1 {
		offset = 1
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset-1]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// location is the path of a resource under the API's base.
func location(parts ...string) string {
	return "/api/v1/" + strings.Join(parts, "/")
}

// notFound is the error of a code that names nothing in a scheme.
func notFound(what, code, scheme string) error {
	return schema.Errorf(schema.NotFound, "", "%s %q of scheme %q not found", what, code, scheme)
}

// quoteList quotes each string and joins them with commas.
func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}
