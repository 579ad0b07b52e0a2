package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"testing"
)

// TestResultsWarningsLanguage: the warnings of a sheet are written in the reader's language,
// Chinese by default, like the warnings of a save; each language has its own tag, and the
// gzipped whole sheet says the same as the plain one. The scheme states 10 points where its
// one item is worth 4.
func TestResultsWarningsLanguage(t *testing.T) {
	e := newEnv(t)
	doc := `{"code": "warned", "title": "Warned", "total_points": 10,
	  "metrics": [{"code": "late", "title": "Late", "type": "integer", "min": 0}],
	  "items": [{"code": "ontime", "title": "On time", "max_points": 4, "formula": "4 - late"}]}`
	if resp, body := e.do(t, "POST", "/api/v1/schemes", doc, "", nil); resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	const (
		zh = "方案总分为 10 分，但一级得分项合计 4 分"
		en = "the scheme states 10 points but its top-level score items add up to 4"
	)
	tags := map[string]string{}
	for _, tt := range []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"default", nil, zh},
		{"zh", map[string]string{"Accept-Language": "zh-CN,zh;q=0.9"}, zh},
		{"en", map[string]string{"Accept-Language": "en-US,en;q=0.9"}, en},
		{"en gzip", map[string]string{"Accept-Language": "en", "Accept-Encoding": "gzip"}, en},
		{"zh gzip", map[string]string{"Accept-Encoding": "gzip"}, zh},
		{"en again", map[string]string{"Accept-Language": "en"}, en},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, "GET", "/api/v1/schemes/warned/results", "", "", tt.header)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if resp.Header.Get("Content-Encoding") == "gzip" {
				r, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
			}
			var sheet struct {
				Units    []json.RawMessage
				Warnings []struct{ Kind, Message string }
			}
			if err := json.Unmarshal(body, &sheet); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if len(sheet.Warnings) != 1 || sheet.Warnings[0].Kind != "total_points" || sheet.Warnings[0].Message != tt.want {
				t.Errorf("warnings %+v, want one total_points: %q", sheet.Warnings, tt.want)
			}
			if got := resp.Header.Values("Vary"); !contains(got, "Accept-Language") {
				t.Errorf("Vary %q does not name Accept-Language", got)
			}
			tags[tt.name] = resp.Header.Get("ETag")
		})
	}
	if tags["default"] != tags["zh"] || tags["en"] != tags["en again"] || tags["zh"] == tags["en"] {
		t.Errorf("tags %q: want one per language (and encoding)", tags)
	}
}

// contains reports whether a header's values name v.
func contains(values []string, v string) bool {
	for _, s := range values {
		for _, part := range bytes.Split([]byte(s), []byte(",")) {
			if string(bytes.TrimSpace(part)) == v {
				return true
			}
		}
	}
	return false
}

// TestResultsCSVLanguage: the CSV of results heads its fixed columns in the reader's language
// (the scheme's own titles stay), with a tag per language; headed by codes it is the same in
// every language, and so is its tag.
func TestResultsCSVLanguage(t *testing.T) {
	e := newEnv(t)
	get := func(query, lang string) (string, string) {
		t.Helper()
		resp, body := e.do(t, "GET", "/api/v1/schemes/tiny/results?format=csv"+query, "", "", map[string]string{"Accept-Language": lang})
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", query, lang, resp.StatusCode, body)
		}
		return string(body), resp.Header.Get("ETag")
	}
	zh, zhTag := get("", "zh-CN")
	en, enTag := get("", "en")
	if !bytes.HasPrefix([]byte(zh), []byte("\uFEFF单位代码,单位名称,组别,Work(")) || !bytes.Contains([]byte(zh), []byte(",总分,等次,排名,组内排名\r\n")) {
		t.Errorf("Chinese header: %.200q", zh)
	}
	if !bytes.HasPrefix([]byte(en), []byte("\uFEFFUnit code,Unit name,Group,Work(")) || !bytes.Contains([]byte(en), []byte(",Total,Grade,Rank,Rank in group\r\n")) {
		t.Errorf("English header: %.200q", en)
	}
	if zh[bytes.IndexByte([]byte(zh), '\n'):] != en[bytes.IndexByte([]byte(en), '\n'):] {
		t.Error("the rows differ between the languages")
	}
	if zhTag == enTag {
		t.Errorf("one tag %s for both languages", zhTag)
	}
	zhCodes, zhCodesTag := get("&header=code", "zh-CN")
	enCodes, enCodesTag := get("&header=code", "en")
	if zhCodes != enCodes || zhCodesTag != enCodesTag {
		t.Errorf("headed by codes, the languages differ: %s %.80q, %s %.80q", zhCodesTag, zhCodes, enCodesTag, enCodes)
	}
}
