package main

import (
	"context"
	"io"
	"time"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// runTemplate runs `rubric template CODE [-format xlsx|csv] [-layer self] -o FILE`: it
// writes the fill-in template of a scheme with the layer's stored values, as GET /template
// would answer it. The format is -format, else the extension of FILE, else xlsx; without -o
// the template goes to stdout.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("template", stderr)
	db := dbFlag(fs, getenv)
	format := fs.String("format", "", "xlsx or csv (default: the extension of -o, else xlsx)")
	layer := layerFlag(fs)
	out := fs.String("o", "", "the `FILE` to write (default stdout)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("template needs a scheme code: rubric template CODE [-format xlsx|csv] [-layer self] -o FILE")
	}
	code := rest[0]
	if err := checkLayer(*layer); err != nil {
		return err
	}
	f, err := formatOf(*format, *out, "xlsx", "xlsx", "csv")
	if err != nil {
		return err
	}
	store, err := schema.OpenWith(ctx, *db, schema.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer store.Close()
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		return server.WriteTemplate(ctx, store, w, code, *layer, f, time.Now(), langOf(stdout))
	})
	if err != nil {
		return err
	}
	if *out != "" && *out != "-" {
		say(stdout, "wrote the %s template of %s to %s\n", layerName(*layer), code, *out)
	}
	return nil
}
