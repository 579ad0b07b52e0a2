package server_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCompareResults puts tiny's self and final sheets side by side: u2 assessed 95 of 100
// (done 5.5, one late report: ontime 3, total 8.5) against its self-assessed 100 (total 10).
func TestCompareResults(t *testing.T) {
	e := newEnv(t)
	const url = "/api/v1/schemes/tiny/results/compare"
	e.run(t, []scenario{
		{name: "OK/self vs final", method: "GET", url: url + "?a=self&b=final", status: 200, want: []string{
			`"a":{"publication":0,"layer":"self","revision":1}`, `"b":{"publication":0,"layer":"final","revision":1}`,
			`{"unit":"u2","name":"Two","group":"b","a":{"complete":true,"total":10,"grade":"good","rank":1,"group_rank":1},"b":{"complete":true,"total":8.5,"grade":"good","rank":2,"group_rank":1},"delta":-1.5,"cells":[` +
				`{"code":"work","a":10,"b":8.5,"delta":-1.5},{"code":"done","a":6,"b":5.5,"delta":-0.5},{"code":"ontime","a":4,"b":3,"delta":-1},{"code":"rate","a":100,"b":95,"delta":-5}],"grade_differs":false,"money_differs":[]}`,
			`"unit":"u3","name":"Three","group":"a","a":{"complete":true,"total":10`, `"b":{"complete":false,"total":null`,
			`"differing":[]`}},
		{name: "OK/defaults", method: "GET", url: url, status: 200, want: []string{`"a":{"publication":0,"layer":"self"`}},
		// u1 is the same on both sides (no cell rows); u3 has no final total, so its cells
		// with a self value differ, except On time, 4 on both.
		{name: "OK/csv", method: "GET", url: url + "?format=csv", status: 200, want: []string{
			"\uFEFFtiny：自评与考核对比\r\n单位代码,单位名称,组别,自评总分,考核总分,差值,自评等次,考核等次,自评排名,考核排名,差异\r\n" +
				"u1,One,a,10,10,0,good,good,1,1,\r\nu2,Two,b,10,8.5,-1.5,good,good,1,2,\r\nu3,Three,a,10,,,good,,1,,\r\n" +
				"分项差异\r\n单位代码,单位名称,项目,自评,考核,差值\r\n" +
				"u2,Two,Work,10,8.5,-1.5\r\nu2,Two,Done,6,5.5,-0.5\r\nu2,Two,On time,4,3,-1\r\nu2,Two,Rate,100,95,-5\r\n" +
				"u3,Three,Work,10,,\r\nu3,Three,Done,6,,\r\nu3,Three,Rate,100,,\r\n"},
			notWant: []string{"u1,One,Work", "u3,Three,On time"}},
		{name: "ErrFormat", method: "GET", url: url + "?format=pdf", status: 400, want: []string{`"field":"format"`}, badRequest: true},
		{name: "ErrBadSide", method: "GET", url: url + "?a=draft", status: 422, want: []string{`"field":"a"`}, badRequest: true},
		{name: "ErrNoPublication", method: "GET", url: url + "?a=3", status: 404},
		{name: "ErrSchemeNotFound", method: "GET", url: "/api/v1/schemes/nothing/results/compare", status: 404},
	})
}

// TestCompareResultsWorkbook: the comparison as a workbook in English (Accept-Language: en),
// read back with excelize: its two sheets, u2's row and its cells that differ.
func TestCompareResultsWorkbook(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, "GET", "/api/v1/schemes/tiny/results/compare?format=xlsx&a=self&b=final", "", "", map[string]string{"Accept-Language": "en"})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="tiny-compare-self-final.xlsx"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Comparison", "Cells that differ"}) {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("Comparison")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || !reflect.DeepEqual(rows[3], []string{"u2", "Two", "b", "10", "8.5", "-1.5", "good", "good", "1", "2"}) {
		t.Errorf("units %q", rows)
	}
	cells, err := f.GetRows("Cells that differ")
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 2+7 || !reflect.DeepEqual(cells[3], []string{"u2", "Two", "Done", "6", "5.5", "-0.5"}) {
		t.Errorf("cells %q", cells)
	}
}
