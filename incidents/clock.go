package incidents

import (
	"fmt"
	"slices"
	"time"
)

// The two fixed limits of 4.1.1.
const (
	UnitReportLimit  = 30 * time.Minute // unit head → county HQ office and sector authority
	ChainReportLimit = 2 * time.Hour    // county → up the chain
)

// DeadlineKind is what a reporting deadline asks for.
type DeadlineKind uint8

const (
	// UnitReport: the unit's head reports to the county HQ office within
	// 30 minutes of the accident (4.1.1(2)).
	UnitReport DeadlineKind = iota + 1
	// ChainReport: the report reaches a tier above the county within 2
	// hours of the county receiving it (4.1.1(3)); one per tier up to the
	// duty's reach.
	ChainReport
	// FollowUp: the next 续报 (4.1.3).
	FollowUp
)

var deadlineKindText = []enumText{
	{},
	{"unit_report", "事故单位报告"},
	{"chain_report", "逐级上报"},
	{"follow_up", "续报"},
}

func DeadlineKinds() []DeadlineKind { return allOf[DeadlineKind](deadlineKindText) }
func ParseDeadlineKind(code string) (DeadlineKind, error) {
	return parseEnum[DeadlineKind]("时限类型", deadlineKindText, code)
}
func (k DeadlineKind) Valid() bool    { return lookup(deadlineKindText, k).code != "" }
func (k DeadlineKind) Code() string   { return lookup(deadlineKindText, k).code }
func (k DeadlineKind) Label() string  { return lookup(deadlineKindText, k).label }
func (k DeadlineKind) String() string { return stringOf("DeadlineKind", deadlineKindText, k) }
func (k DeadlineKind) MarshalText() ([]byte, error) {
	return marshalEnum("deadline kind", deadlineKindText, k)
}
func (k *DeadlineKind) UnmarshalText(b []byte) error {
	v, err := ParseDeadlineKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// ReportLog is what has been reported so far.
type ReportLog struct {
	// ReceivedAt is when a report of the incident first reached each tier.
	// TierCounty is the county HQ office (县应急管理局) receiving the
	// unit's report; higher tiers are the county, city or region passing it
	// up. A tier reached implies every tier below it was reached by then.
	ReceivedAt map[Tier]time.Time `json:"received_at,omitempty"`
	// FollowUps are the instants 续报 were sent up, in any order.
	FollowUps []time.Time `json:"follow_ups,omitempty"`
}

// ClockInput is everything the reporting clock depends on.
type ClockInput struct {
	OccurredAt time.Time
	Grade      Grade
	AtRisk     bool // any 1.5.2 criterion fired
	Reports    ReportLog
	// EscalatedAt is when the reporting duty last became stricter (see
	// ReportingDuty.StricterThan): a grade raised or a first 1.5.2 flag.
	// The new information is itself to be reported (4.1.3), so clocks that
	// the escalation started — chain tiers above the city, and the
	// follow-up cadence — run from it rather than reaching back into the
	// past. Zero when the duty never changed.
	EscalatedAt time.Time
	// FollowUpsEnd is when the follow-up duty ended: the response was
	// terminated, or the incident closed without one. Zero while it runs.
	FollowUpsEnd time.Time
}

// Deadline is one reporting obligation as of some instant.
//
// The due instant itself is still on time: "30分钟内" includes the 30th
// minute. A deadline is Overdue when it is unmet and now is after Due.
type Deadline struct {
	Kind    DeadlineKind `json:"kind"`
	Tier    Tier         `json:"tier,omitempty"` // UnitReport: county; ChainReport: the tier to reach
	Seq     int          `json:"seq,omitempty"`  // FollowUp: which follow-up, from 1
	Due     time.Time    `json:"due"`
	MetAt   *time.Time   `json:"met_at,omitempty"`
	Overdue bool         `json:"overdue"`
	Rule    string       `json:"rule"` // the obligation in the plan's words
}

// Key identifies the obligation, stable across instants for the same
// facts: "unit_report", "chain_report:city", "follow_up:3".
func (d Deadline) Key() string {
	switch d.Kind {
	case ChainReport:
		return d.Kind.Code() + ":" + d.Tier.Code()
	case FollowUp:
		return fmt.Sprintf("%s:%d", d.Kind.Code(), d.Seq)
	default:
		return d.Kind.Code()
	}
}

// Late reports whether the deadline was met, but after it was due.
func (d Deadline) Late() bool { return d.MetAt != nil && d.MetAt.After(d.Due) }

// Deadlines returns the reporting obligations as of now: the unit's report,
// one chain report per tier from the city up to the duty's reach, and the
// next follow-up if one is owed. Facts dated after now are ignored, so the
// answer for any instant is what a duty officer would have seen then.
//
// The chain deadlines start when the county receives the report: before
// that, the clock that runs is the unit's. Township is not a deadline:
// 4.1.1(3) has the county inform the township at once, with no limit.
func Deadlines(in ClockInput, now time.Time) []Deadline {
	now = now.UTC()
	known := func(t time.Time) (time.Time, bool) {
		return t.UTC(), !t.IsZero() && !t.After(now)
	}
	// reached returns when a tier was reached, by the earliest report to it
	// or to any tier above it.
	reached := func(tier Tier) *time.Time {
		var first *time.Time
		for t, at := range in.Reports.ReceivedAt {
			if at, ok := known(at); ok && t >= tier && (first == nil || at.Before(*first)) {
				first = &at
			}
		}
		return first
	}
	finish := func(d Deadline) Deadline {
		d.Due = d.Due.UTC()
		d.Overdue = d.MetAt == nil && now.After(d.Due)
		return d
	}

	out := []Deadline{finish(Deadline{
		Kind: UnitReport, Tier: TierCounty,
		Due:   in.OccurredAt.Add(UnitReportLimit),
		MetAt: reached(TierCounty),
		Rule:  "事故发生单位负责人应当于30分钟内报告县应急管理局和有关行业主管部门（4.1.1）",
	})}

	county := reached(TierCounty)
	if county == nil {
		return out
	}
	duty := DutyOf(in.Grade, in.AtRisk)
	escalated, hasEscalated := known(in.EscalatedAt)

	for tier := TierCity; tier <= duty.Reach; tier++ {
		start := *county
		if tier > TierCity && hasEscalated && escalated.After(start) {
			start = escalated
		}
		out = append(out, finish(Deadline{
			Kind: ChainReport, Tier: tier,
			Due:   start.Add(ChainReportLimit),
			MetAt: reached(tier),
			Rule:  fmt.Sprintf("逐级上报至%s，时间不得超过2小时（4.1.1）", tier.Label()),
		}))
	}

	if duty.FollowUpEvery == 0 {
		return out
	}
	if _, ended := known(in.FollowUpsEnd); ended {
		return out
	}
	var sent []time.Time
	for _, f := range in.Reports.FollowUps {
		if f, ok := known(f); ok && !f.Before(*county) {
			sent = append(sent, f)
		}
	}
	slices.SortFunc(sent, time.Time.Compare)
	base := *county
	if len(sent) > 0 {
		base = sent[len(sent)-1]
	}
	if hasEscalated && escalated.After(base) {
		base = escalated
	}
	rule := "较大涉险事故、较大事故每日至少续报1次（4.1.3）"
	if duty.FollowUpEvery < 24*time.Hour {
		rule = "重大事故、特别重大事故每日至少续报2次（4.1.3）"
	}
	out = append(out, finish(Deadline{
		Kind: FollowUp, Seq: len(sent) + 1,
		Due:  base.Add(duty.FollowUpEvery),
		Rule: rule,
	}))
	return out
}

// Overdue returns the deadlines that are overdue.
func Overdue(ds []Deadline) []Deadline {
	var out []Deadline
	for _, d := range ds {
		if d.Overdue {
			out = append(out, d)
		}
	}
	return out
}

// NewlyOverdue returns the deadlines overdue in cur that were not overdue
// in prev, matched by Key. A server that keeps the list it computed at its
// last tick can diff against it and emit each overdue event once, even
// when the facts changed in between.
func NewlyOverdue(prev, cur []Deadline) []Deadline {
	was := make(map[string]bool, len(prev))
	for _, d := range prev {
		if d.Overdue {
			was[d.Key()] = true
		}
	}
	var out []Deadline
	for _, d := range cur {
		if d.Overdue && !was[d.Key()] {
			out = append(out, d)
		}
	}
	return out
}

// BecameOverdue returns the deadlines that turned overdue in the interval
// (from, to]: overdue as of to, not as of from. A ticker that calls it with
// consecutive intervals (t0, t1], (t1, t2], … emits each event exactly
// once, because a deadline turns overdue at one instant (just after Due)
// and that instant lies in exactly one interval.
//
// Both instants are evaluated with the same, current facts. A fact entered
// late with a timestamp before from can create an obligation that was
// already overdue at from (a follow-up back-dated by more than a day); that
// one is not returned. A server that must catch it keeps the list from its
// last tick and uses NewlyOverdue instead.
func BecameOverdue(in ClockInput, from, to time.Time) []Deadline {
	return NewlyOverdue(Deadlines(in, from), Deadlines(in, to))
}
