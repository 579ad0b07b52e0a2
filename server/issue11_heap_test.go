package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// heapBudget is what one results request of the largest sheet a scheme may make may add to
// the server's heap: the sheet's texts (formulas.MaxSheetText, 32 MB), its JSON answer, built
// once in a buffer sized beforehand (about as large), and room for the rest (96 MB in all).
const heapBudget = 3 * formulas.MaxSheetText

// textBombDoc is issue 11's memory bomb as a scheme document: s1 a 3,990-character literal,
// s2 … s4 doubling it, then outputs o1 … on = s4 + s4, and units units.
func textBombDoc(outputs, units int) string {
	type output struct {
		Code    string `json:"code"`
		Title   string `json:"title"`
		Formula string `json:"formula"`
	}
	outs := []output{{"s1", "s1", `"` + strings.Repeat("x", 3990) + `"`}}
	for i := 2; i <= 4; i++ {
		outs = append(outs, output{fmt.Sprintf("s%d", i), "s", fmt.Sprintf("s%d + s%d", i-1, i-1)})
	}
	for i := 1; i <= outputs; i++ {
		outs = append(outs, output{fmt.Sprintf("o%d", i), "o", "s4 + s4"})
	}
	var roster []map[string]string
	for i := range units {
		roster = append(roster, map[string]string{"code": fmt.Sprintf("u%d", i), "name": fmt.Sprintf("单位%d", i)})
	}
	doc, _ := json.Marshal(map[string]any{"code": "bomb", "title": "bomb", "total_points": 1,
		"metrics": []any{map[string]string{"code": "m", "title": "M", "type": "number", "default": "0"}},
		"items":   []any{map[string]any{"code": "i", "title": "I", "max_points": 1, "formula": "1"}},
		"outputs": outs, "units": roster})
	return strings.Replace(string(doc), `"default":"0"`, `"default":0`, 1)
}

// peakHeap runs fn while sampling the heap's live objects every half millisecond and returns
// the most they grew above what they were before fn.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Microsecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}

// TestIssue11TextBomb: issue 11's bomb (outputs of 63,840 bytes each) is refused at save with a
// 422 naming outputs; a scheme just under the per-unit budget, whose unbounded sheet would
// hold 100 MB of text for 100 units, is saved, and a viewer's GET …/results adds less than
// heapBudget to the heap, measured with runtime/metrics, the cells past the sheet's budget
// being errors.
func TestIssue11TextBomb(t *testing.T) {
	e := newEnv(t)
	// 1,000 outputs of issue 11's 4,990, which take seconds to compile under the race detector.
	resp, body := e.do(t, "POST", "/api/v1/schemes", textBombDoc(1000, 40), "", nil)
	if resp.StatusCode != 422 || !strings.Contains(string(body), `"item":"o1"`) ||
		!strings.Contains(string(body), "the formulas build at least 63899850 bytes of text for every unit; at most 1048576 are allowed: o1 (63840 bytes)") {
		t.Fatalf("the bomb: %d %.600s", resp.StatusCode, body)
	}
	resp, body = e.do(t, "POST", "/api/v1/schemes", textBombDoc(15, 100), "", nil)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %.600s", resp.StatusCode, body)
	}
	secret, _, err := e.store.CreateToken(context.Background(), schema.TokenSpec{Name: "bomb-viewer", Role: schema.RoleViewer, Scheme: "bomb"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	// A real server: the answer streams to the client instead of into app.Test's buffer.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	defer e.app.Shutdown()
	url := "http://" + ln.Addr().String()
	var status int
	var size int64
	var text string
	grew := peakHeap(func() {
		req, _ := http.NewRequest("GET", url+"/api/v1/schemes/bomb/results", nil)
		req.Header.Set("Authorization", bearer(secret))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		status = resp.StatusCode
		var b strings.Builder
		size, _ = io.Copy(&b, io.LimitReader(resp.Body, 1<<10))
		text = b.String()
		n, _ := io.Copy(io.Discard, resp.Body)
		size += n
	})
	t.Logf("GET /results of 100 units × 1,017,450 bytes of text: %d, %d bytes, the heap grew by %.1f MB (budget %d MB)",
		status, size, float64(grew)/(1<<20), heapBudget>>20)
	if status != http.StatusOK {
		t.Fatalf("results: %d %s", status, text)
	}
	if grew > heapBudget {
		t.Errorf("the heap grew by %d bytes, more than the budget %d", grew, heapBudget)
	}
	if size > 2*formulas.MaxSheetText {
		t.Errorf("the answer has %d bytes", size)
	}
	var view struct {
		Units []formulas.Result `json:"units"`
	}
	e.getJSON(t, "/api/v1/schemes/bomb/results?units=u99", &view)
	if len(view.Units) != 1 || view.Units[0].Errors["o15"] != "the sheet's texts would pass 32 MB; no more text is built in it" {
		t.Errorf("u99: %+v", view.Units)
	}
}
