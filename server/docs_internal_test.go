package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/rubric-dev/rubric"
)

// TestProblemTypesDocumented checks that every problem type, a link into /docs, is a row of the
// "Problem types" table of openapi.yaml's description, where /docs leads such a link.
func TestProblemTypesDocumented(t *testing.T) {
	spec := string(rubric.OpenAPI)
	if !strings.Contains(spec, "\n    ## Problem types\n") {
		t.Fatal(`openapi.yaml's description has no "## Problem types" section`)
	}
	rows := map[string]int{problemTypeInvalidFile: 422}
	for status := range problemTypes {
		rows[problemType(status)] = status
	}
	for typ, status := range rows {
		if row := "| " + strconv.Itoa(status) + " | `" + typ + "` |"; !strings.Contains(spec, row) {
			t.Errorf("openapi.yaml lacks the row %q", row)
		}
	}
	if n := strings.Count(spec, " | `/docs#problem-"); n != len(rows) {
		t.Errorf("%d rows of problem types, want %d", n, len(rows))
	}
}
