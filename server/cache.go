package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// sheetCache keeps the evaluated sheet of every (scheme, layer) that was asked for, as of one
// revision and data version, and the compiled program of every scheme. A sheet is built
// completely before it is published, then only read: concurrent readers see a whole sheet,
// the old one or the new one, never half of one. Requests that find the same stale sheet wait
// for one evaluation instead of each running their own.
type sheetCache struct {
	store *schema.Store

	mu       sync.Mutex
	sheets   map[sheetKey]*sheetEntry
	programs map[string]*compiled
	flights  map[flightKey]*flight
}

// sheetKey names the sheet of one layer of a scheme.
type sheetKey struct {
	scheme, layer string
}

// flightKey names one evaluation: a sheet as of a revision and data version.
type flightKey struct {
	sheetKey
	revision    int
	dataVersion int64
}

// flight is one evaluation in progress; done is closed when entry or err is set.
type flight struct {
	done  chan struct{}
	entry *sheetEntry
	err   error
}

// compiled is a scheme's compiled program, with the hash of the scheme it was compiled from.
type compiled struct {
	revision int
	hash     [sha256.Size]byte
	program  *formulas.Program
	warnings []formulas.Warning
}

// sheetEntry is one evaluated sheet and what it was computed from. Nothing in it changes after
// it is published: the next data version is a new entry, whose sheet is a clone of this one
// with the changes applied (formulas.Sheet.Clone freezes this one). What is computed from it
// on demand — the JSON of the whole sheet, compressed forms — is computed once per entry.
type sheetEntry struct {
	scheme      string
	layer       string
	revision    int
	dataVersion int64
	program     *formulas.Program
	warnings    []formulas.Warning
	sheet       *formulas.Sheet
	groups      map[string]bool

	bodies [2]sheetBody // the whole sheet's JSON, by the language of its warnings (i18n.Lang)
}

// sheetBody is the JSON answer of a whole sheet in one language, encoded once, and its
// compressed forms.
type sheetBody struct {
	once    sync.Once
	json    []byte
	err     error
	encoded encodedBodies
}

func newSheetCache(store *schema.Store) *sheetCache {
	return &sheetCache{store: store, sheets: map[sheetKey]*sheetEntry{}, programs: map[string]*compiled{}, flights: map[flightKey]*flight{}}
}

// get returns the sheet of one layer of a scheme as of its current revision and data version,
// evaluating it only if either has changed since the cached one.
func (sc *sheetCache) get(ctx context.Context, code, layer string) (*sheetEntry, error) {
	rev, dv, err := sc.store.Version(ctx, code)
	if err != nil {
		return nil, err
	}
	e, _, err := sc.getAt(ctx, code, layer, rev, dv)
	return e, err
}

// getAt returns the sheet of one layer of a scheme as of revision rev and data version dv,
// which the caller has just read from the database (Store.Version): the cache holds no truth
// of its own, so a change made through another process is seen on the next request. A sheet
// is evaluated only if the cached one is of another revision or data version; the sheet
// returned may be newer than rev and dv (it is read in a snapshot of its own). It also says
// how it was served: cacheHit, cacheMiss (evaluated by this call) or cacheShared.
func (sc *sheetCache) getAt(ctx context.Context, code, layer string, rev int, dv int64) (*sheetEntry, string, error) {
	key := sheetKey{scheme: code, layer: layer}
	fk := flightKey{sheetKey: key, revision: rev, dataVersion: dv}
	sc.mu.Lock()
	old := sc.sheets[key]
	if old != nil && old.revision == rev && old.dataVersion == dv {
		sc.mu.Unlock()
		return old, cacheHit, nil
	}
	if f, ok := sc.flights[fk]; ok {
		sc.mu.Unlock()
		select {
		case <-f.done:
			return f.entry, cacheShared, f.err
		case <-ctx.Done():
			return nil, cacheShared, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	sc.flights[fk] = f
	sc.mu.Unlock()

	defer func() {
		if f.entry == nil && f.err == nil {
			f.err = errors.New("server: evaluating the sheet failed")
		}
		sc.mu.Lock()
		delete(sc.flights, fk)
		// Flights to different versions may end in any order: an older sheet of the same
		// revision does not replace a newer one.
		if cur := sc.sheets[key]; f.err == nil && (cur == nil || cur.revision != f.entry.revision || cur.dataVersion <= f.entry.dataVersion) {
			sc.sheets[key] = f.entry
		}
		sc.mu.Unlock()
		close(f.done)
	}()
	// The evaluation serves every waiter: it is not cut short when this request goes away.
	how := cacheMiss
	if old != nil && old.revision == rev && old.dataVersion < dv {
		var ok bool
		if f.entry, ok = sc.advance(context.WithoutCancel(ctx), old); ok {
			return f.entry, cacheUpdate, nil
		}
	}
	f.entry, f.err = sc.build(context.WithoutCancel(ctx), code, layer)
	return f.entry, how, f.err
}

// catchUpLimit is the most value changes a cached sheet is brought up to date with; beyond
// it evaluating the sheet anew is cheaper (a change costs from microseconds to, when it moves
// a unit across a ranking of 100,000, tens of milliseconds).
const catchUpLimit = 200

// advance brings a cached sheet up to the scheme's current data version by applying the value
// changes made since, as the value history lists them, to a clone of it: the changes of this
// process and of every other on the same database alike. ok is false when the history cannot
// bridge the gap (see schema.Store.ValueChanges) or cannot be read; the caller then evaluates
// the sheet anew.
func (sc *sheetCache) advance(ctx context.Context, old *sheetEntry) (e *sheetEntry, ok bool) {
	to, changes, ok, err := sc.store.ValueChanges(ctx, old.scheme, old.layer, old.revision, old.dataVersion, catchUpLimit)
	if err != nil || !ok {
		return nil, false
	}
	if to == old.dataVersion {
		return old, true
	}
	sheet := old.sheet.Clone()
	for _, c := range changes {
		if err := sheet.Set(c.Unit, c.Metric, c.Value); err != nil {
			return nil, false // a unit or metric the sheet does not have: evaluate anew
		}
	}
	return &sheetEntry{scheme: old.scheme, layer: old.layer, revision: old.revision, dataVersion: to,
		program: old.program, warnings: old.warnings, sheet: sheet, groups: old.groups}, true
}

// apply brings the cached sheet of the layer a write of this process changed up to the data
// version the write made, with the changes the write reports: the same result as reading them
// back from the value history (advance), one transaction fewer after every write. It does so
// only when the cached sheet is exactly the one the write started from (same revision, data
// version To-1); any other sheet is left for getAt to bring up to date from the history or to
// evaluate anew. A sheet that cannot take a change is left as it was.
func (sc *sheetCache) apply(code string, w *schema.UnitWrite) {
	if w == nil || w.To != w.From+1 {
		return
	}
	key := sheetKey{scheme: code, layer: w.Layer}
	sc.mu.Lock()
	old := sc.sheets[key]
	sc.mu.Unlock()
	if old == nil || old.revision != w.Revision || old.dataVersion != w.From {
		return
	}
	sheet := old.sheet.Clone()
	for _, c := range w.Changes {
		if err := sheet.Set(c.Unit, c.Metric, c.Value); err != nil {
			return
		}
	}
	e := &sheetEntry{scheme: old.scheme, layer: old.layer, revision: old.revision, dataVersion: w.To,
		program: old.program, warnings: old.warnings, sheet: sheet, groups: old.groups}
	sc.mu.Lock()
	// Published only over the sheet it was made from: a newer one (another request's) stays.
	if sc.sheets[key] == old {
		sc.sheets[key] = e
	}
	sc.mu.Unlock()
}

// build reads the rows of one layer in one snapshot and evaluates them.
func (sc *sheetCache) build(ctx context.Context, code, layer string) (*sheetEntry, error) {
	rev, dv, scheme, rows, err := sc.store.Rows(ctx, code, layer)
	if err != nil {
		return nil, err
	}
	cp, err := sc.compile(code, rev, scheme)
	if err != nil {
		return nil, err
	}
	sheet := cp.program.EvaluateLayer(rows, layer)
	e := &sheetEntry{scheme: code, layer: layer, revision: rev, dataVersion: dv, program: cp.program,
		warnings: cp.warnings, sheet: sheet, groups: map[string]bool{}}
	for _, g := range scheme.Groups {
		e.groups[g] = true
	}
	return e, nil
}

// compile returns the program of a scheme, compiling it only if the scheme differs from the
// one compiled last (a scheme deleted and created again may reuse a revision number, so the
// content decides).
func (sc *sheetCache) compile(code string, rev int, scheme *formulas.Scheme) (*compiled, error) {
	data, err := json.Marshal(scheme)
	if err != nil {
		return nil, fmt.Errorf("server: hash scheme %q: %w", code, err)
	}
	hash := sha256.Sum256(data)
	sc.mu.Lock()
	cp := sc.programs[code]
	sc.mu.Unlock()
	if cp != nil && cp.revision == rev && cp.hash == hash {
		return cp, nil
	}
	prog, warnings, err := formulas.Compile(scheme)
	if err != nil {
		// A stored revision that no longer compiles: its errors, as a save would report them.
		return nil, err
	}
	if warnings == nil {
		warnings = []formulas.Warning{}
	}
	cp = &compiled{revision: rev, hash: hash, program: prog, warnings: warnings}
	sc.mu.Lock()
	sc.programs[code] = cp
	sc.mu.Unlock()
	return cp, nil
}

// forget drops everything cached of a scheme (it was deleted).
func (sc *sheetCache) forget(code string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.programs, code)
	for k := range sc.sheets {
		if k.scheme == code {
			delete(sc.sheets, k)
		}
	}
}

// view is the JSON answer of the sheet with the given rows, its warnings written in l.
func (e *sheetEntry) view(rows []formulas.Result, l i18n.Lang) sheetView {
	cols := e.program.Columns()
	if cols == nil {
		cols = []formulas.Column{}
	}
	if rows == nil {
		rows = []formulas.Result{}
	}
	return sheetView{Scheme: e.scheme, Revision: e.revision, DataVersion: e.dataVersion, Layer: e.layer,
		Columns: cols, Units: rows, Warnings: formulas.WarningsIn(e.warnings, l)}
}

// body is the whole sheet's JSON answer with its warnings in l: one body per language, and
// the same for both when there are no warnings (the usual case), so that a sheet is encoded
// and compressed once however its readers' languages differ.
func (e *sheetEntry) body(l i18n.Lang) *sheetBody {
	if len(e.warnings) == 0 || l != i18n.EN {
		l = i18n.ZH
	}
	return &e.bodies[l]
}

// fullJSON is the JSON answer of the whole sheet in l, encoded once per version, row by row
// from the sheet (holding every row's Result at once would cost more memory than the sheet).
func (e *sheetEntry) fullJSON(l i18n.Lang) ([]byte, error) {
	b := e.body(l)
	b.once.Do(func() {
		if e.largeTexts() {
			// Rows of large computed texts: the encoding sized exactly from the results
			// (issue 11's answer budget) holds less than one estimated from the rows.
			b.json, b.err = sheetJSON(e.view(e.sheet.Results(), l))
			return
		}
		b.json, b.err = e.sheetJSON(l)
	})
	return b.json, b.err
}

// largeTexts reports whether the sheet's computed cells hold large texts
// (formulas.Sheet.LargeTexts): such a sheet is encoded exactly sized from its results and sent
// without gzip. A big roster of grades and short labels is not.
func (e *sheetEntry) largeTexts() bool { return e.sheet.LargeTexts() }

// sheetJSON writes what marshalJSON(e.view(e.sheet.Results(), l)) would: the head of the
// view with encoding/json, then the rows straight from the sheet (encoding/json would scan
// again every byte a MarshalJSON method returns: 60 MB at 100,000 units).
func (e *sheetEntry) sheetJSON(l i18n.Lang) ([]byte, error) {
	v := e.view(nil, l)
	head, err := marshalJSON(struct {
		Scheme      string            `json:"scheme"`
		Revision    int               `json:"revision"`
		DataVersion int64             `json:"data_version"`
		Layer       string            `json:"layer"`
		Columns     []formulas.Column `json:"columns"`
	}{v.Scheme, v.Revision, v.DataVersion, v.Layer, v.Columns})
	if err != nil {
		return nil, err
	}
	warnings, err := marshalJSON(v.Warnings)
	if err != nil {
		return nil, err
	}
	b := append([]byte(nil), head[:len(head)-1]...)
	b = append(b, `,"units":`...)
	if b, err = e.sheet.AppendResultsJSON(b, maxAnswer); errors.Is(err, formulas.ErrTooLarge) {
		return nil, schema.Errorf(schema.Invalid, "units",
			"the answer would be more than the %d MB an answer may be: ask for fewer units (?units=, ?group=) or for CSV", maxAnswer>>20)
	} else if err != nil {
		return nil, err
	}
	b = append(b, `,"warnings":`...)
	b = append(b, warnings...)
	return append(b, '}'), nil
}
