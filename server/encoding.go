package server

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/klauspost/compress/gzip"
)

// encodedBodies holds the compressed forms of one answer that many requests send unchanged
// (the JSON of a whole sheet at one version), each compressed once, when first asked for.
// gzip only: brotli compresses the sheet's JSON a little smaller but several times slower,
// and the first reader after every change pays for the compression.
type encodedBodies struct {
	gzipOnce sync.Once
	gzip     []byte
	gzipErr  error
}

// gzipped returns body compressed with gzip, compressing it on the first call only.
func (eb *encodedBodies) gzipped(body []byte) ([]byte, error) {
	eb.gzipOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(body) / 6)
		// BestSpeed: the sheet's JSON is repetitive, level 1 already shrinks it about
		// eightfold at several times the speed of the default level.
		w, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err == nil {
			_, err = w.Write(body)
		}
		if err == nil {
			err = w.Close()
		}
		eb.gzip, eb.gzipErr = buf.Bytes(), err
	})
	return eb.gzip, eb.gzipErr
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (a q of 0 refuses it;
// * allows it unless gzip is refused by name).
func acceptsGzip(c *fiber.Ctx) bool {
	h := c.Get(fiber.HeaderAcceptEncoding)
	star := false
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if name == "*" {
			star = ok
			continue
		}
		return ok
	}
	return star
}

// sendEncoded sends the body of a whole-sheet answer, compressed with gzip (cached with the
// sheet's version) when the client accepts it.
func sendEncoded(c *fiber.Ctx, body []byte, eb *encodedBodies, gz bool) error {
	c.Vary(fiber.HeaderAcceptEncoding)
	if gz {
		data, err := eb.gzipped(body)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(data)
	}
	return c.Send(body)
}
