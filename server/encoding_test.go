package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

// TestResultsGzip: the whole sheet's JSON is sent gzipped to a client that accepts gzip, the
// same bytes once unpacked, with a tag of its own that answers 304; a client that refuses gzip
// (q=0) or does not ask gets it plain, and filtered answers are never compressed.
func TestResultsGzip(t *testing.T) {
	e := newEnv(t)
	const url = "/api/v1/schemes/tiny/results"
	plainResp, plain := e.do(t, "GET", url, "", "", map[string]string{"Accept-Encoding": ""})
	if plainResp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("no Accept-Encoding: Content-Encoding %q", plainResp.Header.Get("Content-Encoding"))
	}
	for _, ae := range []string{"gzip", "br;q=1, gzip;q=0.5", "deflate, gzip"} {
		resp, packed := e.do(t, "GET", url, "", "", map[string]string{"Accept-Encoding": ae})
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") == "" {
			t.Fatalf("%s: %d, Content-Encoding %q, Vary %q", ae, resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(packed))
		if err != nil {
			t.Fatal(err)
		}
		unpacked, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unpacked, plain) {
			t.Errorf("%s: unpacked %d bytes (%v), plain %d", ae, len(unpacked), err, len(plain))
		}
		tag := resp.Header.Get("ETag")
		if tag == plainResp.Header.Get("ETag") {
			t.Errorf("%s: the gzipped answer has the plain one's tag %s", ae, tag)
		}
		if resp, _ := e.do(t, "GET", url, "", "", map[string]string{"Accept-Encoding": ae, "If-None-Match": tag}); resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its tag: %d, want 304", ae, resp.StatusCode)
		}
	}
	for _, c := range []struct{ url, ae string }{{url, "gzip;q=0"}, {url + "?group=a", "gzip"}, {url + "?format=csv", "gzip"}} {
		if resp, _ := e.do(t, "GET", c.url, "", "", map[string]string{"Accept-Encoding": c.ae}); resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s (%s): %d, Content-Encoding %q", c.url, c.ae, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	}
}
