package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric"
	"github.com/rubric-dev/rubric/schema"
)

// DefaultBodyLimit is the largest request body the server reads when Config sets none: a
// scheme document may be as large as schema.MaxDocumentSize.
const DefaultBodyLimit = schema.MaxDocumentSize

// DefaultImportLimit is the largest file POST /values/import reads when Config sets none.
const DefaultImportLimit = 20 << 20

// formSlack is what a multipart form may add to the file it carries: boundaries, part
// headers, a few small fields.
const formSlack = 64 << 10

// drainFactor is how much larger than the import limit a body may be and still be read, so
// that the client can read the 413 that refuses it: a server that stops reading a body and
// closes the connection resets it, and most clients then lose the answer.
const drainFactor = 2

// Config configures the server.
type Config struct {
	// Logger receives the request log and every internal error; nil is slog.Default().
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
	// BodyLimit is the largest request body of every route but the import, in bytes; 0 is
	// DefaultBodyLimit.
	BodyLimit int
	// ImportLimit is the largest file an import reads (a spreadsheet of values), in bytes; 0
	// is DefaultImportLimit. It applies to the raw body or to the form's file part.
	ImportLimit int
	// RateLimit is the requests per minute each token may make (a token bucket per token, a
	// minute's worth deep, per process); 0 is DefaultRateLimit, < 0 no limit.
	RateLimit int
	// CORSOrigins are the origins whose pages may call the API from a browser
	// ("https://app.example.com"); none, the default, allows no cross-origin call.
	CORSOrigins []string
	// Now is the clock of the request log and of the rate limit; nil is time.Now.
	Now func() time.Time
}

// api holds what the handlers share.
type api struct {
	store       *schema.Store
	log         *slog.Logger
	version     string
	now         func() time.Time
	sheets      *sheetCache
	bodyLimit   int              // the largest body of every route but the import (Fiber's BodyLimit)
	importLimit int              // the largest imported file
	limiter     *rateLimiter     // nil: no rate limit
	console     map[string]asset // the console's files by name
	queries     queryParams      // the query parameters of each operation, from openapi.yaml
}

// New returns the Fiber app that serves rubric's API from store.
func New(store *schema.Store, cfg Config) *fiber.App {
	a := &api{store: store, log: cfg.Logger, version: cfg.Version, now: cfg.Now}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.version == "" {
		a.version = "dev"
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.sheets = newSheetCache(store)
	queries, err := specQueryParams(rubric.OpenAPI)
	if err != nil {
		panic(err) // the embedded contract is part of the binary; the contract test reads it
	}
	a.queries = queries
	a.console = consoleAssets()
	a.bodyLimit, a.importLimit = cfg.BodyLimit, cfg.ImportLimit
	if a.bodyLimit <= 0 {
		a.bodyLimit = DefaultBodyLimit
	}
	if a.importLimit <= 0 {
		a.importLimit = DefaultImportLimit
	}
	app := fiber.New(fiber.Config{
		AppName:               "rubric",
		BodyLimit:             a.bodyLimit, // an import's is raised by bodyLimitOf
		CaseSensitive:         true,
		Immutable:             true, // strings from the context outlive handlers (cache keys, logs)
		DisableStartupMessage: true,
		ErrorHandler:          a.handleError,
		JSONEncoder:           marshalJSON,
		ReadTimeout:           time.Minute,
		WriteTimeout:          time.Minute,
		IdleTimeout:           2 * time.Minute,
	})
	app.Server().HeaderReceived = a.bodyLimitOf
	switch {
	case cfg.RateLimit == 0:
		a.limiter = newRateLimiter(DefaultRateLimit, a.now)
	case cfg.RateLimit > 0:
		a.limiter = newRateLimiter(cfg.RateLimit, a.now)
	}
	app.Use(a.requestID, a.logRequests, a.recoverPanics, a.requestContext, a.refuseControlQuery)
	if len(cfg.CORSOrigins) > 0 {
		app.Use(newCORS(cfg.CORSOrigins))
	}
	a.routes(app)
	return app
}

// marshalJSON encodes v as JSON without escaping <, > and & (formulas read better unescaped).
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
