package server

import (
	"bytes"
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
