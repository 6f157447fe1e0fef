package incidents

import (
	"errors"
	"fmt"
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
