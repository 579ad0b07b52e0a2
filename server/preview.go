package server

import (
	"context"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// impact is what a change of a scheme does to one layer's sheet.
type impact struct {
	Layer string `json:"layer"`
	formulas.Impact
}

// previewed is a change of a scheme tried without saving it.
type previewed struct {
	revision int // the current revision, which the change was tried on
	warnings []formulas.Warning
	impact   *impact
}

// preview applies change to a copy of the scheme's current revision, validates and compiles
// the copy as a save would (so that it fails as a save would), and evaluates both the current
// and the changed scheme over the same rows of one layer, read in one snapshot (the cached
// sheet is kept up to date change by change and holds no rows). Nothing is saved.
func (a *api) preview(ctx context.Context, code, layer string, change func(*formulas.Scheme) error) (*previewed, error) {
	rev, _, scheme, rows, err := a.store.Rows(ctx, code, layer)
	if err != nil {
		return nil, err
	}
	cp, err := a.sheets.compile(code, rev, scheme)
	if err != nil {
		return nil, err
	}
	lay := layer
	if lay == "" {
		lay = schema.LayerFinal
	}
	before := cp.program.EvaluateLayer(rows, lay)
	sc, err := cloneScheme(scheme)
	if err != nil {
		return nil, err
	}
	if err := change(sc); err != nil {
		return nil, err
	}
	doc := &schema.Document{Scheme: *sc}
	warnings, err := schema.Validate(doc)
	if err != nil {
		return nil, err
	}
	prog, _, err := formulas.Compile(&doc.Scheme)
	if err != nil {
		return nil, err
	}
	after := prog.EvaluateLayer(rows, lay)
	warnings = append(warnings, after.FailingEverywhere()...)
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	return &previewed{revision: rev, warnings: warnings, impact: &impact{Layer: layer, Impact: formulas.Compare(before, after)}}, nil
}

// withFailing adds to the warnings of a saved change of a scheme the formulas that fail for
// every unit of its final layer (formulas.FailingEverywhere). The warnings are advice: a sheet
// that cannot be evaluated adds none, and the results report it.
func (a *api) withFailing(ctx context.Context, code string, warnings []formulas.Warning) []formulas.Warning {
	e, err := a.sheets.get(ctx, code, schema.LayerFinal)
	if err != nil || e == nil || e.sheet == nil {
		return warnings
	}
	return append(warnings, e.sheet.FailingEverywhere()...)
}
