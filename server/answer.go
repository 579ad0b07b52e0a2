package server

import (
	"bytes"
	"fmt"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// maxAnswer is the largest JSON answer of results the server builds, in bytes. A sheet holds
// at most formulas.MaxSheetText of text, which JSON may escape to six times its size
// (\u003c for <); past this budget the answer is refused before it is built.
const maxAnswer = 2 * formulas.MaxSheetText

// sheetJSON encodes a sheet's answer in one buffer sized beforehand: the rows are appended
// into the encoding of the rest instead of passing through encoding/json, which would copy
// and re-scan them (issue 11: an answer of 32 MB cost 160 MB of heap that way).
func sheetJSON(v sheetView) ([]byte, error) {
	size := formulas.ResultsJSONSize(v.Units)
	if size > maxAnswer {
		return nil, schema.Errorf(schema.Invalid, "units",
			"the answer would be %d MB, more than the %d MB an answer may be: ask for fewer units (?units=, ?group=) or for CSV", size>>20, maxAnswer>>20)
	}
	rows := v.Units
	v.Units = resultList{}
	head, err := marshalJSON(v)
	if err != nil {
		return nil, err
	}
	// The key cannot occur inside a string of head, whose quotes are escaped there.
	const key = `"units":[]`
	i := bytes.Index(head, []byte(key))
	if i < 0 {
		return nil, fmt.Errorf("server: encode the sheet: no %s in %.100s", key, head)
	}
	b := make([]byte, 0, len(head)+size)
	b = append(b, head[:i+len(key)-2]...)
	if b, err = formulas.AppendResultsJSON(b, rows); err != nil {
		return nil, err
	}
	return append(b, head[i+len(key):]...), nil
}
