package incidentstore

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"sitrep/incidents"
	"sitrep/incidents/orgplan"
	"sitrep/internal/beijing"
)

// Feature is an incident as the API and the live stream carry it: a GeoJSON
// Feature whose geometry is the location (null until known), written by
// PostGIS, never re-encoded here.
type Feature struct {
	Type string `json:"type"`
	// ID is the incident id as a string, spelled as the events' entity_id.
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties Properties      `json:"properties"`
	// Overdue is set only on "overdue" events: the deadline that was missed
	// (a GeoJSON foreign member).
	Overdue *DeadlineView `json:"overdue,omitempty"`
}

// Properties are everything the map and the incident page show, the rules'
// results included, computed as of the moment of the answer.
type Properties struct {
	// Label is what a map symbol or list shows; a drill's starts with 【演练】.
	Label         string                   `json:"label"`
	Drill         bool                     `json:"drill"`
	Kind          incidents.Kind           `json:"kind"`
	KindLabel     string                   `json:"kind_label"`
	Place         string                   `json:"place"`
	Township      string                   `json:"township"`
	Unit          string                   `json:"unit"`
	Area          json.RawMessage          `json:"area"`
	OutsideCounty *bool                    `json:"outside_county"`
	OccurredAt    time.Time                `json:"occurred_at"`
	OccurredAtBJ  string                   `json:"occurred_at_beijing"`
	ReportedAt    time.Time                `json:"reported_at"`
	ReportedAtBJ  string                   `json:"reported_at_beijing"`
	Casualties    incidents.Casualties     `json:"casualties"`
	Exposure      incidents.Exposure       `json:"exposure"`
	OtherReason   string                   `json:"other_risk_reason"`
	Grade         incidents.Grade          `json:"grade"`
	GradeLabel    string                   `json:"grade_label"`
	GradeReasons  []incidents.GradeReason  `json:"grade_reasons"`
	AtRisk        bool                     `json:"at_risk"`
	RiskFlags     []RiskFlagView           `json:"risk_flags"`
	CountyRole    incidents.CountyRole     `json:"county_role"`
	State         incidents.State          `json:"state"`
	StateLabel    string                   `json:"state_label"`
	Level         *incidents.ResponseLevel `json:"level"`
	StateSince    time.Time                `json:"state_since"`
	NextStates    []incidents.State        `json:"next_states"`
	Duty          DutyView                 `json:"reporting_duty"`
	Deadlines     []DeadlineView           `json:"deadlines"`
	OverdueCount  int                      `json:"overdue_count"`
	// FirstRecipient is the sector authority that receives the unit's
	// report besides the HQ office (Annex 4); Lead organises the rescue.
	FirstRecipient orgplan.Unit   `json:"first_recipient"`
	Lead           orgplan.Unit   `json:"lead"`
	Escalation     []orgplan.Step `json:"escalation"`
	DutyPhone      string         `json:"duty_phone"`
	Response       *Response      `json:"response"`
	Version        int            `json:"version"`
	AsOf           time.Time      `json:"as_of"`
}

// RiskFlagView is a 较大涉险 criterion that fired, with its label.
type RiskFlagView struct {
	incidents.RiskFlag
	Label string `json:"label"`
}

// DutyView is how far up reports must go and how often follow-ups are due.
type DutyView struct {
	Reach              incidents.Tier `json:"reach"`
	ReachLabel         string         `json:"reach_label"`
	FollowUpEveryHours float64        `json:"follow_up_every_hours"`
}

// DeadlineView is one reporting deadline, due time in UTC and in Beijing time.
type DeadlineView struct {
	Key       string                 `json:"key"`
	Kind      incidents.DeadlineKind `json:"kind"`
	KindLabel string                 `json:"kind_label"`
	Tier      *incidents.Tier        `json:"tier,omitempty"`
	Seq       int                    `json:"seq,omitempty"`
	Due       time.Time              `json:"due"`
	DueBJ     string                 `json:"due_beijing"`
	MetAt     *time.Time             `json:"met_at"`
	MetAtBJ   string                 `json:"met_at_beijing,omitempty"`
	Met       bool                   `json:"met"`
	Late      bool                   `json:"late"`
	Overdue   bool                   `json:"overdue"`
	Rule      string                 `json:"rule"`
}

func deadlineView(d incidents.Deadline) DeadlineView {
	v := DeadlineView{Key: d.Key(), Kind: d.Kind, KindLabel: d.Kind.Label(), Seq: d.Seq,
		Due: d.Due.UTC(), DueBJ: beijing.Format(d.Due), MetAt: d.MetAt, Met: d.MetAt != nil,
		Late: d.Late(), Overdue: d.Overdue, Rule: d.Rule}
	if d.Tier.Valid() {
		t := d.Tier
		v.Tier = &t
	}
	if d.MetAt != nil {
		v.MetAtBJ = beijing.Format(*d.MetAt)
	}
	return v
}

// feature renders rec as of now with plan.
func feature(rec *record, plan *orgplan.Plan, now time.Time) Feature {
	inc := &rec.Inc
	a := inc.Assess()
	geom := rec.Location
	if geom == nil {
		geom = json.RawMessage("null")
	}
	area := rec.Area
	if area == nil {
		area = json.RawMessage("null")
	}
	p := Properties{
		Label: incidents.Marked(inc.Drill, strings.TrimSpace(inc.Kind.Label()+" "+inc.Place)),
		Drill: inc.Drill, Kind: inc.Kind, KindLabel: inc.Kind.Label(), Place: inc.Place,
		Township: inc.Township, Unit: inc.Unit, Area: area, OutsideCounty: rec.OutsideCounty,
		OccurredAt: inc.OccurredAt, OccurredAtBJ: beijing.Format(inc.OccurredAt),
		ReportedAt: rec.ReportedAt, ReportedAtBJ: beijing.Format(rec.ReportedAt),
		Casualties: inc.Casualties, Exposure: inc.Exposure, OtherReason: inc.OtherRiskReason,
		Grade: a.Grade, GradeLabel: a.Grade.Label(), GradeReasons: a.GradeReasons,
		AtRisk: a.AtRisk(), RiskFlags: []RiskFlagView{}, CountyRole: a.CountyRole,
		State: inc.Status.State, StateLabel: inc.Status.State.Label(), StateSince: inc.Status.Since,
		NextStates: incidents.NextStates(inc.Status.State),
		Duty: DutyView{Reach: a.Duty.Reach, ReachLabel: a.Duty.Reach.Label(),
			FollowUpEveryHours: a.Duty.FollowUpEvery.Hours()},
		Deadlines:  []DeadlineView{},
		Escalation: plan.Chain(a.Duty.Reach),
		DutyPhone:  plan.DutyPhone,
		Response:   rec.Response,
		Version:    rec.Version,
		AsOf:       now.UTC(),
	}
	if p.NextStates == nil {
		p.NextStates = []incidents.State{}
	}
	if inc.Status.State.HasLevel() {
		l := inc.Status.Level
		p.Level = &l
	}
	for _, f := range a.RiskFlags {
		p.RiskFlags = append(p.RiskFlags, RiskFlagView{RiskFlag: f, Label: f.Criterion.Label()})
	}
	for _, d := range rec.deadlines(now) {
		p.Deadlines = append(p.Deadlines, deadlineView(d))
		if d.Overdue {
			p.OverdueCount++
		}
	}
	if route, ok := plan.Route(inc.Kind); ok {
		p.FirstRecipient, p.Lead = route.FirstRecipient, route.Lead
	}
	return Feature{Type: "Feature", ID: strconv.FormatInt(rec.ID, 10), Geometry: geom, Properties: p}
}

// FeatureCollection is a list of incidents for the map.
type FeatureCollection struct {
	Type     string    `json:"type"`
	Features []Feature `json:"features"`
}
