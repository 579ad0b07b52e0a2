package schema

import (
	"encoding/json"
	"math"
	"testing"
)

// TestEncodeValue: values are stored exactly as encoding/json writes them.
func TestEncodeValue(t *testing.T) {
	for _, v := range []any{0.0, math.Copysign(0, -1), 1.0, -3.0, 120.0, 0.1, 14.7, 1e-6, 9.99e-7, 1e20, 1e21, 123456789012345.6, 2.5e-300, true, "补录 <x>", "a\"b"} {
		want, _ := json.Marshal(v)
		got, err := encodeValue(v)
		if err != nil || got != string(want) {
			t.Errorf("%v: %q (%v), want %q", v, got, err, want)
		}
	}
}
