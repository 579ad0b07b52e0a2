package pkg

import "github.com/rubric-dev/rubric/i18n"

var inTest = i18n.M("tests are not read")
