package main

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/seeds"
)

// seedWho is recorded as the author of seed schemes.
const seedWho = "seed"

// seedDoc is one embedded seed document.
type seedDoc struct {
	file string
	doc  *schema.Document
}

// seedDocuments decodes every embedded seed document.
func seedDocuments() ([]seedDoc, error) {
	var out []seedDoc
	for _, name := range seeds.Names() {
		data, err := seeds.Read(name)
		if err != nil {
			return nil, errorf("read seed %s: %v", name, err)
		}
		doc, err := schema.DecodeYAML(bytes.NewReader(data))
		if err != nil {
			return nil, errorf("seed %s: %v", name, err)
		}
		out = append(out, seedDoc{file: name, doc: doc})
	}
	return out, nil
}

// seedFirstStart loads every seed scheme into a database that has no scheme yet, and does
// nothing otherwise: a second start changes nothing, and a seed scheme an administrator
// deleted stays deleted.
func seedFirstStart(ctx context.Context, store *schema.Store) ([]string, error) {
	_, total, err := store.ListSchemes(ctx, schema.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if total > 0 {
		return nil, nil
	}
	return createMissingSeeds(ctx, store)
}

// createMissingSeeds creates every seed scheme the store does not have and returns their codes.
func createMissingSeeds(ctx context.Context, store *schema.Store) ([]string, error) {
	docs, err := seedDocuments()
	if err != nil {
		return nil, err
	}
	var created []string
	for _, s := range docs {
		_, _, err := store.Version(ctx, s.doc.Code)
		switch schema.ErrorKind(err) {
		case "":
			continue // there already
		case schema.NotFound:
		default:
			return created, err
		}
		_, _, err = store.CreateScheme(ctx, s.doc, seedWho, "seed "+s.file)
		switch schema.ErrorKind(err) {
		case "":
			created = append(created, s.doc.Code)
		case schema.Conflict:
			// Another process created it meanwhile.
		default:
			return created, errorf("seed %s: %v", s.file, err)
		}
	}
	return created, nil
}

// resetSeed deletes a seed scheme (with its revisions, values and history) and creates it again
// from the embedded document with its example data.
func resetSeed(ctx context.Context, store *schema.Store, code string) error {
	docs, err := seedDocuments()
	if err != nil {
		return err
	}
	var codes []string
	for _, s := range docs {
		codes = append(codes, s.doc.Code)
		if s.doc.Code != code {
			continue
		}
		// Validate first, so that a reset never deletes a scheme it cannot create again.
		if _, err := schema.Validate(s.doc); err != nil {
			return errorf("seed %s: %v", s.file, err)
		}
		if err := store.DeleteScheme(ctx, code); err != nil && schema.ErrorKind(err) != schema.NotFound {
			return err
		}
		if _, _, err := store.CreateScheme(ctx, s.doc, seedWho, "reset to seed "+s.file); err != nil {
			return errorf("seed %s: %v", s.file, err)
		}
		return nil
	}
	return usageError("%q is not a seed scheme; the seeds are: %s", code, strings.Join(codes, ", "))
}

// runSeed runs `rubric seed`: create the missing seed schemes, or reset one.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("seed", stderr)
	db := fs.String("db", envOr(getenv, "RUBRIC_DB", schema.DefaultDSN), "SQLite file or postgres:// URL (env RUBRIC_DB)")
	reset := fs.String("reset", "", "delete the seed scheme `CODE` with its data and load it again")
	if err := parseFlags(fs, args); err != nil {
		return flagsFailed(err)
	}
	if fs.NArg() > 0 {
		return usageError("seed takes no arguments, got %q", fs.Args())
	}
	store, err := schema.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *reset != "" {
		if err := resetSeed(ctx, store, *reset); err != nil {
			return err
		}
		say(stdout, "reset %s\n", *reset)
		return nil
	}
	created, err := createMissingSeeds(ctx, store)
	for _, code := range created {
		say(stdout, "created %s\n", code)
	}
	if err != nil {
		return err
	}
	if len(created) == 0 {
		say(stdout, "every seed scheme is there already\n")
	}
	return nil
}
