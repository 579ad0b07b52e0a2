package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/rubric-dev/rubric/schema"
	"github.com/rubric-dev/rubric/server"
)

// version is the version of the build, set with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// exitError is an error with the process exit code it calls for.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// usageError is a command line that cannot be run (exit code 2).
func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: errorf(format, args...)}
}

const usage = `rubric scores performance assessments.

Usage:
  rubric serve [-addr ADDR] [-db DB] [-no-seed] [-import-limit SIZE]
                                                  serve the API (env RUBRIC_ADDR, RUBRIC_DB, RUBRIC_LOG, RUBRIC_IMPORT_LIMIT)
  rubric check FILE.yaml...                       validate scheme documents offline
  rubric seed [-db DB] [-reset CODE]              load the built-in seed schemes
  rubric migrate [up|status] [-db DB]             apply the database migrations, or list them
  rubric template CODE [-format xlsx|csv] [-layer self] -o FILE
                                                  write the fill-in template, with the stored values
  rubric import CODE FILE [-layer self] [-dry-run]
                                                  import a filled-in template (XLSX or CSV), all or nothing
  rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE
                                                  write the evaluated sheet
  rubric publish CODE [-layer final] [-title T] -m MESSAGE
                                                  publish a layer's results: frozen, numbered, with a SHA-256
  rubric diff CODE A B [-format text|json|csv|xlsx] [-o FILE]
                                                  what changed between publications A and B (B may be live), and why
  rubric token create --name N --role admin|assessor|viewer|unit [--scheme S] [--unit U]
                                                  create an API token and print its secret once
  rubric token list                               list the tokens (never their secrets)
  rubric token revoke NAME                        revoke a token
  rubric backup FILE                              copy the SQLite database, online, to a new FILE
  rubric version                                  print the version

template, import, export, publish, diff, token and backup work on the database serve uses (-db, env RUBRIC_DB).
Global flag: -lang zh-CN|en (env RUBRIC_LANG): messages in Chinese, the default, or English.
`

// run runs one command line and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	lang, args, err := cmdLang(args, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "rubric:", errorIn(err, lang))
		return 2
	}
	stdout, stderr = &langWriter{Writer: stdout, lang: lang}, &langWriter{Writer: stderr, lang: lang}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageIn(lang))
		return 2
	}
	switch args[0] {
	case "serve":
		err = runServe(ctx, args[1:], stderr, getenv)
	case "check":
		err = runCheck(args[1:], stdout, stderr)
	case "seed":
		err = runSeed(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		err = runMigrate(ctx, args[1:], stdout, stderr, getenv)
	case "template":
		err = runTemplate(ctx, args[1:], stdout, stderr, getenv)
	case "import":
		err = runImport(ctx, args[1:], stdout, stderr, getenv)
	case "export":
		err = runExport(ctx, args[1:], stdout, stderr, getenv)
	case "publish":
		err = runPublish(ctx, args[1:], stdout, stderr, getenv)
	case "diff":
		err = runDiff(ctx, args[1:], stdout, stderr, getenv)
	case "token":
		err = runToken(ctx, args[1:], stdout, stderr, getenv)
	case "backup":
		err = runBackup(ctx, args[1:], stdout, stderr, getenv)
	case "version", "-version", "--version":
		err = runVersion(stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageIn(lang))
	default:
		err = usageError("unknown command %q\n\n%s", args[0], usageIn(lang))
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.err.Error() != "" {
			fmt.Fprintln(stderr, "rubric:", redactSecrets(errorIn(ee.err, lang)))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "rubric:", redactSecrets(errorIn(err, lang)))
	return 1
}

// packagePrefix is the "schema: " or "exchange: " a package puts before its errors: it names
// code, not the problem, so the command leaves it out.
var packagePrefix = regexp.MustCompile(`(^|: )(schema|exchange|formulas|server|i18n): `)

// stripPackages is msg without package prefixes.
func stripPackages(msg string) string {
	for {
		out := packagePrefix.ReplaceAllString(msg, "$1")
		if out == msg {
			return msg
		}
		msg = out
	}
}

// envOr is the value of an environment variable, or def when it is unset or empty.
func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// envInt is the value of a whole-number environment variable, or def when it is unset, empty
// or not a number (the flag's check then reports the default it falls back to).
func envInt(getenv func(string) string, name string, def int) int {
	if n, err := strconv.Atoi(getenv(name)); err == nil {
		return n
	}
	return def
}

// newLogger writes to w as text or, with format "json", as JSON lines.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: redactAttr})), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: redactAttr})), nil
	}
	return nil, usageError("log format %q: use text or json", format)
}

// dbFlag defines the -db flag of a subcommand that opens the database.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("db", envOr(getenv, "RUBRIC_DB", schema.DefaultDSN), "SQLite file or postgres:// URL (env RUBRIC_DB)")
}

// layerFlag defines the -layer flag: final (the assessor's values) or self (自评).
func layerFlag(fs *flag.FlagSet) *string {
	return fs.String("layer", schema.LayerFinal, "the layer of values: final or self")
}

// checkLayer is a usage error unless layer is final or self.
func checkLayer(layer string) error {
	if layer != schema.LayerFinal && layer != schema.LayerSelf {
		return usageError("layer %q: use final or self", layer)
	}
	return nil
}

// parseArgs parses a subcommand's flags wherever they are among its arguments (rubric export
// CODE -o FILE as well as rubric export -o FILE CODE) and returns the other arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := parseFlags(fs, args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			// parseFlags has printed the error and the usage.
			return nil, &exitError{code: 2, err: errors.New("")}
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// formatOf is the format a subcommand writes: the -format flag, else the extension of the
// output file, else def. It must be one of allowed.
func formatOf(flagged, file, def string, allowed ...string) (string, error) {
	format := flagged
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(file)), ".")
	}
	if format == "" || (flagged == "" && !slices.Contains(allowed, format)) {
		format = def
	}
	if !slices.Contains(allowed, format) {
		return "", usageError("format %q: use %s", format, strings.Join(allowed, ", "))
	}
	return format, nil
}

// writeOutput writes what write produces to file, or to stdout when file is "" or "-". A file
// is written whole or not at all: to a temporary file first, renamed when complete.
func writeOutput(file string, stdout io.Writer, write func(io.Writer) error) error {
	if file == "" || file == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// parseSize reads a size in bytes: a whole number, optionally with a unit K, M or G (or KB,
// MB, GB; powers of 1024).
func parseSize(s string) (int, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "B")
	mult := 1
	switch {
	case strings.HasSuffix(t, "K"):
		mult, t = 1<<10, strings.TrimSuffix(t, "K")
	case strings.HasSuffix(t, "M"):
		mult, t = 1<<20, strings.TrimSuffix(t, "M")
	case strings.HasSuffix(t, "G"):
		mult, t = 1<<30, strings.TrimSuffix(t, "G")
	}
	n, err := strconv.Atoi(strings.TrimSpace(t))
	if err != nil || n <= 0 || n > math.MaxInt32/mult {
		return 0, usageError("size %q: give a number of bytes, such as 20971520 or 20MB", s)
	}
	return n * mult, nil
}

// importLimit is the import limit of the environment (RUBRIC_IMPORT_LIMIT), or the default.
func importLimit(getenv func(string) string) (int, error) {
	s := getenv("RUBRIC_IMPORT_LIMIT")
	if s == "" {
		return server.DefaultImportLimit, nil
	}
	return parseSize(s)
}
