// Package exchange moves rubric's data in and out of spreadsheets, the files assessment
// offices actually live in: results exported as CSV (UTF-8 with a BOM, so Excel and WPS open
// Chinese correctly) or XLSX (a two-level header, numbers as numbers in the scheme's
// precision, errors and formulas on sheets of their own), fill-in templates as XLSX (locked
// unit columns, data validation from each metric's type and range) or CSV, and the import of
// a filled template — XLSX or CSV, UTF-8 or GBK/GB18030 — all or nothing: one bad cell and
// nothing comes back but the list of every problem, each with its row and column.
//
// It is a pure library over io.Writer and []byte: no HTTP, no SQL. Handlers in server and the
// subcommands of cmd/rubric decode a request, call one function here, and write its output
// or map its error (an *ImportError wraps a schema.Error of kind Invalid).
//
// exchange imports formulas (the program, its columns and results), schema (value
// validation and error kinds), excelize and golang.org/x/text; it never imports server or cmd.
package exchange
