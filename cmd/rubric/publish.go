package main

import (
	"context"
	"io"

	"github.com/rubric-dev/rubric/schema"
)

// cliWho is the author the publish command records.
const cliWho = "cli"

// runPublish runs `rubric publish CODE [-layer final] [-title T] -m MESSAGE [-reason R]`: it
// freezes one layer of a scheme as its next publication, as POST /publications does, and
// prints its number and SHA-256.
func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlags("publish", stderr)
	db := dbFlag(fs, getenv)
	layer := layerFlag(fs)
	title := fs.String("title", "", "the publication's title, such as 2022年度考核结果 (default: the scheme's title)")
	message := fs.String("m", "", "the publication's message")
	reason := fs.String("reason", "", "why (recorded in the history)")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("publish needs a scheme code: rubric publish CODE [-layer final] [-title T] -m MESSAGE")
	}
	if err := checkLayer(*layer); err != nil {
		return err
	}
	store, err := schema.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = schema.WithWho(ctx, cliWho)
	if *reason != "" {
		ctx = schema.WithReason(ctx, *reason)
	}
	p, err := store.Publish(ctx, rest[0], schema.PublicationSpec{Layer: *layer, Title: *title, Message: *message}, "")
	if err != nil {
		return err
	}
	say(stdout, "published %s as publication %d of %s (%s layer, revision %d)\nSHA-256 %s\n",
		p.Title, p.Number, p.Scheme, layerName(p.Layer), p.Revision, p.Hash)
	return nil
}
