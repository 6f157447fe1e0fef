package warnings

import (
	"errors"
	"strconv"
	"strings"
)

// FieldError is one broken rule, named by a JSON Pointer (RFC 6901) into the
// warning's JSON form ("/level", "/area/0/3", "/items/1"), the same shape as
// api.FieldError so a handler can copy it across.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Detail }

// ValidationError lists every broken rule at once, so a form can mark them
// all. The API maps it to 422.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "invalid warning: " + strings.Join(parts, "; ")
}

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
