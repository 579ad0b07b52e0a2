package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric/schema/schematest"
)

// TestImportAnswerBounded: a saved import of 1,200 changed values answers with the counts and
// the first 1,000 changes, saying more follow; the dry run of the same file lists the rest a
// page at a time.
func TestImportAnswerBounded(t *testing.T) {
	_, apps := twoServers(t, schematest.SQLite, 1200)
	file := func(lectures int) string {
		var sb strings.Builder
		sb.WriteString("unit,lectures\r\n")
		for i := 1; i <= 1200; i++ {
			fmt.Fprintf(&sb, "u%06d,%d\r\n", i, lectures)
		}
		return sb.String()
	}
	type answer struct {
		Units, Values, Changed, Unchanged int
		Changes                           []struct{ Unit, Metric string }
		ChangesOffset                     int  `json:"changes_offset"`
		ChangesTruncated                  bool `json:"changes_truncated"`
	}
	post := func(url, body string) answer {
		t.Helper()
		resp, err := apps[0].Test(newRequest("POST", url, body, "text/csv", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a answer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d %v", url, resp.StatusCode, err)
		}
		return a
	}
	// The generated lectures are 0..3: setting every unit's to 9 changes all 1,200.
	dry := post("/api/v1/schemes/bench/values/import?dry_run=true&changes_offset=1100&changes_limit=500", file(9))
	if dry.Changed != 1200 || len(dry.Changes) != 100 || dry.ChangesOffset != 1100 || dry.ChangesTruncated || dry.Changes[0].Unit != "u001101" {
		t.Errorf("dry run page: changed %d, %d listed from %d (first %v), truncated %v", dry.Changed, len(dry.Changes), dry.ChangesOffset, dry.Changes[0], dry.ChangesTruncated)
	}
	saved := post("/api/v1/schemes/bench/values/import", file(9))
	if saved.Units != 1200 || saved.Values != 1200 || saved.Changed != 1200 || saved.Unchanged != 0 || len(saved.Changes) != 1000 || !saved.ChangesTruncated ||
		saved.Changes[999].Unit != "u001000" {
		t.Errorf("saved: %d units, %d values, %d changed, %d unchanged, %d listed, truncated %v", saved.Units, saved.Values, saved.Changed, saved.Unchanged, len(saved.Changes), saved.ChangesTruncated)
	}
	again := post("/api/v1/schemes/bench/values/import", file(9))
	if again.Changed != 0 || again.Unchanged != 1200 || len(again.Changes) != 0 || again.ChangesTruncated {
		t.Errorf("again: %+v", again)
	}
}
