// Package rubric is the root of the rubric module. It holds one thing: the API contract,
// openapi.yaml, embedded so that the server can serve it and the tests can check the server
// against it. The nouns of rubric live in package schema (documents, storage) and package
// formulas (the engine); the HTTP API in package server; the command in cmd/rubric.
//
// It imports nothing of rubric.
package rubric
