package schema

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// The migration publications (issue 12): frozen results. A row holds everything a publication
// is — the scheme document at its revision with the roster, every value of the layer with its
// note, the evaluated sheet — as JSON text, and the SHA-256 of its canonical content. No
// foreign key (a publication outlives any change of its scheme) and, like the history tables,
// triggers that refuse every UPDATE and DELETE, whoever sends it.
func migrationPublications() migrate.Migration {
	return migrate.Migration{Name: "20261203001201", Comment: "publications",
		Up: txMigration(createPublications), Down: txMigration(dropPublications)}
}

// v4Publication is publications as the migration creates it; it never changes.
type v4Publication struct {
	bun.BaseModel `bun:"table:publications"`
	SchemeCode    string    `bun:"scheme_code,pk"`
	Number        int       `bun:"number,pk"`
	Layer         string    `bun:"layer,notnull"`
	Title         string    `bun:"title,notnull"`
	Message       string    `bun:"message,type:text,notnull"`
	Revision      int       `bun:"revision,notnull"`
	DataVersion   int64     `bun:"data_version,notnull"`
	Who           string    `bun:"who,notnull"`
	CreatedAt     time.Time `bun:"created_at,notnull"`
	Hash          string    `bun:"hash,notnull"`
	Document      string    `bun:"document,type:text,notnull"`
	Values        string    `bun:"input_values,type:text,notnull"`
	Sheet         string    `bun:"sheet,type:text,notnull"`
}

func createPublications(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.NewCreateTable().Model((*v4Publication)(nil)).IfNotExists().Exec(ctx); err != nil {
		return err
	}
	return appendOnlyTriggers(ctx, tx, "publications")
}

func dropPublications(ctx context.Context, tx bun.Tx) error {
	_, err := tx.NewDropTable().Model((*v4Publication)(nil)).IfExists().Exec(ctx)
	return err
}
