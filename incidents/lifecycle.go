package incidents

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"sitrep/internal/beijing"
	"sitrep/internal/validation"
)

// State is where an incident is in its lifecycle.
type State uint8

const (
	// Reported: a report has arrived and is not yet verified (4.1).
	Reported State = iota + 1
	// Verified: the emergency management bureau has verified it (4.4.1(1)).
	Verified
	// Active: a response is running at a level Ⅰ–Ⅳ (4.3, 4.4).
	Active
	// Suspended: rescue is paused and rescuers withdrawn because they are
	// in danger or a serious secondary disaster threatens (4.7 ¶1).
	Suspended
	// Terminated: the response has been declared over (4.7 ¶2); aftermath
	// and investigation (5.1–5.4) continue.
	Terminated
	// Closed: nothing left to do. Final.
	Closed
)

var stateText = []enumText{
	{},
	{"reported", "已接报"},
	{"verified", "已核实"},
	{"active", "响应中"},
	{"suspended", "暂停救援"},
	{"terminated", "响应终止"},
	{"closed", "已结案"},
}

func States() []State                        { return allOf[State](stateText) }
func ParseState(code string) (State, error)  { return parseEnum[State]("状态", stateText, code) }
func (s State) Valid() bool                  { return lookup(stateText, s).code != "" }
func (s State) Code() string                 { return lookup(stateText, s).code }
func (s State) Label() string                { return lookup(stateText, s).label }
func (s State) String() string               { return stringOf("State", stateText, s) }
func (s State) MarshalText() ([]byte, error) { return marshalEnum("state", stateText, s) }
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// HasLevel reports whether a response level belongs to the state: only a
// running or suspended response has one.
func (s State) HasLevel() bool { return s == Active || s == Suspended }

// Status is an incident's state, its response level when it has one, and
// since when it holds.
type Status struct {
	State State         `json:"state"`
	Level ResponseLevel `json:"level,omitempty"` // zero unless State.HasLevel()
	Since time.Time     `json:"since"`
}

// Label is the status as people read it: 响应中（Ⅱ级响应）.
func (s Status) Label() string {
	if s.State.HasLevel() {
		return s.State.Label() + "（" + s.Level.Label() + "）"
	}
	return s.State.Label()
}

func (s Status) String() string {
	if s.State.HasLevel() {
		return s.State.Code() + "(" + s.Level.Code() + ")"
	}
	return s.State.Code()
}

// allowed is the lifecycle. Decisions where the plan is silent:
//
//   - reported → closed is not allowed: even a false or duplicate report is
//     verified first (4.4.1(1)), so the record says who checked it.
//   - verified → closed is allowed: 4.3 ¶4 lets an accident that neither
//     spreads nor needs rescue skip the response and go straight to
//     aftermath and investigation.
//   - verified → terminated is not allowed: 4.7 terminates a response, and
//     nothing was activated.
//   - active → active changes the response level, up or down.
//   - suspended → terminated is not allowed: a suspension means the danger
//     to rescuers or of secondary disasters is still there, which is the
//     opposite of the 4.7 termination conditions; resuming is the record
//     that it passed. Resuming may change the level.
//   - terminated → active is not allowed: a flare-up after the declared end
//     is a new report. Closed is final.
var allowed = map[State][]State{
	Reported:   {Verified},
	Verified:   {Active, Closed},
	Active:     {Active, Suspended, Terminated},
	Suspended:  {Active},
	Terminated: {Closed},
	Closed:     nil,
}

// NextStates lists the states reachable from s, for offering actions.
func NextStates(s State) []State { return slices.Clone(allowed[s]) }

// TerminationChecks are the four conditions of 4.7 ¶2, each confirmed by
// the on-site command centre, which then proposes termination; the body
// that activated the response declares it (the Request's Actor).
type TerminationChecks struct {
	PeopleRescued              bool   `json:"people_rescued"`               // 遇险人员获救
	SceneControlled            bool   `json:"scene_controlled"`             // 事故现场得以控制
	EnvironmentWithinStandards bool   `json:"environment_within_standards"` // 环境符合有关标准
	SecondaryHazardsRemoved    bool   `json:"secondary_hazards_removed"`    // 次生、衍生事故隐患消除
	ProposedBy                 string `json:"proposed_by"`                  // who at the on-site command centre confirmed and proposed
}

// Request carries who asks for a change, when, and why. Every change
// needs all three, so the record can answer "who decided this".
type Request struct {
	Actor       string             `json:"actor"`
	At          time.Time          `json:"at"`
	Reason      string             `json:"reason"`
	Termination *TerminationChecks `json:"termination,omitempty"` // required to terminate, ignored otherwise
}

// Change is one accepted lifecycle change, ready to be stored.
type Change struct {
	From        Status             `json:"from"`
	To          Status             `json:"to"`
	Actor       string             `json:"actor"`
	At          time.Time          `json:"at"`
	Reason      string             `json:"reason"`
	Termination *TerminationChecks `json:"termination,omitempty"`
}

// Transition checks a change from the current status to the wanted one
// (only to.State and to.Level are read) and returns the record to store.
//
// Errors: validation.Errors (422) for a malformed target or request, naming
// the field; *StateError (409, errors.Is ErrForbiddenTransition) when the
// lifecycle does not allow the change from the current state.
//
// Going to Suspended keeps the current level; giving a different one is
// an error, since a level is changed by resuming or while active.
func Transition(from, to Status, req Request) (Change, error) {
	if !to.State.Valid() {
		return Change{}, validation.Errors{{Field: "state", Code: "invalid", Detail: fmt.Sprintf("未知状态 %d", to.State)}}
	}
	switch to.State {
	case Active:
		if !to.Level.Valid() {
			return Change{}, validation.Errors{{Field: "level", Code: "required", Detail: "启动响应须选择Ⅰ–Ⅳ级（4.3）"}}
		}
	case Suspended:
		if to.Level == 0 {
			to.Level = from.Level
		} else if to.Level != from.Level {
			return Change{}, validation.Errors{{Field: "level", Code: "level_change_on_suspend",
				Detail: "暂停救援时不能改变响应级别；请在恢复响应时调整"}}
		}
	default:
		to.Level = 0
	}

	if why := forbidden(from, to); why != "" {
		return Change{}, &StateError{From: from, To: to, Why: why}
	}

	var v validation.Errors
	if strings.TrimSpace(req.Actor) == "" {
		v = append(v, validation.FieldError{Field: "actor", Code: "required", Detail: "须填写变更人"})
	}
	if req.At.IsZero() {
		v = append(v, validation.FieldError{Field: "at", Code: "required", Detail: "须填写变更时间"})
	} else if !from.Since.IsZero() && req.At.Before(from.Since) {
		v = append(v, validation.FieldError{Field: "at", Code: "before_current",
			Detail: fmt.Sprintf("不能早于当前状态开始的时间（%s）", beijing.Format(from.Since))})
	}
	if strings.TrimSpace(req.Reason) == "" {
		v = append(v, validation.FieldError{Field: "reason", Code: "required", Detail: "须填写理由"})
	}
	var checks *TerminationChecks
	if to.State == Terminated {
		v = append(v, checkTermination(req.Termination)...)
		if req.Termination != nil {
			c := *req.Termination
			checks = &c
		}
	}
	if err := v.OrNil(); err != nil {
		return Change{}, err
	}

	to.Since = req.At.UTC()
	return Change{From: from, To: to, Actor: strings.TrimSpace(req.Actor), At: to.Since,
		Reason: strings.TrimSpace(req.Reason), Termination: checks}, nil
}

// forbidden returns why the lifecycle refuses from → to, or "" if allowed.
func forbidden(from, to Status) string {
	if !from.State.Valid() {
		return "当前状态未知"
	}
	if from.State == Active && to.State == Active && from.Level == to.Level {
		return "已在" + to.Level.Label() + "中"
	}
	if slices.Contains(allowed[from.State], to.State) {
		return ""
	}
	switch {
	case from.State == Closed:
		return "已结案的事件不能再变更"
	case from.State == Reported:
		return "须先核实报告（4.4.1(1)）"
	case to.State == Terminated && from.State == Suspended:
		return "暂停的救援须先恢复才能终止响应：暂停意味着危险尚未消除（4.7）"
	case to.State == Terminated:
		return "只有响应中的事件才能终止响应（4.7）"
	case to.State == Suspended:
		return "只有响应中的救援才能暂停（4.7）"
	case to.State == Active && from.State == Terminated:
		return "已终止的响应不能重新启动；请新建事件"
	case to.State == Closed:
		return "须在响应终止后结案；不需要响应的，可在核实后直接结案（4.3）"
	default:
		return "不是事件处置流程中的一步"
	}
}

func checkTermination(t *TerminationChecks) []validation.FieldError {
	if t == nil {
		return []validation.FieldError{{Field: "termination", Code: "required",
			Detail: "终止响应须确认4.7规定的四项条件"}}
	}
	var v []validation.FieldError
	for _, c := range []struct {
		ok    bool
		field string
		msg   string
	}{
		{t.PeopleRescued, "people_rescued", "遇险人员尚未确认获救"},
		{t.SceneControlled, "scene_controlled", "事故现场尚未确认得到控制"},
		{t.EnvironmentWithinStandards, "environment_within_standards", "环境尚未确认符合有关标准"},
		{t.SecondaryHazardsRemoved, "secondary_hazards_removed", "次生、衍生事故隐患尚未确认消除"},
	} {
		if !c.ok {
			v = append(v, validation.FieldError{Field: "termination." + c.field, Code: "not_confirmed", Detail: c.msg + "（4.7）"})
		}
	}
	if strings.TrimSpace(t.ProposedBy) == "" {
		v = append(v, validation.FieldError{Field: "termination.proposed_by", Code: "required",
			Detail: "须由现场指挥中心确认后提出终止建议（4.7）"})
	}
	return v
}
