package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/exchange"
)

func TestResults(t *testing.T) {
	e := newEnv(t)
	t.Cleanup(func() {
		// The workbook of OK/xlsx opens, with the rows of its group.
		resp, body := e.do(t, "GET", "/api/v1/schemes/rugao-2022-medical/results?format=xlsx&group=%E9%95%87", "", "", nil)
		if resp.Header.Get("Content-Disposition") != `attachment; filename="rugao-2022-medical-final.xlsx"` {
			t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("open the workbook: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows(exchange.SheetResults)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rows); n != 2+2+10+2 {
			t.Errorf("%d rows, want 2 title rows, 2 header rows, the 10 towns and 2 totals rows", n)
		}
	})
	e.run(t, []scenario{
		{name: "OK/json", method: "GET", url: "/api/v1/schemes/tiny/results", status: 200,
			want: []string{`"scheme":"tiny"`, `"revision":1`, `"layer":"final"`, `"warnings":[]`,
				`{"code":"done","title":"Done","kind":"score","max_points":6,"parent":"work"`,
				// The cells themselves are checked by TestResultCells, whatever their order.
				`{"unit":{"code":"u1","name":"One","group":"a"},"complete":true,"missing":[],"cells":{`,
				`"rate":100},"errors":{},"total":10,"grade":"good","rank":1,"group_rank":1}`,
				`{"unit":{"code":"u3","name":"Three","group":"a"},"complete":false,"missing":["actual"],"cells":{`,
				`"rate":null},"errors":{},"total":null,"grade":null,"rank":null,"group_rank":null}`}},
		{name: "OK/self", method: "GET", url: "/api/v1/schemes/tiny/results?layer=self", status: 200, want: []string{`"layer":"self"`, `"code":"u3"`, `"complete":true`}, notWant: []string{`"complete":false`}},
		{name: "OK/group", method: "GET", url: "/api/v1/schemes/tiny/results?group=a", status: 200, want: []string{`"code":"u1"`, `"code":"u3"`}, notWant: []string{`"code":"u2"`}},
		{name: "OK/units", method: "GET", url: "/api/v1/schemes/tiny/results?units=u2,u3", status: 200, want: []string{`"code":"u2"`, `"code":"u3"`}, notWant: []string{`"code":"u1"`}},
		{name: "OK/group and units", method: "GET", url: "/api/v1/schemes/tiny/results?units=u2,u3&group=a", status: 200, want: []string{`"code":"u3"`, `"rank":null`}, notWant: []string{`"code":"u2"`}},
		{name: "OK/group in Chinese", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/results?group=%E4%B8%BB%E5%8A%9F%E8%83%BD%E5%8C%BA", status: 200, want: []string{`"code":"rucheng"`}, notWant: []string{`"code":"dingyan"`}},
		{name: "ErrGroup", method: "GET", url: "/api/v1/schemes/tiny/results?group=c", status: 422, want: []string{`"field":"group"`, "a, b"}},
		{name: "ErrUnits", method: "GET", url: "/api/v1/schemes/tiny/results?units=u1,u9", status: 422, want: []string{`"field":"units"`, `\"u9\"`}},
		{name: "ErrFormat", method: "GET", url: "/api/v1/schemes/tiny/results?format=pdf", status: 400, want: []string{`"field":"format"`}, badRequest: true},
		{name: "ErrNotFound", method: "GET", url: "/api/v1/schemes/nothing/results", status: 404},
		{name: "OK/csv", method: "GET", url: "/api/v1/schemes/tiny/results?format=csv", status: 200,
			want: []string{"\uFEFF单位代码,单位名称,组别,Work(10),Done(6),On time(4),Rate(%),总分,等次,排名,组内排名\r\n",
				"u1,One,a,10,6,4,100,10,good,1,1\r\n", "u2,Two,b,8.5,5.5,3,95,8.5,good,2,1\r\n", "u3,Three,a,,,4,,,,,\r\n"}},
		{name: "OK/csv codes", method: "GET", url: "/api/v1/schemes/tiny/results?format=csv&header=code&units=u2", status: 200,
			want: []string{"\uFEFFunit,name,group,work,done,ontime,rate,total,grade,rank,group_rank\r\nu2,Two,b,8.5,5.5,3,95,8.5,good,2,1\r\n"}, notWant: []string{"u1", "u3"}},
		{name: "ErrHeader", method: "GET", url: "/api/v1/schemes/tiny/results?format=csv&header=both", status: 400, badRequest: true},
		{name: "OK/csv rugao", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/results?format=csv&units=dingyan", status: 200,
			want: []string{"①城乡居民医疗保险位次(5)", "绩效考核补助(元)", "\r\ndingyan,丁堰镇,镇,"}},
		{name: "OK/xlsx", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/results?format=xlsx&group=%E9%95%87", status: 200, want: []string{"PK\x03\x04"}},
		{name: "OK/unit", method: "GET", url: "/api/v1/schemes/tiny/results/u2", status: 200,
			want: []string{`"result":{"unit":{"code":"u2"`, `"total":8.5`, `"explanation":{`, `"formula":"6 - 0.1 * ceil(below(rate, 100))"`, `"inputs":[{"name":"rate","title":"Rate","value":95}]`, `"text":"done = 5.5"`}},
		{name: "OK/unit incomplete", method: "GET", url: "/api/v1/schemes/tiny/results/u3", status: 200, want: []string{`"complete":false`, `"missing":["actual"]`, `"null":`}},
		{name: "OK/unit self", method: "GET", url: "/api/v1/schemes/tiny/results/u3?layer=self", status: 200, want: []string{`"layer":"self"`, `"complete":true`}},
		{name: "OK/unit rugao", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/results/dingyan", status: 200, want: []string{`"function":"rank"`, `"group":"镇"`}},
		{name: "ErrUnitNotFound", method: "GET", url: "/api/v1/schemes/tiny/results/u9", status: 404, want: []string{`unit \"u9\"`}},
		{name: "ErrUnitLayer", method: "GET", url: "/api/v1/schemes/tiny/results/u2?layer=x", status: 400, badRequest: true},
	})
}

// TestResultCells checks every cell of the tiny sheet.
func TestResultCells(t *testing.T) {
	e := newEnv(t)
	var s struct {
		Units []struct {
			Unit  struct{ Code string }
			Cells map[string]any
		}
	}
	e.getJSON(t, "/api/v1/schemes/tiny/results", &s)
	want := map[string]string{
		"u1": "map[done:6 ontime:4 rate:100 work:10]",
		"u2": "map[done:5.5 ontime:3 rate:95 work:8.5]",
		"u3": "map[done:<nil> ontime:4 rate:<nil> work:<nil>]",
	}
	for _, u := range s.Units {
		if got := fmt.Sprint(u.Cells); got != want[u.Unit.Code] {
			t.Errorf("%s: cells %s, want %s", u.Unit.Code, got, want[u.Unit.Code])
		}
	}
	if len(s.Units) != len(want) {
		t.Errorf("%d units, want %d", len(s.Units), len(want))
	}
}

// TestResultsCache checks that a sheet is served from the cache until its scheme or its data
// changes, and then recomputed: a value, a formula, a unit, a restore and a deletion each show.
func TestResultsCache(t *testing.T) { forEachEngine(t, testResultsCache) }

func testResultsCache(t *testing.T, e *env) {
	total := func(unit string) any {
		t.Helper()
		var s struct {
			Revision int
			Units    []struct {
				Unit  struct{ Code string }
				Total any
			}
		}
		e.getJSON(t, "/api/v1/schemes/tiny/results", &s)
		for _, u := range s.Units {
			if u.Unit.Code == unit {
				return u.Total
			}
		}
		return "absent"
	}
	etag := func() string {
		resp, _ := e.do(t, "GET", "/api/v1/schemes/tiny/results", "", "", nil)
		return resp.Header.Get("ETag")
	}
	first := etag()
	if got := total("u2"); got != 8.5 {
		t.Fatalf("u2 total %v, want 8.5", got)
	}
	if again := etag(); again != first {
		t.Errorf("ETag changed without a change: %s, then %s", first, again)
	}
	e.do(t, "PATCH", "/api/v1/schemes/tiny/units/u2/values", `{"late": 0}`, "", nil)
	if got := total("u2"); got != 9.5 {
		t.Errorf("after a value changed, u2 total %v, want 9.5", got)
	}
	if etag() == first {
		t.Error("ETag unchanged after a value changed")
	}
	e.do(t, "PATCH", "/api/v1/schemes/tiny/items/ontime", `{"formula": "2 - late"}`, "", nil)
	if got := total("u2"); got != 7.5 {
		t.Errorf("after a formula changed, u2 total %v, want 7.5", got)
	}
	e.do(t, "POST", "/api/v1/schemes/tiny/revisions/1/restore", "", "", nil)
	if got := total("u2"); got != 9.5 {
		t.Errorf("after restoring revision 1, u2 total %v, want 9.5", got)
	}
	e.do(t, "POST", "/api/v1/schemes/tiny/units", `{"code": "u4", "name": "Four", "group": "b"}`, "", nil)
	if got := total("u4"); got != nil {
		t.Errorf("new unit without values: total %v, want null", got)
	}
	e.do(t, "DELETE", "/api/v1/schemes/tiny", "", "", nil)
	if resp, _ := e.do(t, "GET", "/api/v1/schemes/tiny/results", "", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("results of a deleted scheme: %d, want 404", resp.StatusCode)
	}
	mustCreate(t, e.store, mustRead(t, "testdata/tiny.json"), false)
	if got := total("u2"); got != 8.5 {
		t.Errorf("scheme created again: u2 total %v, want 8.5", got)
	}
}

// TestResultsConcurrent reads sheets while values change: every answer is a whole sheet of one
// data version, and the last read sees the last write. Run with -race.
func TestResultsConcurrent(t *testing.T) { forEachEngine(t, testResultsConcurrent) }

func testResultsConcurrent(t *testing.T, e *env) {
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				resp, err := e.app.Test(newRequest("GET", "/api/v1/schemes/tiny/results", "", "", nil), -1)
				if err != nil {
					errs <- err
					return
				}
				var s struct {
					Units []struct {
						Cells map[string]any
						Total *float64
					}
				}
				err = json.NewDecoder(resp.Body).Decode(&s)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 || len(s.Units) != 3 {
					errs <- fmt.Errorf("status %d, %d units, %v", resp.StatusCode, len(s.Units), err)
					return
				}
				// Explanations are read from the same cached sheets.
				if resp, err := e.app.Test(newRequest("GET", "/api/v1/schemes/tiny/results/u1", "", "", nil), -1); err != nil || resp.StatusCode != 200 {
					errs <- fmt.Errorf("explain: %v", err)
					return
				}
				// A whole sheet: each complete unit's total is the sum of its items.
				for _, u := range s.Units {
					if u.Total != nil && *u.Total != u.Cells["done"].(float64)+u.Cells["ontime"].(float64) {
						errs <- fmt.Errorf("total %v is not done + ontime in %v", *u.Total, u.Cells)
					}
				}
			}
		}()
	}
	for i := 0; i <= 10; i++ {
		resp, err := e.app.Test(newRequest("PATCH", "/api/v1/schemes/tiny/units/u1/values", fmt.Sprintf(`{"late": %d}`, i), "", nil), -1)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("PATCH late=%d: %v %v", i, resp.StatusCode, err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, body := e.do(t, "GET", "/api/v1/schemes/tiny/results?units=u1", "", "", nil)
	if !strings.Contains(string(body), `"ontime":0`) {
		t.Errorf("last read does not see late=10: %s", body)
	}
}
