package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// newFlags is the flag set of a subcommand ("export", "token create"): its -h prints the
// subcommand's synopsis from usage, positional arguments included, then its flags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage:\n%s\n", synopsis(name))
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
		if flags.Len() > 0 {
			fmt.Fprintf(stderr, "\nFlags:\n%s", flags.String())
		}
	}
	return fs
}

// spaces separates a synopsis in usage from its description.
var spaces = regexp.MustCompile(`\s{3,}`)

// synopsis is the lines of usage that show how to call the subcommand name, with their
// descriptions.
func synopsis(name string) string {
	var out []string
	lines := strings.Split(usage, "\n")
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
