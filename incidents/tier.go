package incidents

import "time"

// Tier is a level of government in the reporting chain of Annex 4:
// township → county → city → region → State Council.
type Tier uint8

const (
	TierTownship     Tier = iota + 1 // 乡（镇）
	TierCounty                       // 县
	TierCity                         // 市
	TierRegion                       // 自治区
	TierStateCouncil                 // 国务院
)

var tierText = []enumText{
	{},
	{"township", "乡（镇）"},
	{"county", "县"},
	{"city", "市"},
	{"region", "自治区"},
	{"state_council", "国务院"},
}

func Tiers() []Tier                         { return allOf[Tier](tierText) }
func ParseTier(code string) (Tier, error)   { return parseEnum[Tier]("报告层级", tierText, code) }
func (t Tier) Valid() bool                  { return lookup(tierText, t).code != "" }
func (t Tier) Code() string                 { return lookup(tierText, t).code }
func (t Tier) Label() string                { return lookup(tierText, t).label }
func (t Tier) String() string               { return stringOf("Tier", tierText, t) }
func (t Tier) MarshalText() ([]byte, error) { return marshalEnum("报告层级", tierText, t) }
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := ParseTier(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ReportingDuty is how far up a report must go and how often it must be
// followed up, for a grade and 较大涉险 status.
type ReportingDuty struct {
	Reach         Tier          `json:"reach"`           // highest tier the report must reach
	FollowUpEvery time.Duration `json:"follow_up_every"` // 0: no timed follow-ups
}

// DutyOf returns the reporting duty.
//
// Reach follows 生产安全事故报告和调查处理条例 第十条, which the plan cites
// (1.2) but does not repeat: 特别重大 and 重大 up to the State Council, 较大
// up to the region, 一般 up to the city. The plan is silent on 较大涉险;
// since 4.1.3 treats it like 较大 for follow-ups, it is treated like 较大
// here too.
//
// Follow-ups (4.1.3): 较大涉险 and 较大 at least once a day, 重大 and 特别重大
// at least twice a day, read as a rolling 24 h or 12 h since the last
// report. 一般 without a 1.5.2 flag has no timed follow-up.
func DutyOf(g Grade, atRisk bool) ReportingDuty {
	switch {
	case g == GradeI || g == GradeII:
		return ReportingDuty{Reach: TierStateCouncil, FollowUpEvery: 12 * time.Hour}
	case g == GradeIII || atRisk:
		return ReportingDuty{Reach: TierRegion, FollowUpEvery: 24 * time.Hour}
	default:
		return ReportingDuty{Reach: TierCity}
	}
}

// StricterThan reports whether d asks more than o: a higher reach or more
// frequent follow-ups. When an incident's duty becomes stricter, the
// caller records the instant as ClockInput.EscalatedAt.
func (d ReportingDuty) StricterThan(o ReportingDuty) bool {
	if d.Reach > o.Reach {
		return true
	}
	if d.FollowUpEvery == 0 {
		return false
	}
	return o.FollowUpEvery == 0 || d.FollowUpEvery < o.FollowUpEvery
}
