package incidents

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func newIncident() Incident {
	return Incident{
		ID: "inc-1", Kind: MiningIndustryTrade, Place: "板房沟镇某矿", Location: &LonLat{Lon: 87.4, Lat: 43.5},
		OccurredAt: occurred, Status: Initial(at(20 * time.Minute)),
		Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: at(20 * time.Minute)}},
	}
}

func TestIncidentValidate(t *testing.T) {
	inc := newIncident()
	if err := inc.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Incident{Location: &LonLat{Lon: 200, Lat: -91}, Casualties: Casualties{Missing: -1},
		Exposure: Exposure{Polluted: map[PollutionTarget]int{PollutionRiver: -2}}}
	assertField(t, bad.Validate(), "kind", "occurred_at", "location.lon", "location.lat", "casualties.missing", "exposure.polluted.river")
	bad = Incident{Kind: Fire, OccurredAt: occurred}
	assertField(t, bad.Validate(), "place")
	long := strings.Repeat("长", 2001)
	bad = Incident{Kind: Fire, OccurredAt: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		Place: long[:201*3], Township: long[:101*3], Unit: long[:201*3], OtherRiskReason: long}
	assertField(t, bad.Validate(), "occurred_at", "place", "township", "unit", "other_risk_reason")
}

func TestIncidentAssess(t *testing.T) {
	inc := newIncident()
	inc.Casualties = Casualties{Deaths: 1, Trapped: 4}
	a := inc.Assess()
	if a.Grade != GradeIV || !a.AtRisk() || a.RiskFlags[0].Criterion != RiskTrappedMissing || a.CountyRole != RoleGuide {
		t.Fatalf("assessment = %+v", a)
	}
	if a.Duty.Reach != TierRegion || a.Duty.FollowUpEvery != 24*time.Hour {
		t.Errorf("duty = %+v", a.Duty)
	}
}

func TestReviseRecordsEscalation(t *testing.T) {
	inc := newIncident()
	e1 := at(3 * time.Hour)
	if err := inc.Revise(Casualties{Deaths: 1}, Exposure{}, "", e1); err != nil {
		t.Fatal(err)
	}
	if !inc.EscalatedAt.IsZero() {
		t.Fatal("no escalation expected for 一般")
	}
	if err := inc.Revise(Casualties{Deaths: 3}, Exposure{}, "", e1); err != nil {
		t.Fatal(err)
	}
	if !inc.EscalatedAt.Equal(e1) {
		t.Fatalf("escalated at %v", inc.EscalatedAt)
	}
	// Lower figures do not move it; bad figures change nothing.
	if err := inc.Revise(Casualties{Deaths: 1}, Exposure{}, "", at(5*time.Hour)); err != nil || !inc.EscalatedAt.Equal(e1) {
		t.Fatalf("de-escalation moved it: %v %v", inc.EscalatedAt, err)
	}
	before := inc.Casualties
	if err := inc.Revise(Casualties{Deaths: -3}, Exposure{}, "", at(6*time.Hour)); err == nil || inc.Casualties != before {
		t.Fatal("invalid revision applied")
	}
	// Region deadline runs from the escalation.
	inc.Casualties.Deaths = 3
	d := find(t, inc.Deadlines(e1.Add(time.Hour)), "chain_report:region")
	if !d.Due.Equal(e1.Add(2 * time.Hour)) {
		t.Errorf("region due %v", d.Due)
	}
}

func TestIncidentLifecycleEndsFollowUps(t *testing.T) {
	inc := newIncident()
	inc.Casualties.Deaths = 12 // 重大: follow-ups twice a day
	step := func(to Status, d time.Duration, term *TerminationChecks) {
		t.Helper()
		if _, err := inc.Apply(to, Request{Actor: "县人民政府", At: at(d), Reason: "r", Termination: term}); err != nil {
			t.Fatal(err)
		}
	}
	step(Status{State: Verified}, 30*time.Minute, nil)
	step(Status{State: Active, Level: LevelII}, time.Hour, nil)
	step(Status{State: Suspended}, 3*time.Hour, nil)
	if inc.Status.Level != LevelII {
		t.Fatalf("suspended level = %v", inc.Status.Level)
	}
	step(Status{State: Active, Level: LevelI}, 4*time.Hour, nil)
	step(Status{State: Terminated}, 6*time.Hour, allConfirmed())
	if len(inc.History) != 5 || inc.Status.State != Terminated {
		t.Fatalf("history %d, status %v", len(inc.History), inc.Status)
	}
	for _, d := range inc.Deadlines(at(40 * time.Hour)) {
		if d.Kind == FollowUp {
			t.Errorf("follow-up owed after termination: %+v", d)
		}
	}
	if _, err := inc.Apply(Status{State: Active, Level: LevelI}, Request{Actor: "x", At: at(7 * time.Hour), Reason: "r"}); !errors.Is(err, ErrForbiddenTransition) {
		t.Fatalf("reopen: %v", err)
	}
	if len(inc.History) != 5 {
		t.Fatal("rejected change recorded")
	}
}

func TestIncidentJSONRoundTrip(t *testing.T) {
	inc := newIncident()
	inc.Exposure.Endangered = map[ImportantSite]int{SiteHazchemStore: 1}
	if _, err := inc.Apply(Status{State: Verified}, Request{Actor: "a", At: at(time.Hour), Reason: "r"}); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(inc)
	if err != nil {
		t.Fatal(err)
	}
	var back Incident
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if back.Status.State != Verified || back.Exposure.Endangered[SiteHazchemStore] != 1 ||
		!back.Reports.ReceivedAt[TierCounty].Equal(at(20*time.Minute)) || len(back.History) != 1 {
		t.Errorf("round trip lost data: %s", b)
	}
}
