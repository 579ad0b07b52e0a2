package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/schema"
)

// TestPublications publishes tiny's final layer, changes a value, and checks that the
// publication, its exports and its explanations do not move; that a unit token sees only its
// own published row; and that a published scheme cannot be deleted.
func TestPublications(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		clerk, _, err := e.store.CreateToken(context.Background(),
			schema.TokenSpec{Name: "u1-clerk", Role: schema.RoleUnit, Scheme: "tiny", Unit: "u1"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		unit := map[string]string{"Authorization": bearer(clerk)}
		const pubs = "/api/v1/schemes/tiny/publications"
		e.runScenarios(t, []scenario{
			{name: "OK/publish", method: "POST", url: pubs, body: `{"layer":"final","title":"2022年度考核结果","message":"第一次通报"}`, status: 201,
				want:       []string{`"scheme":"tiny","number":1,"layer":"final","title":"2022年度考核结果","message":"第一次通报","revision":1`, `"who":"admin-env"`, `"hash":"`},
				wantHeader: map[string]string{"Location": "/api/v1/schemes/tiny/publications/1"}},
			{name: "ErrPublishUnitToken", method: "POST", url: pubs, header: unit, body: `{}`, status: 403},
			{name: "ErrPublishBadLayer", method: "POST", url: pubs, body: `{"layer":"draft"}`, status: 422, want: []string{`"field":"layer"`}, badRequest: true},
			{name: "ErrPublishUnknownField", method: "POST", url: pubs, body: `{"titel":"x"}`, status: 422, badRequest: true},
			{name: "OK/list", method: "GET", url: pubs, status: 200, want: []string{`"total":1`, `"number":1`}, notWant: []string{`"sheet"`}},
			{name: "ErrListUnitToken", method: "GET", url: pubs, header: unit, status: 403},
			{name: "OK/get", method: "GET", url: pubs + "/1", status: 200,
				want: []string{`"number":1`, `"document":{"code":"tiny"`, `"note":"March report late"`, `"sheet":{"scheme":"tiny","revision":1`, `"total":8.5`}},
			{name: "OK/csv", method: "GET", url: pubs + "/1?format=csv&header=code", status: 200,
				want: []string{"u2,Two,b,8.5,5.5,3,95,8.5", "\r\n公布,第1次,"}},
			{name: "OK/csv titles", method: "GET", url: pubs + "/1?format=csv", status: 200,
				want: []string{"\uFEFF单位代码,单位名称,组别,", ",总分,等次,排名,组内排名\r\n", "\r\n公布,第1次,"}},
			{name: "OK/csv en", method: "GET", url: pubs + "/1?format=csv", header: map[string]string{"Accept-Language": "en"}, status: 200,
				want: []string{"\uFEFFUnit code,Unit name,Group,", ",Total,Grade,Rank,Rank in group\r\n", "\r\nPublication,No. 1,"}},
			{name: "ErrGetNotFound", method: "GET", url: pubs + "/2", status: 404},
			{name: "ErrGetNotNumber", method: "GET", url: pubs + "/latest", status: 400, badRequest: true},
			{name: "OK/unit row", method: "GET", url: pubs + "/1/results/u1", header: unit, status: 200,
				want: []string{`"publication":1`, `"total":10`, `"explanation":`}},
			{name: "ErrOtherUnitRow", method: "GET", url: pubs + "/1/results/u2", header: unit, status: 404},
			{name: "ErrUnknownUnitRow", method: "GET", url: pubs + "/1/results/u9", status: 404},
			{name: "ErrDeletePublished", method: "DELETE", url: "/api/v1/schemes/tiny", status: 409, want: []string{"published results"}},
		})

		_, was := e.do(t, "GET", pubs+"/1", "", "", nil)
		_, wasRow := e.do(t, "GET", pubs+"/1/results/u2", "", "", nil)
		// Correct u2 and change a formula: the live sheet moves, the publication does not.
		e.runScenarios(t, []scenario{
			{name: "ErrCorrectNoReason", method: "PATCH", url: "/api/v1/schemes/tiny/units/u2/values",
				body: `{"actual": 100}`, status: 422, want: []string{`"field":"reason"`, "needs a reason (X-Reason)"}},
			{name: "ErrFormulaNoReason", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime?message=harsher",
				body: `{"formula": "4 - 2 * late"}`, status: 422, want: []string{`"field":"reason"`}},
			{name: "OK/correct", method: "PATCH", url: "/api/v1/schemes/tiny/units/u2/values", header: map[string]string{"X-Reason": "复核"},
				body: `{"actual": 100}`, status: 200},
			{name: "OK/formula", method: "PATCH", url: "/api/v1/schemes/tiny/items/ontime", header: map[string]string{"X-Reason": "细则"},
				body: `{"formula": "4 - 2 * late"}`, status: 200},
			{name: "OK/live moved", method: "GET", url: "/api/v1/schemes/tiny/results/u2", status: 200, want: []string{`"total":8`}},
		})
		if _, now := e.do(t, "GET", pubs+"/1", "", "", nil); !bytes.Equal(now, was) {
			t.Errorf("publication 1 changed:\n%s\n%s", was, now)
		}
		if _, now := e.do(t, "GET", pubs+"/1/results/u2", "", "", nil); !bytes.Equal(now, wasRow) {
			t.Errorf("the explanation of publication 1 changed:\n%s\n%s", wasRow, now)
		}

		// Publish again: the diff lists u2 alone, with the value and the formula that moved it.
		e.runScenarios(t, []scenario{
			{name: "OK/publish 2", method: "POST", url: pubs, header: map[string]string{"X-Reason": "复核后"}, body: `{}`, status: 201,
				want: []string{`"number":2`, `"revision":2`, `"title":"Tiny"`}},
			{name: "OK/diff", method: "GET", url: pubs + "/1/diff/2", status: 200, want: []string{
				`"from":{"publication":1,"layer":"final","revision":1`, `"to":{"publication":2,"layer":"final","revision":2`,
				`"units":[{"unit":"u2","name":"Two","group":"b","old_total":8.5,"new_total":8,"delta":-0.5,"old_grade":"good","new_grade":"good","old_rank":2,"new_rank":2,"old_group_rank":1,"new_group_rank":1,"cells":[` +
					`{"code":"work","title":"Work","old":8.5,"new":8,"delta":-0.5},{"code":"done","title":"Done","old":5.5,"new":6,"delta":0.5},` +
					`{"code":"ontime","title":"On time","old":3,"new":2,"delta":-1},{"code":"rate","title":"Rate","old":95,"new":100,"delta":5}]}]`,
				`"unchanged":2`,
				`"values":[{"unit":"u2","metric":"actual","old":95,"new":100,"who":"admin-env","reason":"复核"`,
				`{"kind":"item","target":"ontime","action":"update","revision":2,"old":{"formula":"4 - late"},"new":{"formula":"4 - 2 * late"},"who":"admin-env","reason":"细则"`,
			}},
			{name: "OK/diff live", method: "GET", url: pubs + "/2/diff/live", status: 200, want: []string{`"units":[]`, `"unchanged":3`, `"values":[]`, `"formulas":[]`}},
			{name: "OK/diff csv", method: "GET", url: pubs + "/1/diff/2?format=csv", status: 200,
				want: []string{"tiny,第1次公布 → 第2次公布\r\n单位代码,单位名称,组别,原总分,新总分,变化,", "u2,Two,b,8.5,8,-0.5,good,good,2,2,1,1,Work: 8.5 → 8; Done: 5.5 → 6; On time: 3 → 2; Rate: 95 → 100\r\n",
					"u2,actual,95,100,,,admin-env,复核,"}},
			{name: "ErrDiffNotNumber", method: "GET", url: pubs + "/x/diff/2", status: 400, badRequest: true},
			{name: "ErrDiffBadSide", method: "GET", url: pubs + "/1/diff/now", status: 400, badRequest: true},
			{name: "ErrDiffNotFound", method: "GET", url: pubs + "/1/diff/7", status: 404},
			{name: "ErrDiffUnitToken", method: "GET", url: pubs + "/1/diff/2", header: unit, status: 403},
		})
		resp, data := e.do(t, "GET", pubs+"/1/diff/2?format=xlsx", "", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("diff xlsx: %d %s", resp.StatusCode, data)
		}
		book, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if rows, _ := book.GetRows("变化"); len(rows) != 2 || rows[1][0] != "u2" || rows[1][5] != "-0.5" {
			t.Errorf("diff workbook: %q", rows)
		}
		if rows, _ := book.GetRows("规则变化"); len(rows) != 3 || rows[2][1] != "ontime" || rows[2][7] != "细则" {
			t.Errorf("diff workbook rules: %q", rows)
		}
		book.Close()
		for range 3 { // the diff of two publications is as fixed as they are
			if _, again := e.do(t, "GET", pubs+"/1/diff/2?format=xlsx", "", "", nil); !bytes.Equal(again, data) {
				t.Fatal("the diff workbook of two publications is not the same bytes twice")
			}
		}

		// The workbook has the hash on its results sheet and in its properties.
		var pub struct{ Hash string }
		if err := json.Unmarshal(was, &pub); err != nil || len(pub.Hash) != 64 {
			t.Fatalf("hash %q: %v", pub.Hash, err)
		}
		resp, data = e.do(t, "GET", pubs+"/1?format=xlsx", "", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("xlsx: %d %s", resp.StatusCode, data)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(exchange.SheetResults)
		if err != nil {
			t.Fatal(err)
		}
		last := rows[len(rows)-1]
		if len(last) != 5 || last[0] != "公布" || last[1] != "第1次" || last[3] != "SHA-256" || last[4] != pub.Hash {
			t.Errorf("last row %q", last)
		}
		props, err := f.GetCustomProps()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range props {
			if p.Name == "sha256" && p.Value == pub.Hash {
				found = true
			}
		}
		if !found {
			t.Errorf("no sha256 property in %+v", props)
		}
		// The title rows say what the file is, from the publication alone: the same file
		// each time it is exported (issue 13).
		if len(rows) < 2 || rows[0][0] != "2022年度考核结果 考核结果汇总表" || !strings.Contains(rows[1][0], "第1次公布") ||
			!strings.Contains(rows[1][0], "第 1 版") || !strings.Contains(rows[1][0], "公布时间 ") {
			t.Errorf("title rows %q", rows[:min(2, len(rows))])
		}
		if resp2, again := e.do(t, "GET", pubs+"/1?format=xlsx", "", "", nil); !bytes.Equal(again, data) || resp2.Header.Get("ETag") != resp.Header.Get("ETag") {
			t.Error("the publication's workbook is not the same bytes (and tag) twice")
		}
		// In English: the labels, not the document's titles, and another tag.
		respEN, dataEN := e.do(t, "GET", pubs+"/1?format=xlsx", "", "", map[string]string{"Accept-Language": "en"})
		if respEN.StatusCode != 200 || respEN.Header.Get("ETag") == resp.Header.Get("ETag") ||
			!strings.Contains(respEN.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("en: %d, ETag %q (zh %q), Vary %q", respEN.StatusCode, respEN.Header.Get("ETag"), resp.Header.Get("ETag"), respEN.Header.Get("Vary"))
		}
		fen, err := excelize.OpenReader(bytes.NewReader(dataEN))
		if err != nil {
			t.Fatal(err)
		}
		defer fen.Close()
		rowsEN, err := fen.GetRows(exchange.SheetResultsEN)
		if err != nil {
			t.Fatal(err)
		}
		if rowsEN[0][0] != "2022年度考核结果 results summary" || !strings.Contains(rowsEN[1][0], "publication 1") ||
			rowsEN[len(rowsEN)-1][0] != "Publication" {
			t.Errorf("en rows %q … %q", rowsEN[:2], rowsEN[len(rowsEN)-1])
		}
	})
}
