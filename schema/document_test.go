package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

// mustLoadDoc decodes testdata/scheme.yaml, a small valid scheme document with roster and values.
func mustLoadDoc(tb testing.TB) *Document {
	tb.Helper()
	f, err := os.Open("testdata/scheme.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	doc, err := DecodeYAML(f)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// problemStrings renders the problems of an *Error as "field: message" lines.
func problemStrings(tb testing.TB, err error) []string {
	tb.Helper()
	e, ok := err.(*Error)
	if !ok {
		tb.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestDecodeYAML(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		doc := mustLoadDoc(t)
		if doc.Code != "test-medical" || doc.Title != "医疗保障工作考核（测试）" || doc.Period != "2022" {
			t.Errorf("scheme fields: %q %q %q", doc.Code, doc.Title, doc.Period)
		}
		if got := len(doc.Items[0].Children); got != 1 {
			t.Errorf("children = %d, want 1", got)
		}
		if got, want := doc.Units[0], (formulas.Unit{Code: "xinbei", Name: "新北区", Group: "主功能区",
			Attrs: map[string]any{"population": 1200000}}); !reflect.DeepEqual(got, want) {
			t.Errorf("unit = %#v, want %#v", got, want)
		}
		late := doc.Values[LayerFinal]["xinbei"]["late_reports"]
		if e, err := ParseEntry(late); err != nil || e.Value != 2 || e.Note != "3月、7月迟报" {
			t.Errorf("late_reports = %#v (%v)", e, err)
		}
		if got := doc.Values[LayerSelf]["xinbei"]["res_actual"]; got != 100 {
			t.Errorf("self res_actual = %#v", got)
		}
	})

	tests := []struct {
		name     string
		doc      string
		kind     Kind
		message  string
		problems []string
	}{
		{
			name: "ErrUnknownField",
			doc: "code: a\ntitle: A\nitems:\n  - code: x\n    title: X\n    children:\n" +
				"      - {code: y, title: Y, formual: '1'}\n    formual: '2'\nunits: [{code: u, name: U, grup: 镇}]\n",
			kind: Invalid,
			message: `items[0].children[0].formual: unknown field "formual" (line 7); ` +
				`items[0].formual: unknown field "formual" (line 8); units[0].grup: unknown field "grup" (line 9)`,
			problems: []string{`items[0].children[0].formual: unknown field "formual" (line 7)`,
				`items[0].formual: unknown field "formual" (line 8)`, `units[0].grup: unknown field "grup" (line 9)`},
		},
		{
			name:     "ErrType",
			doc:      "code: a\ntitle: A\ntotal_points: ten\nitems:\n  - {code: x, title: X, max_points: [1]}\n",
			kind:     Invalid,
			message:  `expected a number, got text "ten" (line 3); expected a number, got a list (line 5)`,
			problems: []string{`expected a number, got text "ten" (line 3)`, `expected a number, got a list (line 5)`},
		},
		{
			name:    "ErrMalformed",
			doc:     "code: a\n  title: [\n",
			kind:    Invalid,
			message: "malformed YAML: line 2: mapping values are not allowed in this context",
		},
		{
			name:    "ErrEmpty",
			doc:     "\n# nothing\n",
			kind:    Invalid,
			message: "the document is empty",
		},
		{
			name:    "ErrTwoDocuments",
			doc:     "code: a\n---\ncode: b\n",
			kind:    Invalid,
			message: "malformed YAML: a file holds one document, found another after it",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeYAML(strings.NewReader(tt.doc))
			checkError(t, err, tt.kind, tt.message)
			if tt.problems != nil {
				if got := problemStrings(t, err); !reflect.DeepEqual(got, tt.problems) {
					t.Errorf("problems =\n%q\nwant\n%q", got, tt.problems)
				}
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		want := mustLoadDoc(t)
		if _, err := Validate(want); err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Validate(got); err != nil {
			t.Fatal(err)
		}
		// JSON numbers decode as float64: compare through JSON.
		again, _ := json.Marshal(got)
		if !bytes.Equal(data, again) {
			t.Errorf("round trip differs:\n%s\n%s", data, again)
		}
		if !strings.HasPrefix(string(data), `{"code":"test-medical","title":`) {
			t.Errorf("the scheme's fields are not inlined: %.60s", data)
		}
	})

	tests := []struct {
		name     string
		doc      string
		kind     Kind
		message  string
		field    string
		problems []string
	}{
		{
			name:     "ErrUnknownField",
			doc:      `{"code":"a","items":[{"code":"x","children":[{"code":"y","formual":"1"}]}]}`,
			kind:     Invalid,
			message:  `items[0].children[0].formual: unknown field "formual"`,
			field:    "items[0].children[0].formual",
			problems: []string{`items[0].children[0].formual: unknown field "formual"`},
		},
		{
			name:    "ErrUnknownFields",
			doc:     `{"code":"a","tilte":"A","metrics":[{"code":"m","typ":"number"}],"values":{"final":{"u":{"m":1}}}}`,
			kind:    Invalid,
			message: `metrics[0].typ: unknown field "typ"; tilte: unknown field "tilte"`,
		},
		{
			name:    "ErrType",
			doc:     `{"code":"a","items":[{"code":"x","max_points":"ten"}]}`,
			kind:    Invalid,
			message: `items[0].max_points: expected a number, got text "ten"`,
			field:   "items[0].max_points",
		},
		{
			name:    "ErrSyntax",
			doc:     "{\"code\": \"a\",\n \"title\": }",
			kind:    Invalid,
			message: "malformed JSON at line 2, column 11: invalid character '}' looking for beginning of value",
		},
		{
			name:    "ErrTruncated",
			doc:     `{"code": "a"`,
			kind:    Invalid,
			message: "malformed JSON: unexpected end of the document",
		},
		{
			name:    "ErrTrailing",
			doc:     `{"code": "a"} {}`,
			kind:    Invalid,
			message: "malformed JSON: unexpected data after the document",
		},
		{
			name:    "ErrEmpty",
			doc:     "  \n",
			kind:    Invalid,
			message: "the document is empty",
		},
		{
			name:    "ErrTooLarge",
			doc:     `{"title":"` + strings.Repeat("x", MaxDocumentSize) + `"}`,
			kind:    TooLarge,
			message: "the document is larger than 16777216 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJSON(strings.NewReader(tt.doc))
			checkError(t, err, tt.kind, tt.message)
			if tt.field != "" && err.(*Error).Field != tt.field {
				t.Errorf("Field = %q, want %q", err.(*Error).Field, tt.field)
			}
			if tt.problems != nil {
				if got := problemStrings(t, err); !reflect.DeepEqual(got, tt.problems) {
					t.Errorf("problems = %q, want %q", got, tt.problems)
				}
			}
		})
	}
}

// checkError asserts that err is an *Error of the kind with the whole message.
func checkError(tb testing.TB, err error, kind Kind, message string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want %s %q", kind, message)
	}
	if got := ErrorKind(err); got != kind {
		tb.Errorf("kind = %q, want %q (%v)", got, kind, err)
	}
	if got := ErrorMessage(err); got != message {
		tb.Errorf("message =\n%s\nwant\n%s", got, message)
	}
}

func TestDecodeJSONTypes(t *testing.T) {
	doc := `{"code":1,"precision":2.5,"groups":"镇","params":{"a":"x"},"metrics":[{"code":"m","min":true}],` +
		`"items":[{"code":"x","children":{}}],"veto":[],"units":[{"code":"u","attrs":{"p":"any"}}],"values":{"final":{"u":{"m":[1]}}}}`
	_, err := DecodeJSON(strings.NewReader(doc))
	want := []string{
		"code: expected text, got 1",
		"groups: expected a list, got text \"镇\"",
		"items[0].children: expected a list, got an object",
		"metrics[0].min: expected a number, got true",
		"params.a: expected a number, got text \"x\"",
		"precision: expected a whole number, got 2.5",
		"veto: expected an object, got a list",
	}
	if got := problemStrings(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems =\n%q\nwant\n%q", got, want)
	}
}

func bytesReader(data []byte) *bytes.Reader { return bytes.NewReader(data) }

func TestDecodeYAMLAliases(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		doc, err := DecodeYAML(strings.NewReader("code: a\ntitle: A\nmetrics:\n  - &m {code: m, title: M, type: number}\n" +
			"items:\n  - {code: x, title: X, formula: m}\n"))
		if err != nil || len(doc.Metrics) != 1 {
			t.Fatalf("doc %+v, err %v", doc, err)
		}
	})
	t.Run("ErrRecursive", func(t *testing.T) {
		_, err := DecodeYAML(strings.NewReader("code: a\nitems: &a\n  - {code: x, children: *a}\n"))
		if ErrorKind(err) != Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
	})
	t.Run("ErrLaughs", func(t *testing.T) {
		// Aliases of aliases inside unit attributes, which the decoder expands: about 4^30 nodes.
		var b strings.Builder
		b.WriteString("code: a\nunits:\n  - code: u\n    attrs:\n      l0: &l0 [1, 1, 1, 1]\n")
		for i := 1; i < 30; i++ {
			fmt.Fprintf(&b, "      l%d: &l%d [*l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1)
		}
		_, err := DecodeYAML(strings.NewReader(b.String()))
		if ErrorKind(err) != Invalid {
			t.Fatalf("err = %v, want Invalid", err)
		}
	})
}
