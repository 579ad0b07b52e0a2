package schema

import (
	"context"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// TestIssue13UnitCodes: the codes offices use — 行政区划代码, roster numbers, 统一社会信用代码,
// with - _ . and capitals — are unit codes, stored and read back as written, on every engine;
// metric codes keep their rule.
func TestIssue13UnitCodes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		ctx := context.Background()
		s := mustOpenStore(t, e)
		mustCreateScheme(t, s)
		for _, code := range []string{"320682", "U000020", "91320000MA1234567X", "rg-01.a_b"} {
			if _, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: code, Name: "单位" + code, Group: "镇"}); err != nil {
				t.Fatalf("create %s: %v", code, err)
			}
			u, err := s.GetUnit(ctx, "test-medical", code)
			if err != nil || u.Code != code {
				t.Errorf("get %s: %+v, %v", code, u, err)
			}
		}
		for _, code := range []string{"-a", ".a", "a b", "a/b", "单位"} {
			_, err := s.CreateUnit(ctx, "test-medical", formulas.Unit{Code: code, Name: "x", Group: "镇"})
			if ErrorKind(err) != Invalid {
				t.Errorf("create %q: %v, want Invalid", code, err)
			}
		}
	})
	if p := (&validator{}); p.ident("code", "U000020", false) {
		t.Error("a metric or item code must stay lower-case and start with a letter")
	}
}
