package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// The migration token_names: a token's name is unique among the live (unrevoked) tokens only,
// so that the name of a revoked token can be given to a new one ("clerk" leaves, the next
// clerk gets "clerk"), while the revoked token stays in the table with its history.
//
//   - tokens.name loses its UNIQUE constraint. SQLite cannot drop a constraint, so there the
//     table is rebuilt, keeping every row and id; PostgreSQL drops the constraint.
//   - tokens_live_name_idx, a partial unique index on name WHERE revoked_at IS NULL, keeps two
//     live tokens from sharing a name, whichever process inserts them.
func migrationTokenNames() migrate.Migration {
	return migrate.Migration{Name: "20261203002000", Comment: "token_names",
		Up: txMigration(liveTokenNames), Down: txMigration(uniqueTokenNames)}
}

// liveTokenNameIndex makes a name unique among the live tokens; the same statement on both
// engines.
const liveTokenNameIndex = `CREATE UNIQUE INDEX IF NOT EXISTS tokens_live_name_idx ON tokens (name) WHERE revoked_at IS NULL`

// The tokens table rebuilt on SQLite under a temporary name: v2Token without the unique name.
type v3Token struct {
	bun.BaseModel `bun:"table:tokens_v3"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Name          string     `bun:"name,notnull"`
	Role          string     `bun:"role,notnull"`
	SchemeCode    string     `bun:"scheme_code,notnull"`
	UnitCode      string     `bun:"unit_code,notnull"`
	Lookup        string     `bun:"lookup,notnull"`
	Hash          string     `bun:"hash,notnull,unique"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	LastUsedAt    *time.Time `bun:"last_used_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
}

// v2TokenAgain is v2Token under a temporary name, for going back down on SQLite.
type v2TokenAgain struct {
	bun.BaseModel `bun:"table:tokens_v2"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Name          string     `bun:"name,notnull,unique"`
	Role          string     `bun:"role,notnull"`
	SchemeCode    string     `bun:"scheme_code,notnull"`
	UnitCode      string     `bun:"unit_code,notnull"`
	Lookup        string     `bun:"lookup,notnull"`
	Hash          string     `bun:"hash,notnull,unique"`
	CreatedAt     time.Time  `bun:"created_at,notnull"`
	LastUsedAt    *time.Time `bun:"last_used_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
}

func liveTokenNames(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() == dialect.PG {
		var names []string
		if err := tx.NewRaw(`SELECT c.conname FROM pg_constraint c
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.conrelid = 'tokens'::regclass AND c.contype = 'u' AND cardinality(c.conkey) = 1 AND a.attname = 'name'`).
			Scan(ctx, &names); err != nil {
			return err
		}
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE tokens DROP CONSTRAINT ?", bun.Ident(name)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, liveTokenNameIndex)
		return err
	}
	var done int
	if err := tx.NewRaw(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'tokens_live_name_idx'`).Scan(ctx, &done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	return rebuildTokens(ctx, tx, (*v3Token)(nil), "tokens_v3", liveTokenNameIndex)
}

// rebuildTokens copies tokens into a new table made from model (named table), every row and
// id, puts it in the old one's place and makes its indexes.
func rebuildTokens(ctx context.Context, tx bun.Tx, model any, table string, indexes ...string) error {
	if _, err := tx.NewCreateTable().Model(model).Exec(ctx); err != nil {
		return err
	}
	const columns = "id, name, role, scheme_code, unit_code, lookup, hash, created_at, last_used_at, revoked_at"
	for _, q := range append([]string{
		"INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM tokens",
		"DROP TABLE tokens",
		"ALTER TABLE " + table + " RENAME TO tokens",
		"CREATE INDEX IF NOT EXISTS tokens_lookup_idx ON tokens (lookup)",
	}, indexes...) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// uniqueTokenNames goes back to names unique among all tokens; it fails while a revoked
// token's name is in use again.
func uniqueTokenNames(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "DROP INDEX IF EXISTS tokens_live_name_idx"); err != nil {
		return err
	}
	if tx.Dialect().Name() == dialect.PG {
		_, err := tx.ExecContext(ctx, "ALTER TABLE tokens ADD CONSTRAINT tokens_name_key UNIQUE (name)")
		return err
	}
	return rebuildTokens(ctx, tx, (*v2TokenAgain)(nil), "tokens_v2")
}
