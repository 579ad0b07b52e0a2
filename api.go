// Package rubric is the root of the rubric module. It holds one thing: the API contract,
// openapi.yaml, embedded so that the server can serve it and the tests can check the server
// against it. The nouns of rubric live in package schema (documents, storage) and package
// formulas (the engine); the HTTP API in package server; the command in cmd/rubric.
package rubric

import _ "embed"

// OpenAPI is the API contract, openapi.yaml (OpenAPI 3.0.3), as written.
//
//go:embed openapi.yaml
var OpenAPI []byte
