package warnings

import (
	"errors"
	"strconv"
)

// ErrNotActive is returned when adjusting or lifting a version that is no
// longer the current one (already adjusted or lifted). The API maps it to 409.
var ErrNotActive = errors.New("warning is not active: only the current version of an active warning can be adjusted or lifted")

// ErrForbidden matches every *ForbiddenError with errors.Is.
var ErrForbidden = errors.New("forbidden")

// ForbiddenError says the caller's role may not issue, adjust or lift a
// warning of that level (plan 3.2.2). The API maps it to 403 with Field.
type ForbiddenError struct {
	Field  string // always "/level": the level is what decides
	Action string // "issue", "adjust" or "lift"
	Role   string // the caller's role
	Level  Level  // the level that needs more than Role
	Need   string // the least role that may do it; "" if Level is invalid
}

func (e *ForbiddenError) Error() string {
	if e.Need == "" {
		return "role " + strconv.Quote(e.Role) + " may not " + e.Action + " a warning of " + e.Level.String() + ": not a warning level"
	}
	return "role " + strconv.Quote(e.Role) + " may not " + e.Action + " a " + e.Level.Code() +
		" warning: that needs " + e.Need + " or above (plan 3.2.2)"
}

// Is lets errors.Is(err, ErrForbidden) match.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }
