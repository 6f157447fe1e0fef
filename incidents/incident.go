package incidents

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sitrep/internal/validation"
)

// LonLat is a WGS 84 position in degrees.
type LonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

// Incident is one accident with everything the plan's rules read. The
// derived values — grade, 较大涉险 flags, deadlines — are methods, never
// stored fields, so they are always current.
type Incident struct {
	ID         string    `json:"id"`
	Kind       Kind      `json:"kind"`
	Place      string    `json:"place"`              // address or description of the scene
	Location   *LonLat   `json:"location,omitempty"` // nil until known
	Township   string    `json:"township,omitempty"` // 事发地乡（镇）
	Unit       string    `json:"unit,omitempty"`     // 事故发生单位; a first report may lack it (4.1.3)
	OccurredAt time.Time `json:"occurred_at"`
	// Drill marks a drill (7.3). Set at creation, never changed.
	Drill bool `json:"drill"`

	Casualties Casualties `json:"casualties"`
	Exposure   Exposure   `json:"exposure"`
	// OtherRiskReason claims 1.5.2(6) by hand; empty when not claimed.
	OtherRiskReason string `json:"other_risk_reason,omitempty"`

	Reports ReportLog `json:"reports"`
	// EscalatedAt: see ClockInput.EscalatedAt. Maintained by Revise.
	EscalatedAt time.Time `json:"escalated_at,omitzero"`

	Status  Status   `json:"status"`
	History []Change `json:"history,omitempty"`
}

// IsDrill implements Drillable.
func (inc *Incident) IsDrill() bool { return inc.Drill }

// Initial is the status of a newly received report.
func Initial(receivedAt time.Time) Status {
	return Status{State: Reported, Since: receivedAt.UTC()}
}

// Validate checks what a new or edited incident must hold. A first report
// may be partial (4.1.3), so only kind, occurrence time and some way to
// find the scene are required.
func (inc *Incident) Validate() error {
	var v validation.Errors
	if !inc.Kind.Valid() {
		v = append(v, validation.FieldError{Field: "kind", Code: "required", Detail: "事故类型必填"})
	}
	if inc.OccurredAt.IsZero() {
		v = append(v, validation.FieldError{Field: "occurred_at", Code: "required", Detail: "事故发生时间必填"})
	}
	if !inc.OccurredAt.IsZero() && !validation.InYears(inc.OccurredAt) {
		v = append(v, validation.FieldError{Field: "occurred_at", Code: "out_of_range", Detail: validation.YearsDetail})
	}
	if strings.TrimSpace(inc.Place) == "" && inc.Location == nil {
		v = append(v, validation.FieldError{Field: "place", Code: "required", Detail: "事故地点或坐标至少填一项"})
	}
	for _, t := range []struct {
		field, text string
		max         int
	}{{"place", inc.Place, 200}, {"township", inc.Township, 100}, {"unit", inc.Unit, 200}, {"other_risk_reason", inc.OtherRiskReason, 2000}} {
		if n := utf8.RuneCountInString(t.text); n > t.max {
			v = append(v, validation.FieldError{Field: t.field, Code: "too_long", Detail: validation.TooLong(t.max, n)})
		}
	}
	if l := inc.Location; l != nil {
		if l.Lon < -180 || l.Lon > 180 {
			v = append(v, validation.FieldError{Field: "location.lon", Code: "out_of_range", Detail: validation.LonOutOfRange(l.Lon)})
		}
		if l.Lat < -90 || l.Lat > 90 {
			v = append(v, validation.FieldError{Field: "location.lat", Code: "out_of_range", Detail: validation.LatOutOfRange(l.Lat)})
		}
	}
	if err := inc.Casualties.Validate(); err != nil {
		for _, f := range err.(validation.Errors) {
			f.Field = "casualties." + f.Field
			v = append(v, f)
		}
	}
	for k, n := range inc.Exposure.Polluted {
		if !k.Valid() || n < 0 {
			v = append(v, validation.FieldError{Field: "exposure.polluted." + k.Code(), Code: "invalid", Detail: fmt.Sprintf("%s 的数量 %d 无效", k.Label(), n)})
		}
	}
	for k, n := range inc.Exposure.Endangered {
		if !k.Valid() || n < 0 {
			v = append(v, validation.FieldError{Field: "exposure.endangered." + k.Code(), Code: "invalid", Detail: fmt.Sprintf("%s 的数量 %d 无效", k.Label(), n)})
		}
	}
	return v.OrNil()
}

// Assessment is everything derived from the counts and exposure.
type Assessment struct {
	Grade        Grade         `json:"grade"`
	GradeReasons []GradeReason `json:"grade_reasons"`
	RiskFlags    []RiskFlag    `json:"risk_flags"` // 1.5.2 criteria that fired
	Duty         ReportingDuty `json:"duty"`
	CountyRole   CountyRole    `json:"county_role"`
}

// AtRisk reports whether the incident is 较大涉险 (any 1.5.2 criterion).
func (a Assessment) AtRisk() bool { return len(a.RiskFlags) > 0 }

// Assess grades the incident and evaluates 1.5.2.
func (inc *Incident) Assess() Assessment {
	g, reasons := GradeOf(inc.Casualties)
	flags := RiskFlagsOf(RiskInput{Casualties: inc.Casualties, Exposure: inc.Exposure, OtherReason: inc.OtherRiskReason})
	return Assessment{
		Grade:        g,
		GradeReasons: reasons,
		RiskFlags:    flags,
		Duty:         DutyOf(g, len(flags) > 0),
		CountyRole:   CountyRoleFor(g),
	}
}

// Revise replaces the counts, exposure and manual 1.5.2(6) reason with
// newer figures. When the reporting duty becomes stricter, at is recorded
// as EscalatedAt so that the new obligations run from now (4.1.3).
func (inc *Incident) Revise(c Casualties, e Exposure, otherRiskReason string, at time.Time) error {
	next := *inc
	next.Casualties, next.Exposure, next.OtherRiskReason = c, e, strings.TrimSpace(otherRiskReason)
	if err := next.Validate(); err != nil {
		return err
	}
	if next.Assess().Duty.StricterThan(inc.Assess().Duty) {
		next.EscalatedAt = at.UTC()
	}
	*inc = next
	return nil
}

// ClockInput gathers the reporting clock's input from the incident.
func (inc *Incident) ClockInput() ClockInput {
	a := inc.Assess()
	in := ClockInput{
		OccurredAt:  inc.OccurredAt,
		Grade:       a.Grade,
		AtRisk:      a.AtRisk(),
		Reports:     inc.Reports,
		EscalatedAt: inc.EscalatedAt,
	}
	// Follow-ups are owed while the incident is being handled; they end
	// when the response terminates, or when a verified incident is closed
	// without one (4.3 ¶4).
	for _, c := range inc.History {
		if c.To.State == Terminated || c.To.State == Closed {
			in.FollowUpsEnd = c.At
			break
		}
	}
	return in
}

// Deadlines returns the reporting deadlines as of now.
func (inc *Incident) Deadlines(now time.Time) []Deadline {
	return Deadlines(inc.ClockInput(), now)
}

// Apply makes a lifecycle change (see Transition) and records it.
func (inc *Incident) Apply(to Status, req Request) (Change, error) {
	c, err := Transition(inc.Status, to, req)
	if err != nil {
		return Change{}, err
	}
	inc.Status = c.To
	inc.History = append(inc.History, c)
	return c, nil
}
