package main

import (
	"context"
	"io"
	"time"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// runExport runs `rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE`: it
// evaluates one layer of a scheme and writes the sheet as GET /results would answer it. The
// format is -format, else the extension of FILE, else json; without -o the sheet goes to
// stdout.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("export", stderr)
	db := dbFlag(fs, getenv)
	format := fs.String("format", "", "xlsx, csv or json (default: the extension of -o, else json)")
	layer := layerFlag(fs)
	out := fs.String("o", "", "the `FILE` to write (default stdout)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("export needs a scheme code: rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE")
	}
	code := rest[0]
	if err := checkLayer(*layer); err != nil {
		return err
	}
	f, err := formatOf(*format, *out, "json", "xlsx", "csv", "json")
	if err != nil {
		return err
	}
	store, err := schema.OpenWith(ctx, *db, schema.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer store.Close()
	lang := langOf(stdout) // a workbook's labels in the command's language
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		return server.ExportResults(ctx, store, w, code, *layer, f, time.Now(), lang)
	})
	if err != nil {
		return err
	}
	if *out != "" && *out != "-" {
		say(stdout, "exported the %s sheet of %s to %s\n", layerName(*layer), code, *out)
	}
	return nil
}
