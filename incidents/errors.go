package incidents

import (
	"errors"
	"fmt"
	"strings"
)

// ErrForbiddenTransition is wrapped by every *StateError, for errors.Is.
var ErrForbiddenTransition = errors.New("transition not allowed")

// StateError means the request conflicts with the incident's current state:
// the lifecycle does not allow going from From to To. An API maps it to
// 409 Conflict.
type StateError struct {
	From, To Status
	Why      string // which rule forbids it, citing the plan
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot go from %s to %s: %s", e.From, e.To, e.Why)
}

func (e *StateError) Unwrap() error { return ErrForbiddenTransition }

// FieldError is one problem with one field of a request.
type FieldError struct {
	Field   string `json:"field"`   // JSON path, e.g. "termination.scene_controlled"
	Code    string `json:"code"`    // stable machine code, e.g. "required", "not_confirmed"
	Message string `json:"message"` // human-readable, may be Chinese
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in a request, so a form can
// show them all at once. An API maps it to 422 Unprocessable Content.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Error()
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// OrNil returns nil when there are no problems, so that a nil slice never
// turns into a non-nil error interface.
func (v ValidationError) OrNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}
