package incidents

import (
	"errors"
	"fmt"
)

// ErrForbiddenTransition is wrapped by every *StateError, for errors.Is.
var ErrForbiddenTransition = errors.New("不允许的状态变更")

// StateError means the request conflicts with the incident's current state:
// the lifecycle does not allow going from From to To. An API maps it to
// 409 Conflict.
type StateError struct {
	From, To Status
	Why      string // which rule forbids it, citing the plan
}

func (e *StateError) Error() string {
	return fmt.Sprintf("不能从“%s”变为“%s”：%s", e.From.Label(), e.To.Label(), e.Why)
}

func (e *StateError) Unwrap() error { return ErrForbiddenTransition }
