// Package i18n is rubric's one message catalogue: the texts a clerk reads (explanations,
// import problems, workbook sheets and labels, command messages) in Simplified Chinese, the
// default for the assessment offices that use rubric, or in English.
//
// A text is written once, in English, as a fmt format; that format is its key, and zh.go maps
// it to the Chinese format (a test checks both take the same arguments). A Message keeps the
// format and its arguments, so a package that builds texts (formulas, exchange) stays free of
// any notion of a request and renders them later in the language asked for.
//
// It imports the standard library only, so that every package may use it (formulas too).
package i18n
