package schema

import "github.com/rubric-dev/rubric/formulas"

// compile compiles a scheme with the engine and returns its warnings; the error is
// formulas.Errors, every formula error at once.
func compile(s *formulas.Scheme) ([]formulas.Warning, error) {
	_, warnings, err := formulas.Compile(s)
	return warnings, err
}
