package server_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// slowWorkbook is an XLSX file that takes seconds to read and holds no value: after its header
// (unit, t0), rows rows of cells cells each, all empty texts of runs rich-text runs, which
// the import reads and skips one by one.
func slowWorkbook(tb testing.TB, rows, cells, runs int) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	part := func(name, text string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, text)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="填报" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	io.WriteString(bw, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>t0</t></is></c></row>`)
	empty := strings.Repeat(`<c t="inlineStr"><is>`+strings.Repeat(`<r><t></t></r>`, runs)+`</is></c>`, cells)
	for r := 2; r <= rows+1; r++ {
		fmt.Fprintf(bw, `<row r="%d">%s</row>`, r, empty)
	}
	io.WriteString(bw, `</sheetData></worksheet>`)
	bw.Flush()
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// reading reports whether a goroutine is reading a workbook.
func reading() bool {
	buf := make([]byte, 1<<22)
	return bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("exchange.(*workbook).rows"))
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestIssue11ImportStopsWithItsRequest: an import of a workbook that takes seconds to read
// stops when its client goes away, and when the server shuts down (which then does not wait
// for it): the goroutine reading the workbook is seen running, then gone.
func TestIssue11ImportStopsWithItsRequest(t *testing.T) {
	// 80 MB of XML in 60,000 cells: within the budgets of a scheme of 100 units with 50 text
	// metrics, whose cells may each hold 10,000 characters.
	data := slowWorkbook(t, 1200, 50, 100)
	t.Logf("the workbook: %d bytes", len(data))
	var doc strings.Builder
	doc.WriteString(`{"code": "texts", "title": "Texts", "metrics": [`)
	for i := range 50 {
		fmt.Fprintf(&doc, `%s{"code": "t%d", "title": "T%d", "type": "text"}`, map[bool]string{true: "", false: ","}[i == 0], i, i)
	}
	doc.WriteString(`], "items": [{"code": "i", "title": "I", "max_points": 1, "formula": "1"}], "units": [`)
	for i := range 100 {
		fmt.Fprintf(&doc, `%s{"code": "u%d", "name": "U%d"}`, map[bool]string{true: "", false: ","}[i == 0], i, i)
	}
	doc.WriteString(`]}`)
	start := func(t *testing.T) (*env, string) {
		e := newEnv(t)
		mustCreate(t, e.store, []byte(doc.String()), false)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go e.app.Listener(ln)
		t.Cleanup(func() { e.app.ShutdownWithTimeout(5 * time.Second) })
		return e, "http://" + ln.Addr().String()
	}
	send := func(ctx context.Context, base string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/schemes/texts/values/import?dry_run=true", bytes.NewReader(data))
		req.Header.Set("Authorization", bearer(adminSecret))
		req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	t.Run("OKClientGone", func(t *testing.T) {
		_, base := start(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := send(ctx, base); done <- err }()
		if !waitFor(5*time.Second, reading) {
			t.Fatal("the import never started reading")
		}
		cancel()
		<-done
		if !waitFor(time.Second, func() bool { return !reading() }) {
			t.Error("the import still reads a second after its client went away")
		}
	})
	t.Run("OKShutdown", func(t *testing.T) {
		e, base := start(t)
		done := make(chan int, 1)
		go func() { status, _ := send(context.Background(), base); done <- status }()
		if !waitFor(5*time.Second, reading) {
			t.Fatal("the import never started reading")
		}
		// Shut down with a timeout shorter than the reading would take: the import stops,
		// the shutdown does not wait for it.
		if err := e.app.ShutdownWithTimeout(3 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if reading() {
			t.Error("the import still reads after the shutdown")
		}
		if status := <-done; status != 0 && status != http.StatusServiceUnavailable {
			t.Errorf("the import was answered %d", status)
		}
	})
}
