package warnings

import (
	"errors"

	"sitrep/internal/auth"
)

// ErrNotActive is returned when adjusting or lifting a version that is no
// longer the current one (already adjusted or lifted). The API maps it to 409.
var ErrNotActive = errors.New("预警已不在生效中：只能调整或解除生效预警的当前版本")

// ErrForbidden matches every *ForbiddenError with errors.Is.
var ErrForbidden = errors.New("无权操作此级别的预警")

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
	role := "角色“" + auth.Role(e.Role).Label() + "”"
	if e.Need == "" {
		return role + "无权" + actionLabel(e.Action) + e.Level.String() + "：不是预警级别"
	}
	return role + "无权" + actionLabel(e.Action) + e.Level.Colour() + "预警：须由" +
		auth.Role(e.Need).Label() + "或更高角色办理（预案 3.2.2）"
}

// actionLabel is what a person calls each action on a warning.
func actionLabel(action string) string {
	switch action {
	case "issue":
		return "发布"
	case "adjust":
		return "调整"
	case "lift":
		return "解除"
	}
	return action
}

// Is lets errors.Is(err, ErrForbidden) match.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }
