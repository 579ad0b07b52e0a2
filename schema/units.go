package schema

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/rubric-dev/rubric/formulas"
)

// unitRow is a row of units: one unit of a scheme's roster, at its position in the roster.
type unitRow struct {
	bun.BaseModel `bun:"table:units,alias:u"`
	SchemeCode    string `bun:"scheme_code,pk"`
	Code          string `bun:"code,pk"`
	Name          string `bun:"name"`
	GroupName     string `bun:"group_name"`
	Attrs         string `bun:"attrs"`
	Position      int    `bun:"position"`
}

func (r *unitRow) unit() (formulas.Unit, error) {
	u := formulas.Unit{Code: r.Code, Name: r.Name, Group: r.GroupName}
	if r.Attrs != "" && r.Attrs != "null" {
		if err := json.Unmarshal([]byte(r.Attrs), &u.Attrs); err != nil {
			return u, fmt.Errorf("decode attributes of unit %q: %w", r.Code, err)
		}
	}
	return u, nil
}

func newUnitRow(scheme string, u *formulas.Unit, position int) (*unitRow, error) {
	attrs := ""
	if len(u.Attrs) > 0 {
		data, err := json.Marshal(u.Attrs)
		if err != nil {
			return nil, Errorf(Invalid, "attrs", "the attributes of unit %q cannot be stored: %v", u.Code, err)
		}
		attrs = string(data)
	}
	return &unitRow{SchemeCode: scheme, Code: u.Code, Name: u.Name, GroupName: u.Group, Attrs: attrs, Position: position}, nil
}

func unitNotFound(scheme, unit string) error {
	return Errorf(NotFound, "", "unit %q of scheme %q not found", unit, scheme)
}

// ListUnits lists a scheme's roster in order, a page at a time, with its total count.
func (s *Store) ListUnits(ctx context.Context, code string, page Page) ([]formulas.Unit, int, error) {
	page, err := page.normalize()
	if err != nil {
		return nil, 0, err
	}
	var units []formulas.Unit
	var total int
	err = s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*unitRow)(nil)).Where("scheme_code = ?", code).Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		units, err = loadRoster(ctx, tx, code, page, true)
		return err
	})
	if err != nil {
		return nil, 0, wrap(err, "list units of %q", code)
	}
	return units, total, nil
}

// GetUnit returns one unit of a scheme's roster.
func (s *Store) GetUnit(ctx context.Context, code, unit string) (formulas.Unit, error) {
	var u formulas.Unit
	err := s.read(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := getScheme(ctx, tx, code); err != nil {
			return err
		}
		row, err := getUnit(ctx, tx, code, unit)
		if err != nil {
			return err
		}
		u, err = row.unit()
		return err
	})
	if err != nil {
		return formulas.Unit{}, wrap(err, "get unit %q of %q", unit, code)
	}
	return u, nil
}

// CreateUnit adds a unit at the end of a scheme's roster and returns it as stored. Its group
// must be one of the scheme's groups; its declared attributes must have their types. A unit
// with the same code is a Conflict.
func (s *Store) CreateUnit(ctx context.Context, code string, u formulas.Unit) (formulas.Unit, error) {
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		if problems := unitProblems(sc, &u); len(problems) > 0 {
			return invalid(problems, nil)
		}
		exists, err := tx.NewSelect().Model((*unitRow)(nil)).Where("scheme_code = ? AND code = ?", code, u.Code).Exists(ctx)
		if err != nil {
			return err
		}
		if exists {
			return Errorf(Conflict, "code", "unit %q of scheme %q already exists", u.Code, code)
		}
		var last sql.NullInt64
		if err := tx.NewSelect().TableExpr("units").ColumnExpr("MAX(position)").
			Where("scheme_code = ?", code).Scan(ctx, &last); err != nil {
			return err
		}
		ur, err := newUnitRow(code, &u, int(last.Int64)+1)
		if err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(ur).Exec(ctx); err != nil {
			return err
		}
		now := s.now()
		if err := auditUnit(ctx, tx, code, nil, &u, now); err != nil {
			return err
		}
		return bumpData(ctx, tx, code, now)
	})
	if err != nil {
		return formulas.Unit{}, wrap(err, "create unit %q of %q", u.Code, code)
	}
	return u, nil
}

// UpdateUnit replaces a unit's name, group and attributes and returns it as stored. u.Code must
// be empty or the unit's code: a unit is not renamed.
func (s *Store) UpdateUnit(ctx context.Context, code, unit string, u formulas.Unit) (formulas.Unit, error) {
	if u.Code == "" {
		u.Code = unit
	}
	if u.Code != unit {
		return formulas.Unit{}, Errorf(Invalid, "code", "the code of unit %q cannot be changed", unit)
	}
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := lockScheme(ctx, tx, code)
		if err != nil {
			return err
		}
		old, err := getUnit(ctx, tx, code, unit)
		if err != nil {
			return err
		}
		sc, err := loadRevision(ctx, tx, code, row.Revision)
		if err != nil {
			return err
		}
		if problems := unitProblems(sc, &u); len(problems) > 0 {
			return invalid(problems, nil)
		}
		ur, err := newUnitRow(code, &u, old.Position)
		if err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model(ur).Column("name", "group_name", "attrs").WherePK().Exec(ctx); err != nil {
			return err
		}
		prev, err := old.unit()
		if err != nil {
			return err
		}
		now := s.now()
		if err := auditUnit(ctx, tx, code, &prev, &u, now); err != nil {
			return err
		}
		return bumpData(ctx, tx, code, now)
	})
	if err != nil {
		return formulas.Unit{}, wrap(err, "update unit %q of %q", unit, code)
	}
	return u, nil
}

// DeleteUnit removes a unit from a scheme's roster, with its values. Its value history stays.
// The audit log records the change of the roster of CreateUnit, UpdateUnit and DeleteUnit, by
// the author and reason of ctx (see WithWho and WithReason).
func (s *Store) DeleteUnit(ctx context.Context, code, unit string) error {
	err := s.write(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockScheme(ctx, tx, code); err != nil {
			return err
		}
		old, err := getUnit(ctx, tx, code, unit)
		if err != nil {
			return err
		}
		prev, err := old.unit()
		if err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*unitRow)(nil)).Where("scheme_code = ? AND code = ?", code, unit).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return unitNotFound(code, unit)
		}
		now := s.now()
		if err := auditUnit(ctx, tx, code, &prev, nil, now); err != nil {
			return err
		}
		return bumpData(ctx, tx, code, now)
	})
	return wrap(err, "delete unit %q of %q", unit, code)
}

func getUnit(ctx context.Context, db bun.IDB, code, unit string) (*unitRow, error) {
	row := new(unitRow)
	err := db.NewSelect().Model(row).Where("scheme_code = ? AND code = ?", code, unit).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unitNotFound(code, unit)
	}
	return row, err
}

// loadRoster reads a scheme's units in roster order: one page of them if paged is set, else
// all of them.
func loadRoster(ctx context.Context, db bun.IDB, code string, page Page, paged bool) ([]formulas.Unit, error) {
	var rows []unitRow
	q := db.NewSelect().Model(&rows).Where("scheme_code = ?", code).Order("position", "code")
	if paged {
		q = q.Limit(int64(page.Limit)).Offset(int64(page.Offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, err
	}
	units := make([]formulas.Unit, len(rows))
	for i := range rows {
		u, err := rows[i].unit()
		if err != nil {
			return nil, err
		}
		units[i] = u
	}
	return units, nil
}

// replaceRoster makes units a scheme's roster, in their order: units not in it are deleted
// (with their values), the others updated or inserted.
func replaceRoster(ctx context.Context, tx bun.IDB, code string, units []formulas.Unit) error {
	if len(units) == 0 {
		return nil
	}
	keep := make([]string, len(units))
	rows := make([]*unitRow, len(units))
	for i := range units {
		r, err := newUnitRow(code, &units[i], i+1)
		if err != nil {
			return err
		}
		keep[i], rows[i] = units[i].Code, r
	}
	if _, err := tx.NewDelete().Model((*unitRow)(nil)).Where("scheme_code = ?", code).
		Where("code NOT IN (?)", bun.List(keep)).Exec(ctx); err != nil {
		return err
	}
	for start := 0; start < len(rows); start += batchSize {
		chunk := rows[start:min(start+batchSize, len(rows))]
		if _, err := tx.NewInsert().Model(&chunk).
			On("CONFLICT (scheme_code, code) DO UPDATE").
			Set("name = EXCLUDED.name").Set("group_name = EXCLUDED.group_name").
			Set("attrs = EXCLUDED.attrs").Set("position = EXCLUDED.position").
			Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// batchSize is the most rows one INSERT writes.
const batchSize = 500
