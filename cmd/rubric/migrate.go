package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// runMigrate runs `rubric migrate [up|status]` on the database of -db or RUBRIC_DB: up (the
// default) applies the pending migrations, once even when several processes run it at the
// same moment; status lists every migration, applied or pending, and changes nothing.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("migrate", stderr)
	db := fs.String("db", envOr(getenv, "RUBRIC_DB", schema.DefaultDSN), "SQLite file or postgres:// URL (env RUBRIC_DB)")
	if err := parseFlags(fs, args); err != nil {
		return flagsFailed(err)
	}
	action := "up"
	if fs.NArg() > 0 { // the action, and flags after it: rubric migrate status -db …
		action = fs.Arg(0)
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return flagsFailed(err)
		}
		if fs.NArg() > 0 {
			return usageError("migrate takes one action, up or status, got %q", append([]string{action}, fs.Args()...))
		}
	}
	switch action {
	case "up":
		return migrateUp(ctx, *db, stdout)
	case "status":
		return migrateStatus(ctx, *db, stdout)
	}
	return usageError("migrate: unknown action %q: use up or status", action)
}

// migrateUp applies the pending migrations and says which it applied.
func migrateUp(ctx context.Context, dsn string, stdout io.Writer) error {
	before, err := schema.Migrations(ctx, dsn)
	if err != nil && schema.ErrorKind(err) != schema.NotFound { // NotFound: a new SQLite file
		return err
	}
	applied := map[string]bool{}
	for _, m := range before {
		applied[m.Name] = m.Applied
	}
	store, err := schema.Open(ctx, dsn) // migrates, under the migration lock on PostgreSQL
	if err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}
	after, err := schema.Migrations(ctx, dsn)
	if err != nil {
		return err
	}
	say(stdout, "database %s\n", redact(dsn))
	n := 0
	for _, m := range after {
		if m.Applied && !m.Unknown && !applied[m.Name] {
			say(stdout, "applied %s %s\n", m.Name, m.Comment)
			n++
		}
	}
	if n == 0 {
		say(stdout, "nothing to apply: the database is up to date\n")
	}
	warnUnknown(stdout, after)
	return nil
}

// migrateStatus lists every migration and whether the database has it.
func migrateStatus(ctx context.Context, dsn string, stdout io.Writer) error {
	ms, err := schema.Migrations(ctx, dsn)
	if err != nil {
		return err
	}
	say(stdout, "database %s\n", redact(dsn))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	pending := 0
	for _, m := range ms {
		l := langOf(stdout)
		state := i18n.Sprintf(l, "pending")
		switch {
		case m.Unknown:
			state = i18n.Sprintf(l, "applied %s (group %d) by a newer rubric", m.AppliedAt.Format("2006-01-02 15:04:05Z07:00"), m.Group)
		case m.Applied:
			state = i18n.Sprintf(l, "applied %s (group %d)", m.AppliedAt.Format("2006-01-02 15:04:05Z07:00"), m.Group)
		default:
			pending++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, m.Comment, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pending > 0 {
		say(stdout, "%d pending: run rubric migrate up (rubric serve also applies them when it starts)\n", pending)
	} else {
		say(stdout, "up to date\n")
	}
	warnUnknown(stdout, ms)
	return nil
}

// warnUnknown says so when a newer rubric has migrated the database.
func warnUnknown(w io.Writer, ms []schema.MigrationStatus) {
	for _, m := range ms {
		if m.Unknown {
			say(w, "warning: a newer rubric has migrated this database; run that version\n")
			return
		}
	}
}
