package schema

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// schemeRow is a row of the schemes table: one scheme, its current revision and a data version
// that changes with every change of its roster or values.
type schemeRow struct {
	bun.BaseModel `bun:"table:schemes,alias:s"`
	Code          string    `bun:"code,pk"`
	Title         string    `bun:"title"`
	Period        string    `bun:"period"`
	Issuer        string    `bun:"issuer"`
	Revision      int       `bun:"revision"`
	DataVersion   int64     `bun:"data_version"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
	// AuditAfter and ValuesAfter are where the scheme's history begins: the largest ids of
	// audit_log and value_history rows of its code when it was created (earlier schemes of
	// the code).
	AuditAfter  int64 `bun:"audit_after"`
	ValuesAfter int64 `bun:"values_after"`
	Units       int   `bun:"units,scanonly"`
}

// SchemeSummary is a scheme in a list: its identity, current revision and roster size.
// DataVersion changes (only) with every change of the roster or of a value: together with
// Revision it identifies what an evaluated sheet was computed from.
type SchemeSummary struct {
	Code        string    `json:"code"`
	Title       string    `json:"title"`
	Period      string    `json:"period,omitempty"`
	Issuer      string    `json:"issuer,omitempty"`
	Revision    int       `json:"revision"`
	DataVersion int64     `json:"data_version"`
	Units       int       `json:"units"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (r *schemeRow) summary() SchemeSummary {
	return SchemeSummary{Code: r.Code, Title: r.Title, Period: r.Period, Issuer: r.Issuer, Revision: r.Revision,
		DataVersion: r.DataVersion, Units: r.Units, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreateScheme validates a scheme document and saves it as revision 1 of a new scheme, with
// its roster and example values (as entries of the value history) if it has them. It returns
// the revision and the engine's warnings. A scheme with the same code is a Conflict.
func (s *Store) CreateScheme(ctx context.Context, doc *Document, who, message string) (int, []formulas.Warning, error) {
	if err := checkMessage(message); err != nil {
		return 0, nil, err
	}
	if doc == nil {
		return 0, nil, Errorf(Invalid, "", "no document")
	}
	warnings, err := Validate(doc)
	if err != nil {
		return 0, nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		exists, err := tx.NewSelect().Model((*schemeRow)(nil)).Where("code = ?", doc.Code).Exists(ctx)
		if err != nil {
			return err
		}
		if exists {
			return schemeExists(doc.Code)
		}
		now := s.now()
		row := &schemeRow{Code: doc.Code, Title: doc.Title, Period: doc.Period, Issuer: doc.Issuer, Revision: 1,
			DataVersion: now.UnixMicro(), CreatedAt: now, UpdatedAt: now}
		// The history of earlier schemes of this code ends here (every write to them locked
		// their row, which the deletion removed, so their rows all have smaller ids).
		if err := tx.NewRaw(`SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE scheme_code = ?`, doc.Code).Scan(ctx, &row.AuditAfter); err != nil {
			return err
		}
		if err := tx.NewRaw(`SELECT COALESCE(MAX(id), 0) FROM value_history WHERE scheme_code = ?`, doc.Code).Scan(ctx, &row.ValuesAfter); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return schemeExists(doc.Code)
			}
			return err
		}
		if err := insertRevision(ctx, tx, &doc.Scheme, 1, who, message, now); err != nil {
			return err
		}
		if err := replaceRoster(ctx, tx, doc.Code, doc.Units); err != nil {
			return err
		}
		if _, err := saveDocumentValues(ctx, tx, &doc.Scheme, doc.Values, who, now); err != nil {
			return err
		}
		return auditScheme(ctx, tx, schemeSaved{action: ActionCreate, after: &doc.Scheme, rev: 1, units: doc.Units,
			who: who, message: message, at: now})
	})
	if err != nil {
		return 0, nil, wrap(err, "create scheme %q", doc.Code)
	}
	return 1, warnings, nil
}

func schemeExists(code string) error {
	return Errorf(Conflict, "code", "scheme %q already exists", code)
}

func schemeNotFound(code string) error {
	return Errorf(NotFound, "", "scheme %q not found", code)
}

// GetScheme returns the scheme document at its current revision, with its roster (and no
// values: see GetValues and Rows).
func (s *Store) GetScheme(ctx context.Context, code string) (*Document, error) {
	var doc *Document
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := getScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		units, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		doc = &Document{Scheme: *sc, Units: units}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "get scheme %q", code)
	}
	return doc, nil
}

// Version returns a scheme's current revision and data version: a cheap test of whether a
// sheet evaluated earlier is still current.
func (s *Store) Version(ctx context.Context, code string) (revision int, dataVersion int64, err error) {
	var row *schemeRow
	err = s.query(ctx, s.db, func(ctx context.Context, db bun.IDB) error {
		row, err = getScheme(ctx, db, code)
		return err
	})
	if err != nil {
		return 0, 0, wrap(err, "get scheme %q", code)
	}
	return row.Revision, row.DataVersion, nil
}

// ListSchemes lists schemes by code, a page at a time, with their total count.
func (s *Store) ListSchemes(ctx context.Context, page Page) ([]SchemeSummary, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var rows []schemeRow
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*schemeRow)(nil)).Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return tx.NewSelect().Model(&rows).
			ColumnExpr("s.*").
			ColumnExpr("(SELECT COUNT(*) FROM units AS u WHERE u.scheme_code = s.code) AS units").
			Order("s.code").Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx)
	})
	if err != nil {
		return nil, 0, wrap(err, "list schemes")
	}
	out := make([]SchemeSummary, len(rows))
	for i := range rows {
		out[i] = rows[i].summary()
	}
	return out, total, nil
}

// ReplaceScheme validates a whole document and saves it as the scheme's next revision. If the
// document has units, they replace the roster (the values of units no longer in it are
// deleted); if it has values, they are merged into the stored ones. The document's code must
// be the scheme's (or empty). It returns the new revision and the engine's warnings. See
// ExpectRevision for opts.
func (s *Store) ReplaceScheme(ctx context.Context, code string, doc *Document, who, message string, opts ...WriteOption) (int, []formulas.Warning, error) {
	if err := checkMessage(message); err != nil {
		return 0, nil, err
	}
	if doc == nil {
		return 0, nil, Errorf(Invalid, "", "no document")
	}
	if doc.Code == "" {
		doc.Code = code
	}
	if doc.Code != code {
		return 0, nil, Errorf(Invalid, "code", "the document's code %q is not the scheme's code %q", doc.Code, code)
	}
	var rev int
	var warnings []formulas.Warning
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code, opts...)
		if err != nil {
			return err
		}
		before, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		roster, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		var stored, units []formulas.Unit
		if len(doc.Units) == 0 {
			stored = roster
		} else {
			units = doc.Units
		}
		if warnings, err = validate(doc, stored); err != nil {
			return err
		}
		now := s.now()
		rev = row.Revision + 1
		if err := saveRevision(ctx, tx, row, &doc.Scheme, rev, who, message, now); err != nil {
			return err
		}
		changed := false
		if len(doc.Units) > 0 {
			if err := replaceRoster(ctx, tx, code, doc.Units); err != nil {
				return err
			}
			changed = true
		}
		more, err := saveDocumentValues(ctx, tx, &doc.Scheme, doc.Values, who, now)
		if err != nil {
			return err
		}
		if err := auditScheme(ctx, tx, schemeSaved{action: ActionUpdate, before: before, after: &doc.Scheme, rev: rev,
			roster: roster, units: units, who: who, message: message, at: now}); err != nil {
			return err
		}
		if changed || more {
			return bumpData(ctx, tx, code, now)
		}
		return nil
	})
	if err != nil {
		return 0, nil, wrap(err, "replace scheme %q", code)
	}
	return rev, warnings, nil
}

// UpdateScheme changes a scheme through fn, which edits a copy of the current scheme (an item,
// a metric, a formula), then validates the result against the roster and saves it as the next
// revision. An error of fn is returned as it is (an *Error for the client's faults). A change
// that changes nothing saves no revision. It returns the (new) revision and the warnings. See
// ExpectRevision for opts.
func (s *Store) UpdateScheme(ctx context.Context, code string, fn func(*formulas.Scheme) error, who, message string, opts ...WriteOption) (int, []formulas.Warning, error) {
	if err := checkMessage(message); err != nil {
		return 0, nil, err
	}
	var rev int
	var warnings []formulas.Warning
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code, opts...)
		if err != nil {
			return err
		}
		old, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		sc, err := cloneScheme(old)
		if err != nil {
			return err
		}
		if err := fn(sc); err != nil {
			return err
		}
		if sc.Code != code {
			return Errorf(Invalid, "code", "the code of scheme %q cannot be changed", code)
		}
		roster, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		if warnings, err = validate(&Document{Scheme: *sc}, roster); err != nil {
			return err
		}
		sc.Revision = old.Revision
		if mustJSON(sc) == mustJSON(old) {
			rev = row.Revision
			return nil
		}
		rev = row.Revision + 1
		now := s.now()
		if err := saveRevision(ctx, tx, row, sc, rev, who, message, now); err != nil {
			return err
		}
		return auditScheme(ctx, tx, schemeSaved{action: ActionUpdate, before: old, after: sc, rev: rev,
			who: who, message: message, at: now})
	})
	if err != nil {
		return 0, nil, wrap(err, "update scheme %q", code)
	}
	return rev, warnings, nil
}

// DeleteScheme deletes a scheme with its revisions, roster and values. Its history stays: the
// value history, and the audit log, which records the deletion (by the author and reason of
// ctx, see WithWho and WithReason) with the last document and roster. A scheme with a
// publication is not deleted (Conflict): publications never go away. The tokens scoped to the
// scheme are revoked with it.
func (s *Store) DeleteScheme(ctx context.Context, code string, opts ...WriteOption) error {
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code, opts...)
		if err != nil {
			return err
		}
		if published, err := hasPublication(ctx, tx, code); err != nil {
			return err
		} else if published {
			return Errorf(Conflict, "", "scheme %q has published results, which never change or go away: it cannot be deleted", code)
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		units, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*schemeRow)(nil)).Where("code = ?", code).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return schemeNotFound(code)
		}
		now := s.now()
		if err := revokeSchemeTokens(ctx, tx, code, now); err != nil {
			return err
		}
		return auditSchemeDeleted(ctx, tx, &Document{Scheme: *sc, Units: units}, now)
	})
	return wrap(err, "delete scheme %q", code)
}

// getScheme reads a scheme's row.
func getScheme(ctx context.Context, db bun.IDB, code string) (*schemeRow, error) {
	row := new(schemeRow)
	if err := db.NewSelect().Model(row).Where("code = ?", code).Scan(ctx); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, schemeNotFound(code)
		}
		return nil, err
	}
	return row, nil
}

// lockScheme reads a scheme's row for a write transaction that changes the scheme: the empty
// update makes PostgreSQL lock the row until the transaction ends, so that writers of one
// scheme take turns (SQLite has one writer anyway). The options' expected revisions are
// checked against the locked row, so no other writer can slip in between check and write.
func lockScheme(ctx context.Context, tx bun.IDB, code string, opts ...WriteOption) (*schemeRow, error) {
	if _, err := tx.NewUpdate().Model((*schemeRow)(nil)).Set("data_version = data_version").
		Where("code = ?", code).Exec(ctx); err != nil {
		return nil, err
	}
	row, err := getScheme(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.expect != nil && !slices.Contains(o.expect, row.Revision) {
		return nil, Errorf(Stale, "", "scheme %q is at revision %d, not %s: read it again and redo the change", code, row.Revision, revisionList(o.expect))
	}
	return row, nil
}

// WriteOption qualifies a write of a scheme document.
type WriteOption func(*writeOptions)

type writeOptions struct {
	expect []int // the revisions the write may start from; nil is any
}

// ExpectRevision makes a write of a scheme (UpdateScheme, ReplaceScheme, RestoreRevision,
// DeleteScheme) fail with Stale, changing nothing, unless the scheme's current revision is one
// of revs: the revision the client read (HTTP If-Match). The check is made inside the write's
// transaction with the scheme's row locked, so two writers that read the same revision cannot
// both succeed. With no revs the write always fails.
func ExpectRevision(revs ...int) WriteOption {
	return func(o *writeOptions) {
		o.expect = append(make([]int, 0, len(revs)), revs...)
	}
}

// revisionList names revisions in a message: "3", "3 or 4".
func revisionList(revs []int) string {
	if len(revs) == 0 {
		return "the revision the request named"
	}
	s := make([]string, len(revs))
	for i, r := range revs {
		s[i] = strconv.Itoa(r)
	}
	return strings.Join(s, " or ")
}

// bumpData records a change of the roster or of values.
func bumpData(ctx context.Context, tx bun.IDB, code string, now time.Time) error {
	_, err := tx.NewUpdate().Model((*schemeRow)(nil)).Set("data_version = data_version + 1").
		Set("updated_at = ?", now).Where("code = ?", code).Exec(ctx)
	return err
}

// saveRevision stores sc as revision rev and makes it the scheme's current one. Once the
// scheme has a publication, the change needs a reason (see needReason).
func saveRevision(ctx context.Context, tx bun.IDB, row *schemeRow, sc *formulas.Scheme, rev int, who, message string, now time.Time) error {
	if Reason(ctx) == "" {
		if err := needReason(ctx, tx, row.Code); err != nil {
			return err
		}
	}
	if err := insertRevision(ctx, tx, sc, rev, who, message, now); err != nil {
		return err
	}
	if _, err := tx.NewUpdate().Model((*schemeRow)(nil)).
		Set("title = ?", sc.Title).Set("period = ?", sc.Period).Set("issuer = ?", sc.Issuer).
		Set("revision = ?", rev).Set("updated_at = ?", now).
		Where("code = ?", row.Code).Exec(ctx); err != nil {
		return err
	}
	return enqueueEvent(ctx, tx, EventSchemeRevised, row.Code, map[string]any{"revision": rev, "who": actor(ctx, who),
		"message": message, "reason": Reason(ctx)}, now)
}

// cloneScheme deep-copies a scheme.
func cloneScheme(sc *formulas.Scheme) (*formulas.Scheme, error) {
	data, err := json.Marshal(sc)
	if err != nil {
		return nil, fmt.Errorf("copy scheme: %w", err)
	}
	out := new(formulas.Scheme)
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("copy scheme: %w", err)
	}
	return out, nil
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	return string(data)
}
