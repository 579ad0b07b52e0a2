package schematest_test

import (
	"context"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/schema/schematest"
)

func TestMain(m *testing.M) { schematest.Main(m) }

func TestOpenStore(t *testing.T) {
	engines := schematest.Engines(t)
	if len(engines) != 2 || engines[0].String() != "sqlite" || engines[1].String() != "postgres" {
		t.Fatalf("engines = %v, want sqlite and postgres", engines)
	}
	ctx := context.Background()
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			// Each test has a database of its own: both create the same scheme.
			for _, name := range []string{"OKFirst", "OKSecond"} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					s := schematest.OpenStore(t, e)
					f, err := os.Open("../testdata/scheme.yaml")
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					doc, err := schema.DecodeYAML(f)
					if err != nil {
						t.Fatal(err)
					}
					if _, _, err := s.CreateScheme(ctx, doc, "alice", ""); err != nil {
						t.Fatal(err)
					}
					if _, total, err := s.ListSchemes(ctx, schema.Page{}); err != nil || total != 1 {
						t.Errorf("%d schemes (%v), want 1", total, err)
					}
				})
			}
		})
	}
}
