package server_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// benchRubricDoc is the benchmark rubric of docs/bench.md (formulas/testdata/bench.json) with n
// units generated as formulas' benchmark generates them (same seed, same values), every value
// entered in the final layer.
func benchRubricDoc(tb testing.TB, n int) *schema.Document {
	tb.Helper()
	text, err := os.ReadFile("../formulas/testdata/bench.json")
	if err != nil {
		tb.Fatal(err)
	}
	doc := &schema.Document{}
	if err := json.Unmarshal(text, &doc.Scheme); err != nil {
		tb.Fatal(err)
	}
	doc.Units = make([]formulas.Unit, n)
	final := make(map[string]map[string]any, n)
	doc.Values = map[string]map[string]map[string]any{"final": final}
	rng := rand.New(rand.NewPCG(2022, 1))
	for i := range n {
		code := fmt.Sprintf("u%06d", i+1)
		group := "town"
		if rng.IntN(5) == 0 {
			group = "zone"
		}
		doc.Units[i] = formulas.Unit{Code: code, Name: "Unit " + code[1:], Group: group}
		tRes, tEmp := 1000+rng.Int64N(89001), 1000+rng.Int64N(89001)
		fr, fe := 85000+rng.Int64N(23001), 85000+rng.Int64N(23001)
		v := map[string]any{"target_res": tRes, "target_emp": tEmp,
			"actual_res": (tRes*fr + 50000) / 100000, "actual_emp": (tEmp*fe + 50000) / 100000}
		v["cases_a"], v["cases_b"], v["cases_c"] = rng.Int64N(5), rng.Int64N(5), rng.Int64N(5)
		v["bonus_pts"] = float64(5*rng.Int64N(7)) / 10
		v["penalty_prov"], v["penalty_city"], v["penalty_county"] = rng.Int64N(3), rng.Int64N(3), rng.Int64N(3)
		v["entered_people"] = 5000 + rng.Int64N(115001)
		v["lectures"] = rng.Int64N(4)
		final[code] = v
	}
	return doc
}
