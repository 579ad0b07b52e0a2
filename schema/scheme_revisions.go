package schema

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// revisionRow is a row of scheme_revisions: one saved version of a scheme document.
type revisionRow struct {
	bun.BaseModel `bun:"table:scheme_revisions,alias:r"`
	SchemeCode    string    `bun:"scheme_code,pk"`
	Revision      int       `bun:"revision,pk"`
	Document      string    `bun:"document"`
	Who           string    `bun:"who"`
	Message       string    `bun:"message"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Revision is one saved version of a scheme: who saved it, when and why. Scheme is set by
// Store.Revision only.
type Revision struct {
	Revision  int              `json:"revision"`
	Who       string           `json:"who"`
	Message   string           `json:"message"`
	CreatedAt time.Time        `json:"created_at"`
	Scheme    *formulas.Scheme `json:"scheme,omitempty"`
}

// Revisions lists a scheme's revisions, newest first, a page at a time, with their total count.
func (s *Store) Revisions(ctx context.Context, code string, page Page) ([]Revision, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var rows []revisionRow
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		q := tx.NewSelect().Model(&rows).Column("revision", "who", "message", "created_at").
			Where("scheme_code = ?", code)
		n, err := q.Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return q.Order("revision DESC").Limit(int64(page.Limit)).Offset(int64(page.Offset)).Scan(ctx)
	})
	if err != nil {
		return nil, 0, wrap(err, "list revisions of %q", code)
	}
	out := make([]Revision, len(rows))
	for i, r := range rows {
		out[i] = Revision{Revision: r.Revision, Who: r.Who, Message: r.Message, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, total, nil
}

// Revision returns revision n of a scheme with its document.
func (s *Store) Revision(ctx context.Context, code string, n int) (*Revision, error) {
	var out *Revision
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		row, err := getRevision(ctx, tx, code, n)
		if err != nil {
			return err
		}
		sc, err := decodeRevision(row)
		if err != nil {
			return err
		}
		out = &Revision{Revision: row.Revision, Who: row.Who, Message: row.Message, CreatedAt: row.CreatedAt.UTC(), Scheme: sc}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "get revision %d of %q", n, code)
	}
	return out, nil
}

// RestoreRevision makes revision n current again by saving its document as a new revision
// (history is never rewritten). The old document is validated again, against the current
// roster and engine. It returns the new revision and the warnings. See ExpectRevision for opts.
func (s *Store) RestoreRevision(ctx context.Context, code string, n int, who string, opts ...WriteOption) (int, []formulas.Warning, error) {
	var rev int
	var warnings []formulas.Warning
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code, opts...)
		if err != nil {
			return err
		}
		current, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		old, err := getRevision(ctx, tx, code, n)
		if err != nil {
			return err
		}
		sc, err := decodeRevision(old)
		if err != nil {
			return err
		}
		roster, err := loadRoster(ctx, tx, code, Page{}, false)
		if err != nil {
			return err
		}
		if warnings, err = validate(&Document{Scheme: *sc}, roster); err != nil {
			return err
		}
		rev = row.Revision + 1
		message, now := fmt.Sprintf("restore revision %d", n), s.now()
		if err := saveRevision(ctx, tx, row, sc, rev, who, message, now); err != nil {
			return err
		}
		return auditScheme(ctx, tx, schemeSaved{action: ActionRestore, before: current, after: sc, rev: rev, restored: n,
			who: who, message: message, at: now})
	})
	if err != nil {
		return 0, nil, wrap(err, "restore revision %d of %q", n, code)
	}
	return rev, warnings, nil
}

// insertRevision stores sc as revision rev of its scheme.
func insertRevision(ctx context.Context, tx bun.IDB, sc *formulas.Scheme, rev int, who, message string, now time.Time) error {
	sc.Revision = rev
	data, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode scheme: %w", err)
	}
	_, err = tx.NewInsert().Model(&revisionRow{SchemeCode: sc.Code, Revision: rev, Document: string(data),
		Who: who, Message: message, CreatedAt: now}).Exec(ctx)
	return err
}

func getRevision(ctx context.Context, db bun.IDB, code string, n int) (*revisionRow, error) {
	row := new(revisionRow)
	err := db.NewSelect().Model(row).Where("scheme_code = ? AND revision = ?", code, n).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(NotFound, "revision", "revision %d of scheme %q not found", n, code)
	}
	return row, err
}

// loadRevision reads the scheme of revision n.
func loadRevision(ctx context.Context, db bun.IDB, code string, n int) (*formulas.Scheme, error) {
	row, err := getRevision(ctx, db, code, n)
	if err != nil {
		return nil, err
	}
	return decodeRevision(row)
}

func decodeRevision(row *revisionRow) (*formulas.Scheme, error) {
	sc := new(formulas.Scheme)
	if err := json.Unmarshal([]byte(row.Document), sc); err != nil {
		return nil, fmt.Errorf("decode revision %d of %q: %w", row.Revision, row.SchemeCode, err)
	}
	sc.Revision = row.Revision
	return sc, nil
}
