package exchange_test

import (
	"errors"
	"fmt"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/formulas"
)

func ExampleReadValues() {
	zero := 0.0
	scheme := &formulas.Scheme{Code: "demo", Title: "示例", Metrics: []formulas.Metric{
		{Code: "res_target", Title: "参保任务数", Type: "integer", Unit: "人", Min: &zero},
		{Code: "res_actual", Title: "参保人数", Type: "integer", Unit: "人", Min: &zero},
	}}
	units := []formulas.Unit{{Code: "xinbei", Name: "新北区"}, {Code: "wujin", Name: "武进区"}}

	good := "单位代码,单位名称,参保任务数(人),参保人数(人)\nxinbei,新北区,\"43,750\",25375\nwujin,武进区,,\n"
	values, err := exchange.ReadValues([]byte(good), "values.csv", "text/csv", scheme, units)
	fmt.Println(values, err)

	bad := "单位代码,参保人数\nxinbei,很多\ntianning,100\n"
	_, err = exchange.ReadValues([]byte(bad), "values.csv", "text/csv", scheme, units)
	var ie *exchange.ImportError
	if errors.As(err, &ie) {
		for _, p := range ie.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// map[xinbei:map[res_actual:25375 res_target:43750]] <nil>
	// row 2, column B (参保人数): expected a whole number, got "很多"
	// row 3, column A (单位代码): unknown unit "tianning": not on the scheme's roster
}
