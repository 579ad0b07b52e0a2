package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// importWho is recorded in the value history as the author of a CLI import.
const importWho = "cli"

// runImport runs `rubric import CODE FILE [-layer self] [-dry-run] [-reason TEXT]`: it reads a filled-in
// template (XLSX or CSV) into one layer of a scheme, all or nothing, as POST /values/import
// does, and prints each change (unit metric: old → new). A file with problems prints every
// one as FILE:row:column: unit metric: message and fails (exit 1), saving nothing.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("import", stderr)
	db := dbFlag(fs, getenv)
	layer := layerFlag(fs)
	dryRun := fs.Bool("dry-run", false, "save nothing: print what would change")
	reason := fs.String("reason", "", "why the values change (needed once the scheme has published results)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usageError("import needs a scheme code and a file: rubric import CODE FILE [-layer self] [-dry-run]")
	}
	code, file := rest[0], rest[1]
	if err := checkLayer(*layer); err != nil {
		return err
	}
	limit, err := importLimit(getenv)
	if err != nil {
		return err
	}
	data, err := readLimited(file, limit)
	if err != nil {
		return err
	}
	store, err := schema.OpenWith(ctx, *db, schema.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer store.Close()
	if *reason != "" {
		ctx = schema.WithReason(ctx, *reason)
	}
	res, err := server.ImportValues(ctx, store, code, *layer, data, filepath.Base(file), "", *dryRun, importWho)
	var ie *exchange.ImportError
	if errors.As(err, &ie) {
		for _, p := range ie.In(langOf(stderr)).Problems {
			fmt.Fprintln(stderr, problemLine(file, p))
		}
		if len(ie.Problems) == 1 {
			return &exitError{code: 1, err: errorf("%s: 1 problem, nothing saved", file)}
		}
		return &exitError{code: 1, err: errorf("%s: %d problems, nothing saved", file, len(ie.Problems))}
	}
	if err != nil {
		return err
	}
	for _, c := range res.Changes {
		fmt.Fprintf(stdout, "%s %s: %s → %s\n", c.Unit, c.Metric, valueText(langOf(stdout), c.Old), valueText(langOf(stdout), c.New))
	}
	outcome := i18n.M("saved")
	if *dryRun {
		outcome = i18n.M("dry run, nothing saved")
	}
	say(stdout, "%s: %d units, %d values: %d changed, %d unchanged (%s layer of %s; %s)\n",
		file, res.Units, res.Values, res.Changed, res.Unchanged, layerName(res.Layer), code, outcome)
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(file string, limit int) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > int64(limit) {
		return nil, errorf("%s is larger than the import limit of %d bytes (RUBRIC_IMPORT_LIMIT)", file, limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, errorf("%s is larger than the import limit of %d bytes (RUBRIC_IMPORT_LIMIT)", file, limit)
	}
	return data, nil
}

// problemLine is one problem of an imported file as FILE:row:column: unit metric: message;
// the parts that do not apply are left out (FILE: message for the whole file).
func problemLine(file string, p exchange.Problem) string {
	where := file
	if p.Row > 0 {
		where += ":" + strconv.Itoa(p.Row)
		if p.Column != "" {
			where += ":" + p.Column
		}
	}
	var what []string
	for _, s := range []string{p.Unit, p.Metric} {
		if s != "" {
			what = append(what, s)
		}
	}
	if len(what) == 0 {
		return where + ": " + p.Message
	}
	return where + ": " + strings.Join(what, " ") + ": " + p.Message
}

// valueText writes a value for people in l: none for no value.
func valueText(l i18n.Lang, v any) string {
	switch x := v.(type) {
	case nil:
		return i18n.Sprintf(l, "(none)")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}
