package formulas_test

import (
	"fmt"

	"github.com/rubric-dev/rubric/formulas"
)

// Rugao 2022 (三)①: towns lose 0.25 per place in their group's ranking of completion rates.
func Example() {
	five := 5.0
	scheme := &formulas.Scheme{
		Code:    "example",
		Groups:  []string{"镇"},
		Metrics: []formulas.Metric{{Code: "target", Type: "integer"}, {Code: "actual", Type: "integer"}},
		Outputs: []formulas.Output{{Code: "rate", Title: "完成率", Unit: "%", Formula: "pct(actual, target)"}},
		Items: []formulas.Item{{Code: "place", Title: "完成率排名", MaxPoints: &five,
			Formula: "5 - (rank(rate, unit.group) - 1) * 0.25"}},
	}
	program, _, err := formulas.Compile(scheme)
	if err != nil {
		fmt.Println(err)
		return
	}
	sheet := program.Evaluate([]formulas.Row{
		{Unit: formulas.Unit{Code: "a", Group: "镇"}, Values: map[string]any{"target": 43750, "actual": 25375}},
		{Unit: formulas.Unit{Code: "b", Group: "镇"}, Values: map[string]any{"target": 1000, "actual": 990}},
		{Unit: formulas.Unit{Code: "c", Group: "镇"}, Values: map[string]any{"target": 2000, "actual": 1980}},
	})
	for _, r := range sheet.Results() {
		fmt.Println(r.Unit.Code, r.Cells["rate"], r.Cells["place"], *r.Total, *r.Rank)
	}
	// Output:
	// a 58 4.5 4.5 3
	// b 99 5 5 1
	// c 99 5 5 1
}
