package schema

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestValueStatementsQuoting: texts written by valueStatements' plain SQL come back exactly,
// in the values, their notes and the history, on both engines — quotes, backslashes, what
// looks like a placeholder or the end of a statement, newlines, Chinese and emoji. (Writes of
// many chunks of 500 rows: TestBigSchemeThroughAPI's import of 26,000 values.)
func TestValueStatementsQuoting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		texts := []string{
			`it's`, `''`, `\`, `\'`, `C:\new\table`, `? ?? $1 :name`, `'); DROP TABLE metric_values; --`,
			"two\nlines\ttab", "补报 说明", "🙂", `"quoted"`, `E'\x41'`,
		}
		for _, text := range texts {
			note := "note: " + text
			if err := s.PatchValues(ctx, "test-medical", "xinbei", "", map[string]any{"remark": map[string]any{"value": text, "note": note}}, "o'brien"); err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			values, err := s.GetValues(ctx, "test-medical", "xinbei", "")
			if err != nil {
				t.Fatal(err)
			}
			if v := values["remark"]; v.Value != text || v.Note != note || v.Who != "o'brien" {
				t.Errorf("%q: read back %+v", text, v)
			}
			h, _, err := s.ValueHistory(ctx, "test-medical", HistoryFilter{Unit: "xinbei", Metric: "remark"}, Page{Limit: 1})
			if err != nil || len(h) != 1 || h[0].New != text || h[0].Note != note || h[0].Who != "o'brien" {
				t.Errorf("%q: history %+v (%v)", text, h, err)
			}
		}
	})
}
