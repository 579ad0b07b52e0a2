package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"testing"
)

// TestGzippedPaysOrNot: a repetitive answer is compressed (and reads back whole); one gzip
// cannot shrink to a quarter is not, and is sent as it is.
func TestGzippedPaysOrNot(t *testing.T) {
	json := bytes.Repeat([]byte(`{"unit":{"code":"u000001","name":"Unit 000001"},"cells":{"i1":9.5,"i2":15}},`), 2000)
	var eb encodedBodies
	packed, err := eb.gzipped(json)
	if err != nil || packed == nil || len(packed) > len(json)/4 {
		t.Fatalf("repetitive: %d bytes of %d, %v", len(packed), len(json), err)
	}
	zr, _ := gzip.NewReader(bytes.NewReader(packed))
	if back, _ := io.ReadAll(zr); !bytes.Equal(back, json) {
		t.Error("does not read back")
	}
	noise := make([]byte, 100000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	var other encodedBodies
	if packed, err := other.gzipped(noise); err != nil || packed != nil {
		t.Errorf("noise: %d bytes, %v; want none", len(packed), err)
	}
}
