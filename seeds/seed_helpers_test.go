package seeds_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/seeds"
	"gopkg.in/yaml.v3"
)

// seedDocument is a seed file: a scheme document plus its roster and example values.
type seedDocument struct {
	formulas.Scheme `yaml:",inline"`
	Units           []formulas.Unit                      `yaml:"units"`
	Values          map[string]map[string]map[string]any `yaml:"values"`
}

// sheet is a seed scheme evaluated on one layer of its example values.
type sheet struct {
	doc      *seedDocument
	program  *formulas.Program
	warnings []formulas.Warning
	results  map[string]formulas.Result
	sheet    *formulas.Sheet
	layer    string
}

// offLayer reports whether code is an output not computed on the sheet's layer (its
// layers do not name it): its cell is null by design.
func (s *sheet) offLayer(code string) bool {
	for _, o := range s.doc.Outputs {
		if o.Code == code && len(o.Layers) > 0 {
			return !slices.Contains(o.Layers, s.layer)
		}
	}
	return false
}

// mustLoad decodes a seed file strictly, compiles it and evaluates the given layer.
func mustLoad(tb testing.TB, name, layer string) *sheet {
	tb.Helper()
	text, err := seeds.Read(name)
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	var doc seedDocument
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	prog, warnings, err := formulas.Compile(&doc.Scheme)
	if err != nil {
		tb.Fatalf("compile %s: %v", name, err)
	}
	rows := make([]formulas.Row, len(doc.Units))
	for i, u := range doc.Units {
		vals := map[string]any{}
		for k, v := range doc.Values[layer][u.Code] {
			if m, ok := v.(map[string]any); ok {
				v = m["value"]
			}
			vals[k] = v
		}
		rows[i] = formulas.Row{Unit: u, Values: vals}
	}
	sh := prog.EvaluateLayer(rows, layer)
	results := map[string]formulas.Result{}
	for _, r := range sh.Results() {
		results[r.Unit.Code] = r
	}
	return &sheet{doc: &doc, program: prog, warnings: warnings, results: results, sheet: sh, layer: layer}
}

// cell returns one cell of one unit, failing the test if the unit is unknown.
func (s *sheet) cell(tb testing.TB, unit, code string) any {
	tb.Helper()
	r, ok := s.results[unit]
	if !ok {
		tb.Fatalf("no unit %q", unit)
	}
	v, ok := r.Cells[code]
	if !ok {
		tb.Fatalf("unit %q has no cell %q", unit, code)
	}
	return v
}

// wantCells checks cells of one unit against values worked out by hand.
func (s *sheet) wantCells(tb testing.TB, unit string, want map[string]any) {
	tb.Helper()
	for code, w := range want {
		got := s.cell(tb, unit, code)
		if wf, ok := w.(float64); ok {
			if gf, ok := got.(float64); !ok || gf != wf {
				tb.Errorf("%s.%s = %v, want %v", unit, code, got, w)
			}
			continue
		}
		if got != w {
			tb.Errorf("%s.%s = %v, want %v", unit, code, got, w)
		}
	}
}
