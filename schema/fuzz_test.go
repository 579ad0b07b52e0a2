package schema

import (
	"bytes"
	"os"
	"testing"
)

// FuzzDecodeJSON checks that no input makes DecodeJSON panic or fail with anything but a
// client error.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"code":"a","items":[{"code":"x","formual":"1"}]}`))
	f.Add([]byte(`{"code":1,"metrics":{},"values":{"final":{"u":{"m":{"value":1,"note":2}}}}}`))
	f.Add([]byte(`[1, 2`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := DecodeJSON(bytes.NewReader(data))
		if err != nil {
			if k := ErrorKind(err); k != Invalid && k != TooLarge {
				t.Fatalf("kind %q for %q: %v", k, data, err)
			}
			return
		}
		if _, err := Validate(doc); err != nil && ErrorKind(err) != Invalid {
			t.Fatalf("Validate: %v", err)
		}
	})
}

// FuzzDecodeYAML is FuzzDecodeJSON for YAML documents.
func FuzzDecodeYAML(f *testing.F) {
	seed, err := os.ReadFile("testdata/scheme.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("code: a\nitems:\n  - {code: x, formual: '1'}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := DecodeYAML(bytes.NewReader(data))
		if err != nil {
			if k := ErrorKind(err); k != Invalid && k != TooLarge {
				t.Fatalf("kind %q for %q: %v", k, data, err)
			}
			return
		}
		if _, err := Validate(doc); err != nil && ErrorKind(err) != Invalid {
			t.Fatalf("Validate: %v", err)
		}
	})
}
