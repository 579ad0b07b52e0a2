package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
	"github.com/rubric-dev/rubric/server"
)

// bigSchemeFiles are the two documented requests that load a scheme of n units of the
// benchmark rubric: the scheme document with its roster and no values (POST /schemes), and
// every value as one CSV file (POST …/values/import).
func bigSchemeFiles(t testing.TB, n int) (document, values string) {
	t.Helper()
	doc := benchRubricDoc(t, n)
	metrics := make([]string, len(doc.Metrics))
	for i, m := range doc.Metrics {
		metrics[i] = m.Code
	}
	var sb strings.Builder
	sb.WriteString("unit," + strings.Join(metrics, ",") + "\r\n")
	for _, u := range doc.Units {
		sb.WriteString(u.Code)
		for _, m := range metrics {
			fmt.Fprintf(&sb, ",%v", doc.Values["final"][u.Code][m])
		}
		sb.WriteString("\r\n")
	}
	doc.Values = nil
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data), sb.String()
}

// TestBigSchemeThroughAPI: a scheme of 100,000 units is loaded through the documented routes
// within the default limits — its roster as a scheme document (about 6 MB, under the 16 MB of
// a document) and its 1.3 million values as one CSV import (about 8 MB, under the 20 MB of an
// import). The sizes are checked at 100,000 units; the requests are made at 2,000 (and at
// 100,000 with RUBRIC_BENCH_100K=1, which takes minutes).
func TestBigSchemeThroughAPI(t *testing.T) {
	doc, csv := bigSchemeFiles(t, 100000)
	if len(doc) >= schema.MaxDocumentSize || len(csv) >= server.DefaultImportLimit {
		t.Fatalf("100,000 units: a document of %d bytes (limit %d), values of %d bytes (limit %d)", len(doc), schema.MaxDocumentSize, len(csv), server.DefaultImportLimit)
	}
	t.Logf("100,000 units: the document is %.1f MB, the values CSV %.1f MB", float64(len(doc))/1e6, float64(len(csv))/1e6)
	n := 2000
	if os.Getenv("RUBRIC_BENCH_100K") == "1" {
		n = 100000
	} else {
		doc, csv = bigSchemeFiles(t, n)
	}
	store := mustOpenStoreOn(t, schematest.SQLite)
	app := server.New(store, server.Config{Logger: discardLogger(), RateLimit: -1})
	post := func(url, body, contentType string, status int) []byte {
		t.Helper()
		resp, err := app.Test(newRequest("POST", url, body, contentType, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data := make([]byte, 4096)
		k, _ := resp.Body.Read(data)
		if resp.StatusCode != status {
			t.Fatalf("POST %s: %d %s", url, resp.StatusCode, data[:k])
		}
		return data[:k]
	}
	post("/api/v1/schemes", doc, "application/json", 201)
	_, hwm := memStatus()
	t.Logf("%d units: peak resident %s after creating the scheme", n, hwm)
	answer := post("/api/v1/schemes/bench/values/import", csv, "text/csv", 200)
	_, hwm = memStatus()
	t.Logf("%d units: peak resident %s after the import", n, hwm)
	want := fmt.Sprintf(`"units":%d,"values":%d,"changed":%d,"unchanged":0`, n, 13*n, 13*n)
	if !strings.Contains(string(answer), want) {
		t.Errorf("import answer %.300s, want %s", answer, want)
	}
	var sheet struct {
		Units []struct {
			Complete bool `json:"complete"`
		} `json:"units"`
	}
	e := &env{store: store, app: app}
	e.getJSON(t, "/api/v1/schemes/bench/results", &sheet)
	if len(sheet.Units) != n || !sheet.Units[n-1].Complete {
		t.Errorf("results: %d units", len(sheet.Units))
	}
	// What the process holds after the import and a full results read: the test's own files
	// and answer are dropped first, then the heap is collected and returned to the system.
	doc, csv, sheet.Units = "", "", nil //nolint:ineffassign // dropped so that the collector can free them
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, hwm := memStatus()
	t.Logf("%d units after import and results: RSS %s (peak %s), heap in use %d MB", n, rss, hwm, ms.HeapInuse>>20)
	defer runtime.KeepAlive(app) // the server and its cache are what is measured
	if path := os.Getenv("RUBRIC_HEAP_PROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
	}
}

// memStatus reads the process's resident set and its peak (VmRSS, VmHWM of /proc/self/status;
// empty where there is none).
func memStatus() (rss, hwm string) {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && (k == "VmRSS" || k == "VmHWM") {
			if k == "VmRSS" {
				rss = strings.TrimSpace(v)
			} else {
				hwm = strings.TrimSpace(v)
			}
		}
	}
	return rss, hwm
}
