package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rubric-dev/rubric/formulas"
)

// MaxDocumentSize is the largest scheme document DecodeJSON and DecodeYAML read, in bytes.
const MaxDocumentSize = 16 << 20

// Layers of values: the assessor's figures and the unit's self-assessment (自评). Each layer is
// evaluated as a sheet of its own.
const (
	LayerFinal = "final"
	LayerSelf  = "self"
)

// Document is the scheme document, rubric's unit of exchange: a seed YAML file, the body of
// POST /api/v1/schemes and the answer of GET /api/v1/schemes/{code}. It is a formulas.Scheme
// with, optionally, its roster (Units) and example values.
//
// Values maps a layer (final or self) to a unit code to a metric code to a value. A value is a
// scalar (number, boolean, text) or an object {value, note}.
type Document struct {
	formulas.Scheme `yaml:",inline"`
	Units           []formulas.Unit                      `json:"units,omitempty" yaml:"units,omitempty"`
	Values          map[string]map[string]map[string]any `json:"values,omitempty" yaml:"values,omitempty"`
}

// DecodeJSON reads a scheme document in JSON. A field the document format does not have is an
// Invalid error naming it with its path (a typo "formual" is not silently dropped), as is
// malformed JSON or a value of the wrong type. The document is not validated: see Validate.
func DecodeJSON(r io.Reader) (*Document, error) {
	data, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, Errorf(Invalid, "", "malformed JSON: unexpected data after the document")
	}
	return &doc, nil
}

// DecodeYAML reads a scheme document in YAML (a seed file). Unknown fields are an Invalid
// error naming each with its path and line, as are malformed YAML and values of the wrong type.
// The document is not validated: see Validate.
func DecodeYAML(r io.Reader) (*Document, error) {
	data, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Errorf(Invalid, "", "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, Errorf(Invalid, "", "the document is empty")
	}
	var problems []Problem
	unknownYAML(root.Content[0], documentType, "", &problems)
	if len(problems) > 0 {
		return nil, invalid(problems, nil)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				problems = append(problems, yamlProblem(msg))
			}
			return nil, invalid(problems, nil)
		}
		return nil, Errorf(Invalid, "", "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, Errorf(Invalid, "", "malformed YAML: a file holds one document, found another after it")
	}
	return &doc, nil
}

// readDocument reads all of r, up to MaxDocumentSize.
func readDocument(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("schema: read document: %w", err)
	}
	if len(data) > MaxDocumentSize {
		return nil, Errorf(TooLarge, "", "the document is larger than %d bytes", MaxDocumentSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Errorf(Invalid, "", "the document is empty")
	}
	return data, nil
}

var documentType = reflect.TypeFor[Document]()

// jsonError turns a decoding error into an Invalid error naming the field or position.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1)
		return Errorf(Invalid, "", "malformed JSON at line %d, column %d: %s", line, col,
			strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ) || strings.Contains(err.Error(), "unknown field"):
		var generic any
		if json.Unmarshal(data, &generic) == nil {
			var problems []Problem
			checkJSON(generic, documentType, "", &problems)
			if len(problems) > 0 {
				return invalid(problems, nil)
			}
		}
		return Errorf(Invalid, "", "%s", strings.TrimPrefix(err.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(Invalid, "", "malformed JSON: unexpected end of the document")
	}
	return Errorf(Invalid, "", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// position is the 1-based line and column of a byte offset.
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// describeType names a Go type in the words of the document format.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// yamlProblem turns one message of a *yaml.TypeError ("line 12: field formual not found in
// type formulas.Item") into a Problem with its line.
func yamlProblem(msg string) Problem {
	p := Problem{Message: msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				p.Line, p.Message = n, fmt.Sprintf("%s (line %d)", yamlMessage(rest[i+2:]), n)
			}
		}
	}
	return p
}

var yamlTypeRe = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")

// yamlMessage rewrites yaml.v3's "cannot unmarshal !!str `ten` into float64" in the words of
// the document format: "expected a number, got text "ten"".
func yamlMessage(msg string) string {
	m := yamlTypeRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	var want string
	switch goType := m[3]; {
	case strings.HasPrefix(goType, "float"):
		want = "a number"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		want = "a whole number"
	case goType == "string":
		want = "text"
	case goType == "bool":
		want = "true or false"
	case strings.HasPrefix(goType, "[]"):
		want = "a list"
	default:
		want = "an object"
	}
	var got string
	switch m[1] {
	case "str":
		got = "text " + strconv.Quote(m[2])
	case "int", "float", "bool":
		got = m[2]
	case "seq":
		got = "a list"
	case "map":
		got = "an object"
	default:
		got = m[2]
	}
	return "expected " + want + ", got " + got
}

// fields lists the document fields of a struct type under the given tag (json or yaml), with
// the fields of embedded structs inlined.
func fields(t reflect.Type, tag string) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get(tag), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		inline := strings.Contains(","+opts+",", ",inline,") || (tag == "json" && f.Anonymous && name == "")
		if inline && f.Type.Kind() == reflect.Struct {
			for k, v := range fields(f.Type, tag) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
			if tag == "yaml" {
				name = strings.ToLower(name)
			}
		}
		out[name] = f.Type
	}
	return out
}

// checkJSON reports every object key of v that type t has no field for and every value of
// the wrong type, with its path: all the problems of a document at once.
func checkJSON(v any, t reflect.Type, path string, out *[]Problem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil || t.Kind() == reflect.Interface {
		return
	}
	mismatch := func() {
		*out = append(*out, Problem{Field: path, Message: fmt.Sprintf("expected %s, got %s", describeType(t), describe(v))})
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			mismatch()
			return
		}
		if t.Kind() == reflect.Map {
			for _, k := range sortedKeys(obj) {
				checkJSON(obj[k], t.Elem(), join(path, k), out)
			}
			return
		}
		known := fields(t, "json")
		for _, k := range sortedKeys(obj) {
			ft, ok := known[k]
			if !ok {
				*out = append(*out, unknownField(path, k, 0))
				continue
			}
			checkJSON(obj[k], ft, join(path, k), out)
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			mismatch()
			return
		}
		for i, e := range list {
			checkJSON(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			mismatch()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			mismatch()
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(float64); !ok {
			mismatch()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			mismatch()
		}
	}
}

// unknownYAML reports every mapping key of n that type t has no field for, with its path
// and line.
func unknownYAML(n *yaml.Node, t reflect.Type, path string, out *[]Problem) {
	if n.Kind == yaml.AliasNode {
		// The anchored node is checked where it is defined; following aliases could loop
		// (an anchor inside itself) or blow up (aliases of aliases).
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		known := fields(t, "yaml")
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := known[k.Value]
			if !ok {
				*out = append(*out, unknownField(path, k.Value, k.Line))
				continue
			}
			unknownYAML(n.Content[i+1], ft, join(path, k.Value), out)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, e := range n.Content {
			unknownYAML(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			unknownYAML(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), out)
		}
	}
}

func unknownField(path, name string, line int) Problem {
	p := Problem{Field: join(path, name), Line: line, Message: fmt.Sprintf("unknown field %q", name)}
	if line > 0 {
		p.Message += fmt.Sprintf(" (line %d)", line)
	}
	return p
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
