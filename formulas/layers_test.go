package formulas

import (
	"testing"
)

// layerScheme has one item (pts) and a fee paid on the final layer only, with a rate read by
// both.
func layerScheme(feeLayers []string, item string) *Scheme {
	ten := 10.0
	return &Scheme{Code: "l", TotalPoints: 10,
		Metrics: []Metric{{Code: "x", Type: TypeNumber}},
		Items:   []Item{{Code: "pts", Title: "Points", MaxPoints: &ten, Formula: item}},
		Outputs: []Output{
			{Code: "rate", Title: "Rate", Formula: "x * 2"},
			{Code: "fee", Title: "Fee", Unit: "元", Formula: "x * 100", Layers: feeLayers},
			{Code: "fee_text", Title: "Fee text", Formula: `fee > 500 ? "high" : "low"`, Layers: []string{LayerFinal}},
		}}
}

func TestOutputLayers(t *testing.T) {
	p, _, err := Compile(layerScheme([]string{LayerFinal}, "x"))
	if err != nil {
		t.Fatal(err)
	}
	rows := []Row{{Unit: Unit{Code: "a"}, Values: map[string]any{"x": 7.0}}}
	for _, tc := range []struct {
		layer        string
		fee, feeText any
	}{
		{LayerFinal, 700.0, "high"},
		{"", 700.0, "high"}, // no layer: every output
		{LayerSelf, nil, nil},
	} {
		r := p.EvaluateLayer(rows, tc.layer).Results()[0]
		if r.Cells["fee"] != tc.fee || r.Cells["fee_text"] != tc.feeText {
			t.Errorf("layer %q: fee %v, fee_text %v; want %v, %v", tc.layer, r.Cells["fee"], r.Cells["fee_text"], tc.fee, tc.feeText)
		}
		// Not computed is not an error, and the unit stays complete with its total.
		if len(r.Errors) != 0 || !r.Complete || r.Total == nil || *r.Total != 7 || r.Cells["rate"] != 14.0 {
			t.Errorf("layer %q: errors %v, complete %v, total %v, rate %v", tc.layer, r.Errors, r.Complete, r.Total, r.Cells["rate"])
		}
	}
}

func TestOutputLayersErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scheme *Scheme
		want   string
	}{
		{"ErrUnknownLayer", layerScheme([]string{"draft"}, "x"),
			`fee: output fee: unknown layer "draft" in layers: use final or self`},
		{"ErrTwice", layerScheme([]string{LayerFinal, LayerFinal}, "x"),
			"fee: output fee: layer final is listed twice"},
		{"ErrItemReadsFee", layerScheme([]string{LayerFinal}, "min(10, fee / 100)"),
			"pts: pts reads output fee, which is computed on the final layer only: it would have no value on the self layer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Compile(tc.scheme)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}
