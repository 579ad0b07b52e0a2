package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/rubric-dev/rubric/formulas"
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
// it is published.
type sheetEntry struct {
	scheme      string
	layer       string
	revision    int
	dataVersion int64
	program     *formulas.Program
	warnings    []formulas.Warning
	rows        []formulas.Row
	sheet       *formulas.Sheet
	results     []formulas.Result
	groups      map[string]bool
	units       map[string]int // unit code → index in results

	jsonOnce sync.Once
	json     []byte
	jsonErr  error
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
	if e := sc.sheets[key]; e != nil && e.revision == rev && e.dataVersion == dv {
		sc.mu.Unlock()
		return e, cacheHit, nil
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
		if f.err == nil {
			sc.sheets[key] = f.entry
		}
		sc.mu.Unlock()
		close(f.done)
	}()
	// The evaluation serves every waiter: it is not cut short when this request goes away.
	f.entry, f.err = sc.build(context.WithoutCancel(ctx), code, layer)
	return f.entry, cacheMiss, f.err
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
		warnings: cp.warnings, rows: rows, sheet: sheet, results: sheet.Results(),
		groups: map[string]bool{}, units: make(map[string]int, len(rows))}
	for _, g := range scheme.Groups {
		e.groups[g] = true
	}
	for i, r := range e.results {
		e.units[r.Unit.Code] = i
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

// view is the JSON answer of the sheet with the given rows.
func (e *sheetEntry) view(rows []formulas.Result) sheetView {
	cols := e.program.Columns()
	if cols == nil {
		cols = []formulas.Column{}
	}
	if rows == nil {
		rows = []formulas.Result{}
	}
	return sheetView{Scheme: e.scheme, Revision: e.revision, DataVersion: e.dataVersion, Layer: e.layer,
		Columns: cols, Units: rows, Warnings: e.warnings}
}

// fullJSON is the JSON answer of the whole sheet, encoded once.
func (e *sheetEntry) fullJSON() ([]byte, error) {
	e.jsonOnce.Do(func() {
		e.json, e.jsonErr = sheetJSON(e.view(e.results))
	})
	return e.json, e.jsonErr
}
