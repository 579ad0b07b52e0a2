package schema

import (
	"encoding/json"
	"fmt"
)

// MaxAttrsSize is the largest JSON of a unit's attributes, in bytes.
//
// A unit's attributes are scalars — a number, true or false, or a text — as openapi.yaml says:
// those the scheme declares are typed by their declaration, any other is a note for people.
// Lists and objects are refused, so that a roster cannot hold a value nested 10,000 deep
// whose YAML export grows with the square of its depth, and their size is bounded (issue 11).
const MaxAttrsSize = 16 << 10

// attrsProblems checks the attributes of a unit that the scheme does not declare (declared
// ones are checked against their type): each is a scalar, and together they fit in
// MaxAttrsSize. Fields are relative to the unit.
func attrsProblems(attrs map[string]any, declared map[string]bool) []Problem {
	var out []Problem
	for _, k := range sortedKeys(attrs) {
		if declared[k] {
			continue
		}
		switch attrs[k].(type) {
		case map[string]any, []any:
			out = append(out, Problem{Field: "attrs." + k,
				Message: fmt.Sprintf("attribute %s must be a number, true or false, or a text, not %s", k, describe(attrs[k]))})
		}
	}
	if len(out) > 0 {
		return out
	}
	if data, err := json.Marshal(attrs); err != nil {
		out = append(out, Problem{Field: "attrs", Message: "the attributes cannot be stored as JSON: " + err.Error()})
	} else if len(data) > MaxAttrsSize {
		out = append(out, Problem{Field: "attrs", Message: fmt.Sprintf("the attributes take %d bytes; at most %d are allowed", len(data), MaxAttrsSize)})
	}
	return out
}
