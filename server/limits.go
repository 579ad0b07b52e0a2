package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
)

// DefaultRateLimit is the requests per minute a token may make when Config sets no limit:
// generous, so that a front end that loads a page of many requests never meets it, while a
// runaway script does.
const DefaultRateLimit = 1200

// rateLimiter is a token bucket per API token, in this process: a bucket holds up to a
// minute's requests and refills at the limit's pace, so a token may burst to its limit and
// then go on at its rate.
type rateLimiter struct {
	perMinute float64
	now       func() time.Time

	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	left float64   // requests the token may make now
	at   time.Time // when left was computed
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), now: now, buckets: map[int64]*bucket{}}
}

// take takes one request out of the token's bucket; if it is empty, it says how long until
// the next request is allowed.
func (l *rateLimiter) take(token int64) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[token]
	if b == nil {
		b = &bucket{left: l.perMinute, at: now}
		l.buckets[token] = b
	}
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.left = math.Min(l.perMinute, b.left+elapsed.Minutes()*l.perMinute)
		b.at = now
	}
	if b.left >= 1 {
		b.left--
		return true, 0
	}
	return false, time.Duration((1 - b.left) / l.perMinute * float64(time.Minute))
}

// rateLimit answers 429 with Retry-After (whole seconds) to a token over its rate limit.
func (a *api) rateLimit(c *fiber.Ctx) error {
	if a.limiter == nil {
		return c.Next()
	}
	ok, wait := a.limiter.take(tokenOf(c).ID)
	if ok {
		return c.Next()
	}
	secs := int(math.Ceil(wait.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return &requestError{status: http.StatusTooManyRequests,
		detail: "this token made more than " + strconv.Itoa(int(a.limiter.perMinute)) + " requests in a minute: retry in " + strconv.Itoa(secs) + " s"}
}

// corsHeaders are the request headers a browser may send across origins, and those it may read.
const (
	corsAllowHeaders  = "Authorization, Content-Type, If-Match, If-None-Match, X-Reason, X-Request-Id"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-Id, X-Rubric-Cache, Content-Disposition"
)

// newCORS answers cross-origin requests from the allowed origins; with none, there is no
// CORS at all and browsers refuse every cross-origin call.
func newCORS(origins []string) fiber.Handler {
	return cors.New(cors.Config{
		AllowOrigins:  strings.Join(origins, ","),
		AllowMethods:  "GET,POST,PUT,PATCH,DELETE",
		AllowHeaders:  corsAllowHeaders,
		ExposeHeaders: corsExposeHeaders,
		MaxAge:        600,
	})
}

// docsCSP is the Content-Security-Policy of /docs: scripts, styles and fonts from this server
// only — no inline script, no eval — and requests ("try it") to this server only; nothing
// from any other origin, no frame. Inline styles are allowed because Scalar's renderer puts
// its stylesheet into a <style> element from its script and sets style attributes (Vue's
// bindings); a nonce would cover the former only.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers that keep a browser from doing more with a page than show it.
func securityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, docsCSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
}
