package server

import (
	"errors"
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

// gzipped returns body compressed with gzip, compressing it on the first call only, or nil
// when gzip does not pay: the output may take at most a quarter of the body (the sheet's JSON
// takes about an eighth), in a buffer allocated once, so compressing costs at most a quarter
// of the answer's size in memory, never a buffer grown by doubling.
func (eb *encodedBodies) gzipped(body []byte) ([]byte, error) {
	eb.gzipOnce.Do(func() {
		out := &cappedBuffer{b: make([]byte, 0, len(body)/4+4096)}
		// BestSpeed: the sheet's JSON is repetitive, level 1 already shrinks it about
		// eightfold at several times the speed of the default level.
		w, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
		if err == nil {
			_, err = w.Write(body)
		}
		if err == nil {
			err = w.Close()
		}
		switch {
		case errors.Is(err, errCapped):
			eb.gzip = nil // not worth it: sent as it is
		case err != nil:
			eb.gzipErr = err
		default:
			eb.gzip = out.b
		}
	})
	return eb.gzip, eb.gzipErr
}

// errCapped is the error of a write past a cappedBuffer's capacity.
var errCapped = errors.New("server: compressed answer over its budget")

// cappedBuffer collects bytes up to its capacity and refuses more.
type cappedBuffer struct{ b []byte }

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if len(c.b)+len(p) > cap(c.b) {
		return 0, errCapped
	}
	c.b = append(c.b, p...)
	return len(p), nil
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
		if data != nil {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(data)
		}
	}
	return c.Send(body)
}
