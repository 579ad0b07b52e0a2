package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// The migration layer_windows (issue 12): whether each layer of a scheme is open for entry.
// A layer without a row is open with no deadline. closes_at keeps the deadline as the
// administrator wrote it, an RFC 3339 time with its zone, so that it reads back in the office's
// own time; closed_at is when an administrator closed it. The rows go with their scheme.
func migrationLayerWindows() migrate.Migration {
	return migrate.Migration{Name: "20261203001200", Comment: "layer_windows",
		Up: txMigration(createLayerWindows), Down: txMigration(dropLayerWindows)}
}

// v3Window is layer_windows as the migration creates it; it never changes.
type v3Window struct {
	bun.BaseModel `bun:"table:layer_windows"`
	SchemeCode    string     `bun:"scheme_code,pk"`
	Layer         string     `bun:"layer,pk"`
	Closed        bool       `bun:"closed,notnull"`
	ClosesAt      *string    `bun:"closes_at"`
	ClosedAt      *time.Time `bun:"closed_at"`
	Who           string     `bun:"who,notnull"`
	Reason        string     `bun:"reason,type:text,notnull"`
	UpdatedAt     time.Time  `bun:"updated_at,notnull"`
}

func createLayerWindows(ctx context.Context, tx bun.Tx) error {
	_, err := tx.NewCreateTable().Model((*v3Window)(nil)).IfNotExists().
		ForeignKey(`("scheme_code") REFERENCES "schemes" ("code") ON DELETE CASCADE`).Exec(ctx)
	return err
}

func dropLayerWindows(ctx context.Context, tx bun.Tx) error {
	_, err := tx.NewDropTable().Model((*v3Window)(nil)).IfExists().Exec(ctx)
	return err
}
