package warnings

// Who may publish which warning, plan 3.2.2: "蓝色、黄色预警由县生产安全事故应急
// 指挥部办公室发布，橙色、红色预警由县生产安全事故应急指挥部发布". The HQ office
// (指挥部办公室) is the role duty_officer, the HQ (指挥部) is commander, and
// admin may do everything. viewer, editor and dispatcher never publish.
//
// The plan names who issues; for adjusting and lifting (3.2.4) it only says
// the HQ office "按照有关规定适时调整预警级别并发布" and that the warning is
// lifted when the danger is over. Read together with 2.2.1 (the HQ "决定预警
// 及应急响应级别"), the rule here is: a change needs whoever could issue both
// the level before and the level after it.
//   - Raising to orange or red needs a commander: the result is an orange or
//     red warning, which only the HQ issues.
//   - Lowering from orange or red also needs a commander: it undoes a level
//     the HQ decided, and the office must not overrule the HQ.
//   - Blue <-> yellow, and re-publishing at the same level (new area or
//     items), is the office's own business.
//   - Lifting needs whoever could issue the current level.

// issueRank orders the roles that may publish warnings; any other role,
// including unknown ones, ranks 0 and publishes nothing.
var issueRank = map[string]int{
	"duty_officer": 1,
	"commander":    2,
	"admin":        3,
}

// neededRole is the least role that issues each level.
func neededRole(l Level) string {
	if l >= Orange {
		return "commander"
	}
	return "duty_officer"
}

// NeededRole returns the least role that may issue level l: duty_officer
// for blue and yellow, commander for orange and red; "" for an invalid level.
func NeededRole(l Level) string {
	if !l.Valid() {
		return ""
	}
	return neededRole(l)
}

// CanIssue reports whether role may issue a new warning of level l.
func CanIssue(role string, l Level) bool {
	return l.Valid() && issueRank[role] > 0 && issueRank[role] >= issueRank[neededRole(l)]
}

// CanAdjust reports whether role may change a warning's level from one level
// to another (or re-publish it at the same level): it needs whoever could
// issue both.
func CanAdjust(role string, from, to Level) bool {
	return CanIssue(role, from) && CanIssue(role, to)
}

// CanLift reports whether role may lift (解除) a warning now at level l.
func CanLift(role string, l Level) bool { return CanIssue(role, l) }

// CheckIssue is CanIssue as an error: nil or a *ForbiddenError.
func CheckIssue(role string, l Level) error {
	if CanIssue(role, l) {
		return nil
	}
	return forbidden("issue", role, l)
}

// CheckAdjust is CanAdjust as an error naming the level that needs more.
func CheckAdjust(role string, from, to Level) error {
	if !CanIssue(role, to) {
		return forbidden("adjust", role, to)
	}
	if !CanIssue(role, from) {
		return forbidden("adjust", role, from)
	}
	return nil
}

// CheckLift is CanLift as an error.
func CheckLift(role string, l Level) error {
	if CanLift(role, l) {
		return nil
	}
	return forbidden("lift", role, l)
}

func forbidden(action, role string, l Level) error {
	return &ForbiddenError{Field: "/level", Action: action, Role: role, Level: l, Need: NeededRole(l)}
}
