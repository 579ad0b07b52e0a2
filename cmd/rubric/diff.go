package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rubric-dev/rubric/exchange"
	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// runDiff runs `rubric diff CODE A B [-layer L] [-format text|json|csv|xlsx] [-o FILE]`: what
// changed between publication A and publication B (or live), as GET …/publications/{a}/diff/{b}.
func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("diff", stderr)
	db := dbFlag(fs, getenv)
	layer := fs.String("layer", "", "the layer of a live side (default: that of publication A)")
	format := fs.String("format", "", "text, json, csv or xlsx (default: the extension of -o, else text)")
	out := fs.String("o", "", "the `FILE` to write (default stdout)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 3 {
		return usageError("diff needs a scheme code and two publications: rubric diff CODE A B (B may be live)")
	}
	if *layer != "" {
		if err := checkLayer(*layer); err != nil {
			return err
		}
	}
	f, err := formatOf(*format, *out, "text", "text", "json", "csv", "xlsx")
	if err != nil {
		return err
	}
	store, err := schema.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	d, err := store.Diff(ctx, rest[0], rest[1], rest[2], *layer)
	if err != nil {
		return err
	}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		switch f {
		case "csv":
			return exchange.WriteDiffCSV(w, d, langOf(stdout))
		case "xlsx":
			return exchange.WriteDiffXLSX(w, d, langOf(stdout))
		case "json":
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			return enc.Encode(d)
		}
		return writeDiffText(w, d, langOf(stdout))
	})
}

// writeDiffText writes a diff for a terminal: one line per unit that moved, largest change
// first, with its changed cells, then the values and the rule changes that caused it.
func writeDiffText(w io.Writer, d *schema.Diff, l i18n.Lang) error {
	side := func(s schema.DiffSide) string {
		if s.Publication == 0 {
			return i18n.Sprintf(l, "live %s (revision %d)", layerName(s.Layer), s.Revision)
		}
		return i18n.Sprintf(l, "publication %d (%s, revision %d)", s.Publication, layerName(s.Layer), s.Revision)
	}
	var sb strings.Builder
	b := &langWriter{Writer: &sb, lang: l}
	say(b, "%s: %s → %s: %d units moved, %d unchanged\n", d.Scheme, side(d.From), side(d.To), len(d.Units), d.Unchanged)
	for _, u := range d.Units {
		say(b, "  %s %s: total %s → %s", u.Unit, u.Name, numText(u.OldTotal), numText(u.NewTotal))
		if u.Delta != nil {
			fmt.Fprintf(b, " (%+g)", *u.Delta)
		}
		if !same(u.OldGrade, u.NewGrade) {
			say(b, ", grade %s → %s", text(u.OldGrade), text(u.NewGrade))
		}
		if !same(u.OldRank, u.NewRank) {
			say(b, ", rank %s → %s", numText(u.OldRank), numText(u.NewRank))
		}
		fmt.Fprintln(b)
		for _, c := range u.Cells {
			fmt.Fprintf(b, "      %s %s: %v → %v\n", c.Code, c.Title, cell(c.Old), cell(c.New))
		}
	}
	if len(d.Values) > 0 {
		say(b, "values:\n")
		for _, v := range d.Values {
			say(b, "  %s %s: %v → %v by %s (%s)\n", v.Unit, v.Metric, cell(v.Old), cell(v.New), v.Who, v.Reason)
		}
	}
	if len(d.Formulas) > 0 {
		say(b, "rules:\n")
		for _, f := range d.Formulas {
			old, _ := json.Marshal(f.Old)
			new, _ := json.Marshal(f.New)
			say(b, "  revision %d %s %s %s: %s → %s by %s (%s)\n", f.Revision, f.Kind, f.Target, f.Action, old, new, f.Who, f.Reason)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func numText[T int | float64](p *T) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprint(*p)
}

func text(p *string) string {
	if p == nil {
		return "–"
	}
	return *p
}

func same[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func cell(v any) any {
	if v == nil {
		return "–"
	}
	return v
}
