package main

import (
	"flag"
	"io"
	"regexp"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
)

// newFlags is the flag set of a subcommand ("export", "token create"): its -h prints the
// subcommand's synopsis from usage, positional arguments included, then its flags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		l := langOf(stderr)
		say(stderr, "Usage:\n%s\n", synopsis(l, name))
		// The flags' descriptions are English formats of the catalogue, written in l.
		fs.VisitAll(func(f *flag.Flag) { f.Usage = i18n.Sprintf(l, f.Usage) })
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
		if flags.Len() > 0 {
			text := flags.String()
			if l == i18n.ZH {
				text = flagDefault.ReplaceAllString(text, "（默认 $1）")
			}
			say(stderr, "\nFlags:\n%s", text)
		}
	}
	return fs
}

// flagDefault is the flag package's English note of a flag's default value.
var flagDefault = regexp.MustCompile(`(?m) \(default (.*)\)$`)

// spaces separates a synopsis in usage from its description.
var spaces = regexp.MustCompile(`\s{3,}`)

// synopsis is the lines of usage in l that show how to call the subcommand name, with their
// descriptions.
func synopsis(l i18n.Lang, name string) string {
	var out []string
	lines := strings.Split(usageIn(l), "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(l, "  rubric "+name)
		if !ok || (rest != "" && rest[0] != ' ') {
			continue
		}
		out = append(out, l)
		if !spaces.MatchString(strings.TrimSpace(l)) && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "      ") {
			out = append(out, lines[i+1]) // the description on a line of its own
		}
	}
	if len(out) == 0 {
		return "  rubric " + name
	}
	return strings.Join(out, "\n")
}

// wantsHelp reports whether args ask for help (-h, -help, --help) before anything else.
func wantsHelp(args []string) bool {
	return len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help")
}
