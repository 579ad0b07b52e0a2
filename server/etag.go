package server

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/rubric-dev/rubric/schema"
)

// Entity tags. Nothing here is kept in the process: every tag is computed from what the
// database says now (a scheme's revision and data version), so every process behind a load
// balancer gives the same tag for the same state, and a tag one process gave is honoured by
// all.
//
// A scheme document, an item or a metric carries the scheme's revision, "r12". A write of the
// scheme (PUT or DELETE of the scheme, POST, PATCH or DELETE of an item or metric, a restore)
// sent with If-Match: "r12" is made only if the scheme is still at revision 12 when the write
// locks it, and answers 412 otherwise. Results carry a tag of the revision, data version and
// layer they were computed from and of the query that shaped them; If-None-Match with that tag
// answers 304 without evaluating anything.

// headerCache tells how the results cache served a results answer: cacheHit (a sheet already
// evaluated), cacheUpdate (this request brought the cached sheet up to date by applying the
// value changes made since, by any process), cacheMiss (this request evaluated it) or
// cacheShared (it waited for another request's evaluation or update of the same sheet). The
// misses of a process are its evaluations.
const headerCache = "X-Rubric-Cache"

// Values of headerCache.
const (
	cacheHit    = "hit"
	cacheMiss   = "miss"
	cacheUpdate = "update"
	cacheShared = "shared"
)

// schemeETag is the entity tag of what was read from one revision of a scheme.
func schemeETag(rev int) string {
	return `"r` + strconv.Itoa(rev) + `"`
}

// precondition is what a request's If-Match asks of a write: nothing (no If-Match, or *), or
// that the scheme be at one of revs when it is written.
type precondition struct {
	check bool
	revs  []int
}

// ifMatch reads If-Match. A tag that names no revision (a weak tag, or one that is not "rN")
// matches nothing, as RFC 9110 asks of If-Match; a header of only such tags fails every write.
func ifMatch(c *fiber.Ctx) precondition {
	h := c.Get(fiber.HeaderIfMatch)
	if strings.TrimSpace(h) == "" {
		return precondition{}
	}
	p := precondition{check: true, revs: []int{}}
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" {
			return precondition{}
		}
		s, ok := strings.CutPrefix(tag, `"r`)
		if !ok {
			continue
		}
		s, ok = strings.CutSuffix(s, `"`)
		if n, err := strconv.Atoi(s); ok && err == nil && n > 0 && strconv.Itoa(n) == s {
			p.revs = append(p.revs, n)
		}
	}
	return p
}

// options are the store's write options that make the write honour p.
func (p precondition) options() []schema.WriteOption {
	if !p.check {
		return nil
	}
	return []schema.WriteOption{schema.ExpectRevision(p.revs...)}
}

// allows checks p against a scheme read at revision rev, for what is not written (a dry run):
// it answers as a write would.
func (p precondition) allows(code string, rev int) error {
	if !p.check {
		return nil
	}
	for _, r := range p.revs {
		if r == rev {
			return nil
		}
	}
	want := "the revision the request named"
	if len(p.revs) > 0 {
		s := make([]string, len(p.revs))
		for i, r := range p.revs {
			s[i] = strconv.Itoa(r)
		}
		want = strings.Join(s, " or ")
	}
	return schema.Errorf(schema.Stale, "", "scheme %q is at revision %d, not %s: read it again and redo the change", code, rev, want)
}

// sheetETag is the entity tag of a results answer: the revision, data version and layer of
// the sheet, and a hash of the rest of what shapes the answer (the format and filters, the
// unit, the server's version, whose engine computed it).
func (a *api) sheetETag(rev int, dataVersion int64, layer string, shape ...string) string {
	h := sha256.New()
	h.Write([]byte(a.version))
	for _, s := range shape {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return `"` + strconv.Itoa(rev) + "-" + strconv.FormatInt(dataVersion, 10) + "-" + layer + "-" +
		hex.EncodeToString(h.Sum(nil)[:6]) + `"`
}

// currentSheet returns the sheet of one layer of a scheme as of the revision and data version
// the database has now, and sets X-Rubric-Cache. If the request's If-None-Match holds the tag
// the answer would have (shape is what besides the sheet shapes it), it answers 304 instead,
// evaluating nothing, and returns no sheet.
func (a *api) currentSheet(c *fiber.Ctx, code, layer string, shape []string) (*sheetEntry, error) {
	rev, dv, err := a.store.Version(c.UserContext(), code)
	if err != nil {
		return nil, err
	}
	if etag := a.sheetETag(rev, dv, layer, shape...); !noneMatch(c, etag) {
		return nil, notModified(c, etag)
	}
	e, how, err := a.sheets.getAt(c.UserContext(), code, layer, rev, dv)
	if err != nil {
		return nil, err
	}
	c.Set(headerCache, how)
	return e, nil
}

// noneMatch reports whether If-None-Match lets the answer tagged etag be sent: false when one
// of its tags is etag (compared weakly, as RFC 9110 asks of If-None-Match) or it is *.
func noneMatch(c *fiber.Ctx, etag string) bool {
	h := c.Get(fiber.HeaderIfNoneMatch)
	if h == "" {
		return true
	}
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return false
		}
	}
	return true
}

// notModified answers 304 with the tag.
func notModified(c *fiber.Ctx, etag string) error {
	c.Set(fiber.HeaderETag, etag)
	return c.SendStatus(fiber.StatusNotModified)
}
