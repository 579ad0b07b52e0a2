// Package server is rubric's HTTP API: a Fiber app whose routes (routes.go) follow
// openapi.yaml, with one file per resource. Handlers are thin: they read the request, call
// package schema (storage, validation) or package formulas (evaluation, explanation), and
// encode the answer. errors.go is the only place an error becomes an HTTP status and an
// application/problem+json body; it logs what is a bug, once.
//
// Sheets are cached per (scheme, revision, data version, layer) in memory (cache.go): a
// request for results reads the scheme's two version numbers, which costs one small query,
// and evaluates the sheet only when one of them has changed.
//
// Spreadsheets go through package exchange: results as CSV or XLSX (results.go), fill-in
// templates (templates.go) and their all-or-nothing import (imports.go). ExportResults,
// WriteTemplate and ImportValues are what those routes do, exported so that the subcommands
// of cmd/rubric do exactly the same on a database of their own. An import's body has a limit
// of its own (Config.ImportLimit), set as soon as the request's header is read.
//
// server imports schema, formulas, exchange and the root package (for openapi.yaml); it never
// imports cmd.
package server
