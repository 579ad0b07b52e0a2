package seeds_test

import (
	"testing"

	"github.com/rubric-dev/rubric/seeds"
)

// TestEverySeed checks what every seed must satisfy: it compiles with no warning but those its
// document earns, the sheet of every layer has no null cell and no error outside the one
// deliberately incomplete unit, and that unit is there.
func TestEverySeed(t *testing.T) {
	expectWarnings := map[string]int{"anhui-2012-training.yaml": 1} // 90 of a stated 100
	names := seeds.Names()
	if len(names) != 7 {
		t.Fatalf("%d seed documents, want 7: %v", len(names), names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s := mustLoad(t, name, "final")
			if got := len(s.warnings); got != expectWarnings[name] {
				t.Errorf("%d warnings, want %d: %v", got, expectWarnings[name], s.warnings)
			}
			incomplete := 0
			for layer := range s.doc.Values {
				sh := mustLoad(t, name, layer)
				for _, r := range sh.sheet.Results() {
					if len(r.Errors) > 0 {
						t.Errorf("%s %s: errors %v", layer, r.Unit.Code, r.Errors)
					}
					if !r.Complete {
						incomplete++
						if len(r.Missing) == 0 {
							t.Errorf("%s %s: incomplete with nothing missing", layer, r.Unit.Code)
						}
						continue
					}
					for code, v := range r.Cells {
						if v == nil && !sh.offLayer(code) {
							t.Errorf("%s %s: cell %s is null in a complete unit", layer, r.Unit.Code, code)
						}
					}
					if r.Total == nil || r.Rank == nil {
						t.Errorf("%s %s: complete unit without total or rank", layer, r.Unit.Code)
					}
				}
			}
			if incomplete != 1 {
				t.Errorf("%d incomplete units across layers, want exactly 1", incomplete)
			}
		})
	}
}
