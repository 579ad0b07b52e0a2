package server

import (
	"strings"

	"github.com/rubric-dev/rubric/formulas"
	"github.com/rubric-dev/rubric/schema"
)

// refuseUsed is the 422 of removing a metric or item that formulas of s still read, naming
// them ("cases is used by volume, rank_bonus") rather than the unknown name each would then
// have. A scheme that does not compile as it is gets its own errors from the save.
func refuseUsed(s *formulas.Scheme, field, name string) error {
	p, _, err := formulas.Compile(s)
	if err != nil {
		return nil
	}
	if users := p.UsedBy(name); len(users) > 0 {
		return schema.Errorf(schema.Invalid, field, "%s is used by %s: change their formulas first", name, strings.Join(users, ", "))
	}
	return nil
}
