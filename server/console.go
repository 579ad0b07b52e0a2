package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// consoleFiles are the console's built assets: web/ builds them into server/console (npm
// --prefix web run build), and they are committed, so that a build with Go alone serves the
// console.
//
//go:embed console
var consoleFiles embed.FS

// The web build writes the console into server/console and /docs into server/docs.
//
//go:generate sh -c "npm --prefix ../web ci --no-audit --no-fund && npm --prefix ../web run build"

// consoleCSP is the Content-Security-Policy of the console: scripts and styles from this
// server only — no inline script — and calls to this server only. Inline styles are allowed
// because the grid and the editor set them from their scripts.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one file of the console, read once with its ETag and compressed once.
type asset struct {
	body []byte
	gz   []byte // body gzipped, for browsers that accept it (the script shrinks to a third)
	mime string
	etag string
}

// consoleAssets reads the console's files: the page, its script and its stylesheet.
func consoleAssets() map[string]asset {
	out := map[string]asset{}
	for name, mime := range map[string]string{
		"index.html":  fiber.MIMETextHTMLCharsetUTF8,
		"console.js":  "text/javascript; charset=utf-8",
		"console.css": "text/css; charset=utf-8",
	} {
		b, err := fs.ReadFile(consoleFiles, "console/"+name)
		if err != nil {
			b = []byte("/* the console is not built: npm --prefix web ci && npm --prefix web run build */")
		}
		out[name] = newAsset(b, mime)
	}
	return out
}

// newAsset makes an asset of a file: its ETag is a hash of its content.
func newAsset(b []byte, mime string) asset {
	sum := sha256.Sum256(b)
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = w.Write(b) // into memory: cannot fail
	_ = w.Close()
	return asset{body: b, gz: gz.Bytes(), mime: mime, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// serveAsset answers with a console file; the browser revalidates it on every load (no-cache
// with an ETag), so a new binary's console is never mixed with an old cached script.
func (a *api) serveAsset(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f := a.console[name]
		securityHeaders(c)
		c.Set(fiber.HeaderContentSecurityPolicy, consoleCSP)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderETag, f.etag)
		if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, f.mime)
		c.Vary(fiber.HeaderAcceptEncoding)
		if acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(f.gz)
		}
		return c.Send(f.body)
	}
}

// acceptsGzip says whether an Accept-Encoding header takes gzip (and does not refuse it with
// q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
