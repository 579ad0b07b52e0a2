package schema

import (
	"context"
	"os"
	"testing"

	"github.com/rubric-dev/rubric/schema/internal/testdb"
)

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	want := migrations().Sorted()
	forEachEngine(t, func(t *testing.T, e testdb.Engine) {
		dsn := testdb.DSN(t, e)
		if e == testdb.SQLite {
			t.Run("ErrNoFile", func(t *testing.T) {
				_, err := Migrations(ctx, dsn)
				checkError(t, err, NotFound, "no database file "+dsn+" (check -db or RUBRIC_DB)")
				if _, err := os.Stat(dsn); err == nil {
					t.Error("Migrations created the file")
				}
			})
			f, err := os.Create(dsn) // an empty file: a database with nothing in it yet
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		t.Run("OKPending", func(t *testing.T) {
			got, err := Migrations(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d migrations, want %d", len(got), len(want))
			}
			for i, m := range got {
				if m.Name != want[i].Name || m.Comment != want[i].Comment || m.Applied || m.Unknown || !m.AppliedAt.IsZero() {
					t.Errorf("migration %d = %+v, want %s pending", i, m, want[i].Name)
				}
			}
			got, _ = Migrations(ctx, dsn)
			if len(got) != len(want) || got[0].Applied {
				t.Errorf("looking changed the database: %+v", got)
			}
		})
		t.Run("OKApplied", func(t *testing.T) {
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got, err := Migrations(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range got {
				if m.Name != want[i].Name || !m.Applied || m.Group != 1 || m.AppliedAt.IsZero() || m.Unknown {
					t.Errorf("migration %d = %+v, want %s applied in group 1", i, m, want[i].Name)
				}
			}
			// A migration of a newer rubric.
			if _, err := s.wdb.ExecContext(ctx, "INSERT INTO bun_migrations (name, group_id) VALUES ('29991231000001', 2)"); err != nil {
				t.Fatal(err)
			}
			got, err = Migrations(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want)+1 {
				t.Fatalf("%d migrations, want %d", len(got), len(want)+1)
			}
			if last := got[len(got)-1]; last.Name != "29991231000001" || !last.Unknown || !last.Applied || last.Group != 2 {
				t.Errorf("unknown migration = %+v", last)
			}
		})
	})
}
