package server

import (
	"embed"
	"io/fs"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric"
	"github.com/rubric-dev/rubric/schema"
)

func (a *api) getOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(rubric.OpenAPI)
}

// docsFiles are the files of /docs: Scalar's API reference (the standalone bundle of
// @scalar/api-reference, pinned in web/package-lock.json), its configuration and styles
// (web/docs), and the page. The web build writes them into server/docs under content-hashed
// names (npm --prefix web run build, or go generate ./server), and they are committed, so that
// a build with Go alone serves them.
//
//go:embed docs
var docsFiles embed.FS

// docsPage is the page of /docs among docsFiles; every other file is an asset it loads.
const docsPage = "index.html"

// docsAssets reads docsFiles once per process, not once per server: the renderer is 4.8 MB,
// and gzipping it takes a moment that neither a server's start nor every test should pay.
var docsAssets = sync.OnceValue(func() map[string]asset {
	out := map[string]asset{}
	entries, _ := fs.ReadDir(docsFiles, "docs") // embedded: cannot fail
	for _, e := range entries {
		name := e.Name()
		mime := ""
		switch {
		case name == docsPage:
			mime = fiber.MIMETextHTMLCharsetUTF8
		case strings.HasSuffix(name, ".js"):
			mime = "text/javascript; charset=utf-8"
		case strings.HasSuffix(name, ".css"):
			mime = "text/css; charset=utf-8"
		default:
			continue
		}
		b, _ := fs.ReadFile(docsFiles, "docs/"+name)
		out[name] = newAsset(b, mime)
	}
	if _, ok := out[docsPage]; !ok {
		out[docsPage] = newAsset([]byte("<!doctype html><title>rubric API</title><p>/docs is not built: npm --prefix web ci &amp;&amp; npm --prefix web run build. The contract is <a href=\"/openapi.yaml\">/openapi.yaml</a>."), fiber.MIMETextHTMLCharsetUTF8)
	}
	return out
})

// getDocs answers the page of /docs. Like the console's page it is revalidated at every load
// (no-cache with an ETag), so that a new binary's page, which names new assets, is seen at once.
func (a *api) getDocs(c *fiber.Ctx) error {
	return sendDocsFile(c, docsAssets()[docsPage], "no-cache")
}

// getDocsFile answers an asset of /docs. Its name holds a hash of its content, so a browser
// may keep it for a year without asking again.
func (a *api) getDocsFile(c *fiber.Ctx) error {
	name := c.Params("file")
	f, ok := docsAssets()[name]
	if !ok || name == docsPage {
		return schema.Errorf(schema.NotFound, "file", "no file %q in /docs", name)
	}
	return sendDocsFile(c, f, "public, max-age=31536000, immutable")
}

// sendDocsFile sends a file of /docs under its Content-Security-Policy, with its ETag, gzipped
// when the browser takes it.
func sendDocsFile(c *fiber.Ctx, f asset, cacheControl string) error {
	securityHeaders(c)
	c.Set(fiber.HeaderCacheControl, cacheControl)
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
