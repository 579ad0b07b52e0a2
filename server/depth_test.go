package server_test

import (
	"encoding/json"
	"testing"
)

// TestIssue13OneDepth: depth means the same in the results' columns and in /items — 0 at the
// top level (enrol), 1 under a top-level category (res_enrol).
func TestIssue13OneDepth(t *testing.T) {
	e := newEnv(t)
	depths := func(url, list string) map[string]int {
		_, body := e.do(t, "GET", url, "", "", nil)
		var v map[string]json.RawMessage
		var entries []struct {
			Code  string `json:"code"`
			Depth int    `json:"depth"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if err := json.Unmarshal(v[list], &entries); err != nil {
			t.Fatalf("%s: %s: %v", url, list, err)
		}
		out := map[string]int{}
		for _, c := range entries {
			out[c.Code] = c.Depth
		}
		return out
	}
	items := depths("/api/v1/schemes/"+rugao+"/items?limit=500", "items")
	cols := depths("/api/v1/schemes/"+rugao+"/results", "columns")
	for code, want := range map[string]int{"enrol": 0, "res_enrol": 1, "basic": 0} {
		if items[code] != want || cols[code] != want {
			t.Errorf("depth of %s: items %d, results %d, want %d", code, items[code], cols[code], want)
		}
	}
	if cols["res_rate"] != 0 {
		t.Errorf("depth of the output res_rate: %d, want 0", cols["res_rate"])
	}
}
