package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

// BenchmarkValueInserts writes every value of the benchmark rubric's 10,000 units (130,000
// values, each one changed, so 130,000 rows of values and 130,000 of history) with SetValues
// as an import does, in one transaction: "bun" with bun's inserts (the path before
// valueStatements), "sql" with valueStatements' multi-row SQL, in the same run.
//
//	RUBRIC_REQUIRE_POSTGRES=1 go test -run '^$' -bench BenchmarkValueInserts -benchtime 4x -count 3 ./schema
func BenchmarkValueInserts(b *testing.B) {
	text, err := os.ReadFile("../formulas/testdata/bench.json")
	if err != nil {
		b.Fatal(err)
	}
	const n = 10000
	doc := &Document{}
	if err := json.Unmarshal(text, &doc.Scheme); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		doc.Units = append(doc.Units, formulas.Unit{Code: fmt.Sprintf("u%06d", i+1), Name: fmt.Sprintf("Unit %d", i+1), Group: "town"})
	}
	// Two sets of values that differ in every value: each write changes all of them.
	sets := make([]map[string]map[string]any, 2)
	for k := range sets {
		sets[k] = make(map[string]map[string]any, n)
		for i, u := range doc.Units {
			v := make(map[string]any, len(doc.Metrics))
			for j, m := range doc.Metrics {
				v[m.Code] = float64((i+j)%3 + 1 + k)
			}
			sets[k][u.Code] = v
		}
	}
	for _, e := range testdb.Engines(b) {
		b.Run(e.String(), func(b *testing.B) {
			if e == testdb.Postgres {
				testdb.StartPostgres(b)
			}
			for _, path := range []string{"bun", "sql"} {
				b.Run(path, func(b *testing.B) {
					s := mustOpenStore(b, e)
					if _, _, err := s.CreateScheme(context.Background(), doc, "bench", "benchmark"); err != nil {
						b.Fatal(err)
					}
					bunValueInserts = path == "bun"
					defer func() { bunValueInserts = false }()
					ctx := WithImport(context.Background(), "values.csv")
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if err := s.SetValues(ctx, "bench", LayerFinal, sets[i%2], "bench"); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
