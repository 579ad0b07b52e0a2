// Package pkg writes one text of the catalogue that has a translation and one that has not,
// for TestCheckDir.
package pkg

import "github.com/rubric-dev/rubric/i18n"

var (
	known   = i18n.M("Unit code")
	unknown = i18n.Sprintf(i18n.ZH, "a text nobody translated %d", 1)
	dynamic = i18n.M(format) // not a literal: not checked
	format  = "x"
)
