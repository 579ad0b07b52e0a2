package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// The command writes what a clerk reads (its errors, status lines, warnings and help) in the
// language of -lang, else of RUBRIC_LANG, else Chinese (zh-CN). LANG and LC_ALL are not
// read: the servers and office PCs rubric runs on often have LANG=en_US.UTF-8 (or C.UTF-8)
// from the installer whatever their users read, so honouring it would turn a Chinese
// office's messages English without anyone asking for it. English is asked for explicitly.

// cmdLang is the language of a command line: -lang (taken out of args, anywhere before a
// "--"), else RUBRIC_LANG, else zh-CN. It returns the other arguments. An unknown language
// is an error written in the language of RUBRIC_LANG, else in Chinese.
func cmdLang(args []string, getenv func(string) string) (i18n.Lang, []string, error) {
	value, found := getenv("RUBRIC_LANG"), false
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, v, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return i18n.Parse(getenv("RUBRIC_LANG")), nil, usageError("-lang needs a language: zh-CN or en")
			}
			i++
			v = args[i]
		}
		value, found = v, true
	}
	if value != "" && !knownLang(value) {
		what := "RUBRIC_LANG"
		if found {
			what = "-lang"
		}
		return i18n.Parse(getenv("RUBRIC_LANG")), nil, usageError("%s %q: use zh-CN or en", what, value)
	}
	return i18n.Parse(strings.ReplaceAll(value, "_", "-")), rest, nil // en_US as en-US
}

// knownLang reports whether s names a language the command writes (zh, zh-CN, en, en-US…).
func knownLang(s string) bool {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	base, _, _ = strings.Cut(base, "_")
	return base == "zh" || base == "en"
}

// langWriter is stdout or stderr of a command line with the language its texts are written in,
// so that every part of the command that prints finds the language where it prints.
type langWriter struct {
	io.Writer
	lang i18n.Lang
}

// langOf is the language of the texts written to w: zh-CN unless w is a langWriter.
func langOf(w io.Writer) i18n.Lang {
	if lw, ok := w.(*langWriter); ok {
		return lw.lang
	}
	return i18n.ZH
}

// say writes a text of the catalogue to w in w's language.
func say(w io.Writer, format string, args ...any) {
	fmt.Fprint(w, i18n.Sprintf(langOf(w), format, args...))
}

// msgError is an error whose text is a message of the catalogue, written in the command's
// language when printed; an error among its arguments is its cause (errors.Is, errors.As).
type msgError struct {
	msg i18n.Message
}

// errorf is an error of the catalogue: format is its English text.
func errorf(format string, args ...any) error {
	return &msgError{msg: i18n.M(format, args...)}
}

func (e *msgError) Error() string { return e.text(i18n.EN) }

// Unwrap is the first error among the message's arguments.
func (e *msgError) Unwrap() error {
	for _, a := range e.msg.Args {
		if err, ok := a.(error); ok {
			return err
		}
	}
	return nil
}

// text is the message in l, every error among its arguments written as errorText does.
func (e *msgError) text(l i18n.Lang) string {
	args := make([]any, len(e.msg.Args))
	for i, a := range e.msg.Args {
		if err, ok := a.(error); ok {
			a = errorIn(err, l)
		}
		args[i] = a
	}
	return i18n.Sprintf(l, e.msg.Format, args...)
}

// kindTitle is the heading of an error a user caused, by its kind: what the API's problem
// title says, in the command's language, before the error's own (English) text.
var kindTitle = map[schema.Kind]string{
	schema.Invalid:      "invalid",
	schema.NotFound:     "not found",
	schema.Conflict:     "conflict",
	schema.Stale:        "changed meanwhile",
	schema.Unauthorized: "not authenticated",
	schema.Forbidden:    "not allowed",
	schema.TooLarge:     "too large",
	schema.Unavailable:  "unavailable, try again",
}

// errorIn is err as the command prints it in l: a message of the catalogue in l; the message
// of a *schema.Error a user caused, headed in Chinese by its kind; else the error's text;
// always without package prefixes.
func errorIn(err error, l i18n.Lang) string {
	var me *msgError
	var se *schema.Error
	var msg string
	if ee, ok := err.(*exitError); ok && ee.err != nil {
		err = ee.err
	}
	switch {
	case errors.As(err, &me) && me == err:
		msg = me.text(l)
	case errors.As(err, &se) && se.Kind != schema.Internal:
		msg = se.Message
		if t, ok := kindTitle[se.Kind]; ok && l == i18n.ZH {
			msg = i18n.Sprintf(l, t) + "：" + msg
		}
	default:
		msg = err.Error()
	}
	return stripPackages(msg)
}

// errorText is err as the command prints it in English.
func errorText(err error) string { return errorIn(err, i18n.EN) }

// layerName is a layer of values as a clerk reads it: final (the assessor's values, 考核) or
// self (the unit's self-assessment, 自评).
func layerName(layer string) i18n.Message {
	switch layer {
	case schema.LayerFinal:
		return i18n.M("final")
	case schema.LayerSelf:
		return i18n.M("self")
	}
	return i18n.M("%s", layer)
}

// parseFlags is fs.Parse(args) with the flag package's error written in the command's
// language (the flag package writes it in English) before the usage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(out, flagErrorIn(err, langOf(out)))
	}
	if err != nil {
		usage()
	}
	return err
}

// flagErrors are the errors of the flag package, as patterns, and their messages.
var flagErrors = []struct {
	re     *regexp.Regexp
	format string
}{
	{regexp.MustCompile(`^flag provided but not defined: (.*)$`), "flag provided but not defined: %s"},
	{regexp.MustCompile(`^flag needs an argument: (.*)$`), "flag needs an argument: %s"},
	{regexp.MustCompile(`^invalid (?:boolean )?value (".*") for flag (\S+): (.*)$`), "invalid value %s for flag %s: %s"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "bad flag syntax: %s"},
}

// flagErrorIn is an error of the flag package in l.
func flagErrorIn(err error, l i18n.Lang) string {
	for _, fe := range flagErrors {
		if m := fe.re.FindStringSubmatch(err.Error()); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return i18n.Sprintf(l, fe.format, args...)
		}
	}
	return err.Error()
}

// flagsFailed is what a subcommand returns when parseFlags fails: flag.ErrHelp for -h (exit 0),
// else a usage error already printed (exit 2).
func flagsFailed(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &exitError{code: 2, err: errors.New("")}
}
