package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/rubric-dev/rubric/i18n"
	"github.com/rubric-dev/rubric/schema"
)

// tokenWho is recorded in the audit history as the author of the token changes made with
// `rubric token`.
const tokenWho = "cli"

// runToken runs `rubric token create|list|revoke` on the database of -db or RUBRIC_DB: what
// /api/v1/tokens does for admins, for whoever can open the database file.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if wantsHelp(args) {
		say(stdout, "Usage:\n%s\n", synopsis(langOf(stdout), "token"))
		return nil
	}
	if len(args) == 0 {
		return usageError("token needs an action: create, list or revoke\n\nUsage:\n%s", synopsis(langOf(stderr), "token"))
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr, getenv)
	case "list":
		return tokenList(ctx, args[1:], stdout, stderr, getenv)
	case "revoke":
		return tokenRevoke(ctx, args[1:], stdout, stderr, getenv)
	}
	return usageError("token: unknown action %q: use create, list or revoke", args[0])
}

// tokenCreate creates a token and prints its secret, alone on a line of stdout, the only
// time anything shows it; what was created goes to stderr, so that
// TOKEN=$(rubric token create …) keeps the secret alone.
func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("token create", stderr)
	db := dbFlag(fs, getenv)
	name := fs.String("name", "", "the token's name, recorded as the author of its writes")
	role := fs.String("role", "", "admin, assessor, viewer or unit")
	scheme := fs.String("scheme", "", "the scheme the token is limited to (a unit token needs one)")
	unit := fs.String("unit", "", "the unit of the scheme a unit token is limited to")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("token create takes flags only, got %q", rest)
	}
	if *name == "" || *role == "" {
		return usageError("token create needs --name and --role")
	}
	store, err := schema.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	spec := schema.TokenSpec{Name: *name, Role: schema.Role(*role), Scheme: *scheme, Unit: *unit}
	secret, tok, err := store.CreateToken(ctx, spec, tokenWho)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	say(stderr, "created token %s (%s); its secret, above, is shown only now\n", tok.Name, scope(langOf(stderr), tok))
	return nil
}

// tokenList prints every token, revoked ones too, one a line; never a secret.
func tokenList(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("token list", stderr)
	db := dbFlag(fs, getenv)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("token list takes no arguments, got %q", rest)
	}
	store, err := schema.OpenWith(ctx, *db, schema.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer store.Close()
	var all []schema.Token
	for {
		toks, total, err := store.ListTokens(ctx, schema.Page{Limit: schema.MaxLimit, Offset: len(all)})
		if err != nil {
			return err
		}
		all = append(all, toks...)
		if len(toks) == 0 || len(all) >= total {
			break
		}
	}
	tw := &langWriter{Writer: tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0), lang: langOf(stdout)}
	say(tw, "NAME\tROLE\tSCHEME\tUNIT\tCREATED\tLAST USED\tREVOKED\n")
	for _, t := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, orDash(t.Scheme), orDash(t.Unit),
			t.CreatedAt.Format(time.RFC3339), timeOrDash(t.LastUsedAt), timeOrDash(t.RevokedAt))
	}
	return tw.Writer.(*tabwriter.Writer).Flush()
}

// tokenRevoke revokes a token by name: from now on it authenticates nothing.
func tokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("token revoke", stderr)
	db := dbFlag(fs, getenv)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("token revoke takes one token name, got %q", rest)
	}
	store, err := schema.OpenWith(ctx, *db, schema.Options{MustExist: true})
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.RevokeToken(ctx, rest[0], tokenWho); err != nil {
		return err
	}
	say(stdout, "revoked token %s\n", rest[0])
	return nil
}

// scope describes a token's role and scope in l: "unit of rugao-2022-medical/shizhuang".
func scope(l i18n.Lang, t schema.Token) string {
	switch {
	case t.Unit != "":
		return i18n.Sprintf(l, "%s of %s", t.Role, t.Scheme+"/"+t.Unit)
	case t.Scheme != "":
		return i18n.Sprintf(l, "%s of %s", t.Role, t.Scheme)
	}
	return string(t.Role)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
