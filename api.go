package rubric

import _ "embed"

// OpenAPI is the API contract, openapi.yaml (OpenAPI 3.0.3), as written.
//
//go:embed openapi.yaml
var OpenAPI []byte
