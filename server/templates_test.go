package server_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTemplate(t *testing.T) {
	e := newEnv(t)
	t.Cleanup(func() {
		// The workbook of OK/xlsx opens, with the roster and the stored values.
		resp, body := e.do(t, "GET", "/api/v1/schemes/tiny/template", "", "", nil)
		if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="tiny-final-template.xlsx"` {
			t.Errorf("Content-Disposition %q", got)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("open the template: %v", err)
		}
		defer f.Close()
		rows, err := f.GetRows("填报", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"unit", "name", "target", "actual", "late", "spare"},
			{"u1", "One", "100", "100"},
			{"u2", "Two", "100", "95", "1"},
			{"u3", "Three", "100"},
		}
		if len(rows) != 6 {
			t.Fatalf("%d rows, want a title, 2 header rows and 3 units: %q", len(rows), rows)
		}
		for i, w := range want {
			if got := rows[2+i]; !equalStrings(got, w) {
				t.Errorf("row %d: %q, want %q", 3+i, got, w)
			}
		}
	})
	e.run(t, []scenario{
		{name: "OK/xlsx", method: "GET", url: "/api/v1/schemes/tiny/template", status: 200, want: []string{"PK\x03\x04"}},
		{name: "OK/csv", method: "GET", url: "/api/v1/schemes/tiny/template?format=csv", status: 200,
			want: []string{tinyHead + "u1,One,100,100,,\r\nu2,Two,100,95,1,\r\nu3,Three,100,,,\r\n"}},
		{name: "OK/csv self", method: "GET", url: "/api/v1/schemes/tiny/template?format=csv&layer=self", status: 200,
			want: []string{"u2,Two,100,100,,\r\nu3,Three,100,100,,\r\n"}},
		{name: "OK/csv rugao", method: "GET", url: "/api/v1/schemes/rugao-2022-medical/template?format=csv", status: 200,
			want: []string{"\uFEFF单位代码,单位名称,基础性工作缺项数(项),", "\r\ndingyan,丁堰镇,"}},
		{name: "ErrFormat", method: "GET", url: "/api/v1/schemes/tiny/template?format=pdf", status: 400, want: []string{`"field":"format"`}, badRequest: true},
		{name: "ErrLayer", method: "GET", url: "/api/v1/schemes/tiny/template?layer=draft", status: 400, want: []string{`"field":"layer"`}, badRequest: true},
		{name: "ErrNotFound", method: "GET", url: "/api/v1/schemes/nothing/template", status: 404, want: []string{`scheme \"nothing\" not found`}, notWant: []string{"attachment"}},
	})
	resp, _ := e.do(t, "GET", "/api/v1/schemes/nothing/template", "", "", nil)
	if cd := resp.Header.Get("Content-Disposition"); cd != "" {
		t.Errorf("a 404 has Content-Disposition %q", cd)
	}
}

// TestTemplateRoundTrip imports the CSV and XLSX templates as they are downloaded, in Chinese
// and in English (Accept-Language: en): nothing changes. Rugao's template has yes/no metrics,
// which the English one writes as yes/no.
func TestTemplateRoundTrip(t *testing.T) {
	e := newEnv(t)
	for _, lang := range []string{"zh-CN", "en"} {
		header := map[string]string{"Accept-Language": lang}
		for _, format := range []string{"csv", "xlsx"} {
			for _, layer := range []string{"final", "self"} {
				_, file := e.do(t, "GET", "/api/v1/schemes/rugao-2022-medical/template?format="+format+"&layer="+layer, "", "", header)
				resp, body := e.do(t, "POST", "/api/v1/schemes/rugao-2022-medical/values/import?dry_run=true&layer="+layer, string(file), "application/octet-stream", nil)
				full := layer == "self" || bytes.Contains(body, []byte(`"units":14,`)) // the seed has no self-assessment
				if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"changed":0,`)) || !full {
					t.Errorf("%s %s %s: %d %s", lang, format, layer, resp.StatusCode, body)
				}
			}
		}
	}
	_, file := e.do(t, "GET", "/api/v1/schemes/rugao-2022-medical/template", "", "", map[string]string{"Accept-Language": "en"})
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !equalStrings(got, []string{"Values", "Notes"}) {
		t.Errorf("the English template's sheets: %q", got)
	}
	rows, err := f.GetRows("Values")
	if err != nil {
		t.Fatal(err)
	}
	yes := 0
	for _, row := range rows[3:] {
		for _, c := range row {
			if c == "yes" {
				yes++
			}
		}
	}
	if rows[1][0] != "Unit code" || yes == 0 {
		t.Errorf("the English template: header %q, %d cells yes", rows[1], yes)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
