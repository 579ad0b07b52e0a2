// Package schema is rubric's storage and its unit of exchange: the scheme document (a
// formulas.Scheme plus its roster and example values), its decoding and validation, the bun
// models and migrations (SQLite by default, PostgreSQL for scale-out) and the store functions
// the server calls.
//
// Errors a client can fix are *Error values with a Kind; every other error is internal.
//
// schema imports formulas (to compile schemes before they are saved) and bun; it never imports
// server or cmd.
package schema
