package schema

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rubric-dev/rubric/formulas"
)

func TestErrorKind(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"Nil", nil, ""},
		{"Invalid", Errorf(Invalid, "code", "bad code"), Invalid},
		{"Wrapped", fmt.Errorf("saving: %w", Errorf(Conflict, "", "exists")), Conflict},
		{"NotFound", Errorf(NotFound, "", "no scheme"), NotFound},
		{"TooLarge", Errorf(TooLarge, "", "too big"), TooLarge},
		{"Foreign", errors.New("disk on fire"), Internal},
		{"Context", context.Canceled, Internal},
		{"FormulaErrors", formulas.Errors{{Message: "x"}}, Internal},
		{"NoKind", &Error{Message: "?"}, Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorKind(tt.err); got != tt.want {
				t.Errorf("ErrorKind = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		err := fmt.Errorf("wrap: %w", Errorf(NotFound, "", "scheme %q not found", "x"))
		if got, want := ErrorMessage(err), `scheme "x" not found`; got != want {
			t.Errorf("ErrorMessage = %q, want %q", got, want)
		}
		if got, want := err.Error(), `wrap: schema: scheme "x" not found`; got != want {
			t.Errorf("Error = %q, want %q", got, want)
		}
	})
	t.Run("Foreign", func(t *testing.T) {
		if got, want := ErrorMessage(errors.New("secret dsn")), "internal error"; got != want {
			t.Errorf("ErrorMessage = %q, want %q", got, want)
		}
	})
}

func TestInvalid(t *testing.T) {
	t.Run("OneProblem", func(t *testing.T) {
		e := invalid([]Problem{{Field: "precision", Message: "precision 7 is out of range 0..6"}}, nil)
		if e.Kind != Invalid || e.Field != "precision" {
			t.Errorf("got kind %q field %q", e.Kind, e.Field)
		}
		if got, want := e.Error(), "schema: precision: precision 7 is out of range 0..6"; got != want {
			t.Errorf("Error = %q, want %q", got, want)
		}
	})
	t.Run("Several", func(t *testing.T) {
		e := invalid([]Problem{{Field: "title", Message: "title is required"}, {Message: "no items"}},
			[]*formulas.Error{{Item: "a", Line: 1, Column: 3, Message: "unknown name x"}})
		if e.Field != "" {
			t.Errorf("Field = %q, want none", e.Field)
		}
		want := "title: title is required; no items; a: line 1, column 3: unknown name x"
		if e.Message != want {
			t.Errorf("Message = %q, want %q", e.Message, want)
		}
	})
}
