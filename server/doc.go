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
// server imports schema, formulas and the root package (for openapi.yaml); it never imports
// cmd.
package server
