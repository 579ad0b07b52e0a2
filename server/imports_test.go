package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// The CSV template of tiny, as GET /template?format=csv writes it, with values to import.
const (
	tinyHead = "\uFEFF单位代码,单位名称,Target(人),Actual(人),Late reports,Unused\r\nunit,name,target,actual,late,spare\r\n"
	// u1 gets a late report, u3 its actual; u1's and u2's other values are unchanged.
	tinyFilled = tinyHead + "u1,One,100,100,2,\r\nu2,Two,100,95,1,\r\nu3,Three,100,90,,\r\n"
	// Every kind of problem once, each at its own place.
	tinyBad = tinyHead +
		"u1,One,100,lots,,\r\n" + // row 3, column D: not a number
		"u2,Two,100,95,11,\r\n" + // row 4, column E: out of range
		"u9,Nine,100,95,,\r\n" + // row 5: unknown unit
		"u1,One,100,100,,\r\n" // row 6: u1 twice
)

const importURL = "/api/v1/schemes/tiny/values/import"

// formBody is a multipart/form-data body carrying data as the file field with filename.
func formBody(t testing.TB, field, filename, partType string, data []byte) (body, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename))
	h.Set("Content-Type", partType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}

// filledTemplate downloads tiny's XLSX template and fills in cells (A1 references) with excelize.
func filledTemplate(t testing.TB, e *env, cells map[string]any) []byte {
	t.Helper()
	resp, body := e.do(t, "GET", "/api/v1/schemes/tiny/template", "", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("template: %d %s", resp.StatusCode, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, v := range cells {
		if err := f.SetCellValue("填报", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// historyTotal is the number of entries of tiny's value history.
func historyTotal(t testing.TB, e *env) int {
	t.Helper()
	_, total, err := e.store.ValueHistory(context.Background(), "tiny", schema.HistoryFilter{}, schema.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestImportValues(t *testing.T) {
	e := newEnv(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("单位名称,2022年12月20日前城乡居民医疗保险参保缴费人数(人)\r\n丁堰镇,\"47,000\"\r\n")
	if err != nil {
		t.Fatal(err)
	}
	xlsx := filledTemplate(t, e, map[string]any{"E4": 3, "D6": 97}) // u1 late, u3 actual
	form, formType := formBody(t, "file", "tiny.xlsx", "application/octet-stream", xlsx)
	csvForm, csvFormType := formBody(t, "file", "tiny.csv", "text/csv", []byte(tinyFilled))
	noFile, noFileType := formBody(t, "upload", "tiny.csv", "text/csv", []byte(tinyFilled))
	before := historyTotal(t, e)

	e.run(t, []scenario{
		{name: "OK/dry run", method: "POST", url: importURL + "?dry_run=true", body: tinyFilled, contentType: "text/csv", status: 200,
			want: []string{`"scheme":"tiny","layer":"final","dry_run":true,"units":3,"values":8,"changed":2,"unchanged":6`,
				`"changes":[{"unit":"u1","metric":"late","old_value":null,"new_value":2},{"unit":"u3","metric":"actual","old_value":null,"new_value":90}]`,
				// By hand (late defaults to 0): u1 10 (done 6, ontime 4) → 8 (ontime 4 − 2), rank 1 → 3,
				// still good (≥ 8); u3 incomplete → rate 90, done 6 − 0.1 × 10 = 5, ontime 4, total 9,
				// rank 1, good; u2 stays 8.5 (done 6 − 0.1 × 5, ontime 3), 2nd, so it is not listed.
				`"impact":{"layer":"final","units":[{"unit":"u1","name":"One","old_total":10,"new_total":8,"old_rank":1,"new_rank":3,"old_grade":"good","new_grade":"good","changed":true},` +
					`{"unit":"u3","name":"Three","old_total":null,"new_total":9,"old_rank":null,"new_rank":1,"old_grade":null,"new_grade":"good","changed":true,"outputs":[{"code":"rate","old":null,"new":90}]}],"grade_changes":["u3"]}`}},
		{name: "OK/dry run saved nothing", method: "GET", url: "/api/v1/schemes/tiny/results?units=u3", status: 200, want: []string{`"complete":false`}},
	})
	if n := historyTotal(t, e); n != before {
		t.Fatalf("a dry run wrote %d history entries", n-before)
	}

	e.run(t, []scenario{
		{name: "OK/import", method: "POST", url: importURL, body: tinyFilled, contentType: "text/csv", status: 200,
			want: []string{`"dry_run":false`, `"changed":2`, `{"unit":"u3","metric":"actual","old_value":null,"new_value":90}`}},
	})
	if n := historyTotal(t, e); n != before+2 {
		t.Errorf("the import of 2 changed values wrote %d history entries", n-before)
	}
	e.run(t, []scenario{
		{name: "OK/import is used", method: "GET", url: "/api/v1/schemes/tiny/results?units=u3", status: 200, want: []string{`"complete":true`, `"rate":90`}},
		{name: "OK/import history", method: "GET", url: "/api/v1/schemes/tiny/values/history?unit=u3&metric=actual&layer=final", status: 200,
			want: []string{`"total":1`, `"old_value":null,"new_value":90`, `"who":"admin-env"`}},
		{name: "OK/import audited", method: "GET", url: "/api/v1/schemes/tiny/history?kind=import", status: 200,
			want: []string{`"total":1`, `"kind":"import"`, `"action":"create"`, `"who":"admin-env"`}},
		{name: "OK/import again changes nothing", method: "POST", url: importURL, body: tinyFilled, contentType: "text/csv", status: 200,
			want: []string{`"changed":0,"unchanged":8,"changes":[]`}},
		{name: "OK/a changed value keeps its note", method: "POST", url: importURL, body: strings.Replace(tinyFilled, "u2,Two,100,95,1,", "u2,Two,100,95,0,", 1), contentType: "text/csv", status: 200,
			want: []string{`{"unit":"u2","metric":"late","old_value":1,"new_value":0}`}},
		{name: "OK/note kept", method: "GET", url: "/api/v1/schemes/tiny/units/u2/values", status: 200, want: []string{`"late":{"value":0,"note":"March report late"`}},
		{name: "OK/xlsx in a form", method: "POST", url: importURL, body: form, contentType: formType, status: 200,
			want: []string{`{"unit":"u1","metric":"late","old_value":2,"new_value":3}`, `{"unit":"u2","metric":"late","old_value":0,"new_value":1}`, `{"unit":"u3","metric":"actual","old_value":90,"new_value":97}`}},
		{name: "OK/csv in a form", method: "POST", url: importURL + "?dry_run=true", body: csvForm, contentType: csvFormType, status: 200, want: []string{`"dry_run":true`, `"new_value":90`}},
		{name: "OK/xlsx raw", method: "POST", url: importURL + "?dry_run=true", body: string(xlsx), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", status: 200, want: []string{`"changed":0`}},
		{name: "OK/self layer", method: "POST", url: importURL + "?layer=self", body: tinyHead + "u3,Three,100,80,,\r\n", contentType: "text/csv", status: 200,
			want: []string{`"layer":"self"`, `"changes":[{"unit":"u3","metric":"actual","old_value":100,"new_value":80}]`}},
		{name: "OK/self layer saved apart", method: "GET", url: "/api/v1/schemes/tiny/units/u3/values", status: 200, want: []string{`"actual":{"value":97`}},
		{name: "OK/GBK CSV by name and title", method: "POST", url: "/api/v1/schemes/rugao-2022-medical/values/import?dry_run=true", body: gbk, contentType: "text/csv", status: 200,
			want: []string{`"units":1,"values":1`, `"unit":"dingyan","metric":"res_actual"`, `"new_value":47000`}},
		{name: "OK/octet-stream", method: "POST", url: importURL + "?dry_run=true", body: tinyFilled, contentType: "application/octet-stream", status: 200, want: []string{`"dry_run":true`}},
		{name: "OK/dry run a page of changes", method: "POST", url: importURL + "?dry_run=true&changes_offset=1&changes_limit=1", body: tinyHead + "u1,One,100,100,4,\r\nu2,Two,100,95,5,\r\nu3,Three,100,96,,\r\n", contentType: "text/csv", status: 200,
			want: []string{`"changed":3,`, `"changes":[{"unit":"u2","metric":"late","old_value":1,"new_value":5}],"changes_offset":1,"changes_truncated":true`}},
		{name: "OK/dry run changes as CSV", method: "POST", url: importURL + "?dry_run=true&changes=csv", body: tinyHead + "u1,One,100,100,4,\r\nu2,Two,100,95,5,\r\nu3,Three,100,96,,\r\n", contentType: "text/csv", status: 200,
			want: []string{"unit,metric,old_value,new_value\r\nu1,late,3,4\r\nu2,late,1,5\r\nu3,actual,97,96\r\n"}},
		{name: "ErrChangesCSVSaved", method: "POST", url: importURL + "?changes=csv", body: tinyFilled, contentType: "text/csv", status: 400, want: []string{`"field":"changes"`, "dry_run=true"}},
		{name: "ErrChangesLimit", method: "POST", url: importURL + "?dry_run=true&changes_limit=1001", body: tinyFilled, contentType: "text/csv", status: 400, want: []string{`"field":"changes_limit"`}, badRequest: true},

		{name: "ErrEveryProblemZH", method: "POST", url: importURL, body: tinyBad, contentType: "text/csv", status: 422,
			want: []string{`"type":"/docs#problem-invalid-file"`,
				`{"row":3,"column":"D","header":"Actual(人)","metric":"actual","unit":"u1","value":"lots","message":"应为整数，实际为 \"lots\""}`,
				`{"row":4,"column":"E","header":"Late reports","metric":"late","unit":"u2","value":"11","message":"11 超过上限 10"}`,
				`{"row":5,"column":"A","header":"单位代码","unit":"u9","value":"u9","message":"未知单位 \"u9\"：不在本方案的单位名单中"}`,
				`{"row":6,"column":"A","header":"单位代码","unit":"u1","value":"u1","message":"单位 \"u1\" 重复出现：首次在第 3 行"}`}},
		{name: "ErrEveryProblem", method: "POST", url: importURL, body: tinyBad, contentType: "text/csv", status: 422, header: map[string]string{"Accept-Language": "en-US,en;q=0.9"},
			want: []string{`"type":"/docs#problem-invalid-file"`, "the CSV file has 4 problems",
				`{"row":3,"column":"D","header":"Actual(人)","metric":"actual","unit":"u1","value":"lots","message":"expected a whole number, got \"lots\""}`,
				`{"row":4,"column":"E","header":"Late reports","metric":"late","unit":"u2","value":"11","message":"11 is above the maximum 10"}`,
				`{"row":5,"column":"A","header":"单位代码","unit":"u9","value":"u9","message":"unknown unit \"u9\": not on the scheme's roster"}`,
				`{"row":6,"column":"A","header":"单位代码","unit":"u1","value":"u1","message":"unit \"u1\" appears twice: first in row 3"}`}},
		{name: "ErrUnknownColumn", method: "POST", url: importURL, body: "unit,actual,bogus\r\nu1,100,3\r\n", contentType: "text/csv", status: 422, header: map[string]string{"Accept-Language": "en"},
			want: []string{`{"row":1,"column":"C","header":"bogus","value":"bogus","message":"unknown column \"bogus\": not a metric code or title of the scheme"}`}},
		{name: "ErrBelowMin", method: "POST", url: importURL, body: "unit,actual\r\nu1,-5\r\n", contentType: "text/csv", status: 422,
			want: []string{`"row":2,"column":"B","header":"actual","metric":"actual"`, "below the minimum 0"}},
		{name: "ErrTruncatedXLSX", method: "POST", url: importURL, body: string(xlsx[:len(xlsx)/2]), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", status: 422,
			want: []string{`"type":"/docs#problem-invalid-file"`, `"problems":[{"row":0,`}},
		{name: "ErrNotXLSX", method: "POST", url: importURL, body: "%PDF-1.4 not a workbook", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", status: 422, want: []string{"not a zip archive"}},
		{name: "ErrNoHeader", method: "POST", url: importURL, body: "just,some\r\ntext,here\r\n", contentType: "text/plain", status: 422, want: []string{"no header row"}},
		{name: "ErrJSON", method: "POST", url: importURL, body: `{"values": {}}`, contentType: "application/json", status: 415, want: []string{"application/json", "multipart/form-data"}, badRequest: true},
		{name: "ErrURLEncoded", method: "POST", url: importURL, body: tinyFilled, contentType: "application/x-www-form-urlencoded", status: 415, want: []string{"curl --data-binary"}, badRequest: true},
		{name: "ErrCompressed", method: "POST", url: importURL, body: tinyFilled, contentType: "text/csv", header: map[string]string{"Content-Encoding": "gzip"}, status: 415, want: []string{"gzip"}},
		{name: "ErrNoFileField", method: "POST", url: importURL, body: noFile, contentType: noFileType, status: 400, want: []string{`"field":"file"`, "no file"}, badRequest: true},
		{name: "ErrNoBody", method: "POST", url: importURL, contentType: "text/csv", status: 400, want: []string{`"field":"file"`}, badRequest: true},
		{name: "ErrLayer", method: "POST", url: importURL + "?layer=draft", body: tinyFilled, contentType: "text/csv", status: 400, want: []string{`"field":"layer"`}, badRequest: true},
		{name: "ErrDryRun", method: "POST", url: importURL + "?dry_run=maybe", body: tinyFilled, contentType: "text/csv", status: 400, want: []string{`"field":"dry_run"`}, badRequest: true},
		{name: "ErrSchemeNotFound", method: "POST", url: "/api/v1/schemes/nothing/values/import", body: tinyFilled, contentType: "text/csv", status: 404},
	})

	// Nothing of a rejected file was saved: u1's actual is still 100 and its late 3.
	values, err := e.store.GetValues(context.Background(), "tiny", "u1", "")
	if err != nil {
		t.Fatal(err)
	}
	if values["actual"].Value != 100.0 || values["late"].Value != 3.0 {
		t.Errorf("u1 after the rejected files: %v", values)
	}
}

// TestImportTooLarge checks the import limit against the body's length and the form's file,
// before either is read.
func TestImportTooLarge(t *testing.T) {
	e := newEnvConfig(t, server.Config{ImportLimit: 1000})
	big := tinyHead + strings.Repeat("\r\n", 600)
	form, formType := formBody(t, "file", "big.csv", "text/csv", []byte(big))
	e.run(t, []scenario{
		{name: "ErrRawTooLarge", method: "POST", url: importURL, body: big, contentType: "text/csv", status: 413,
			want: []string{`"type":"/docs#problem-too-large"`, "larger than the import limit of 1000 bytes"}},
		{name: "ErrFileTooLarge", method: "POST", url: importURL, body: form, contentType: formType, status: 413, want: []string{"import limit of 1000 bytes"}},
		{name: "OK/under the limit", method: "POST", url: importURL + "?dry_run=true", body: tinyFilled, contentType: "text/csv", status: 200},
		// The import limit is the import's: other routes keep the body limit.
		{name: "OK/other routes", method: "POST", url: "/api/v1/schemes/tiny/values", body: `{"values": {"u1": {"late": 1}}, "pad": "` + strings.Repeat("x", 2000) + `"}`, status: 422, want: []string{`"field":"pad"`}, badRequest: true},
	})
}

// TestImportTooLargeFile sends a 25 MB file through a real connection (app.Test cannot carry
// a body over Fiber's limit): a 413 problem, and nothing saved.
func TestImportTooLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 25 MB")
	}
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	before := historyTotal(t, e)
	big := []byte(tinyFilled + strings.Repeat(",,,,,\r\n", 25<<20/7))
	form, formType := formBody(t, "file", "big.csv", "text/csv", big)
	for _, c := range []struct{ name, body, contentType string }{
		{"raw", string(big), "text/csv"},
		{"form", form, formType},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := "http://" + ln.Addr().String() + importURL
			req, _ := http.NewRequest("POST", url, strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.contentType)
			req.Header.Set("Authorization", bearer(adminSecret))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "larger than the import limit of 20971520 bytes (20 MB)") {
				t.Errorf("status %d: %s", resp.StatusCode, body)
			}
			theContract.checkProblem(t, resp, body)
		})
	}
	if n := historyTotal(t, e); n != before {
		t.Errorf("%d history entries written", n-before)
	}
}
