// Package seeds holds rubric's built-in schemes: one YAML scheme document per rubric of the
// five assessment documents in docs/sources, each with its roster and worked example values.
// It imports nothing of rubric; package schema decodes the documents.
package seeds
