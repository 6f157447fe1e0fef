package incidents

import (
	"slices"
	"testing"
	"time"

	"sitrep/internal/beijing"
)

// occurred is a fixed accident time; every "now" in these tests is an
// offset from it, which is the fake clock.
var occurred = time.Date(2024, 7, 10, 2, 15, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return occurred.Add(d) }

func find(t *testing.T, ds []Deadline, key string) Deadline {
	t.Helper()
	for _, d := range ds {
		if d.Key() == key {
			return d
		}
	}
	t.Fatalf("no deadline %q in %v", key, keys(ds))
	return Deadline{}
}

func keys(ds []Deadline) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Key())
	}
	return out
}

const ns = time.Nanosecond

func TestUnitReportDeadline(t *testing.T) {
	tests := []struct {
		name        string
		received    time.Duration // 0: not yet
		now         time.Duration
		overdue     bool
		met, late   bool
		wantNumKeys int
	}{
		{"just occurred", 0, 0, false, false, false, 1},
		{"at the due instant: still on time", 0, 30 * time.Minute, false, false, false, 1},
		{"one nanosecond later: overdue", 0, 30*time.Minute + ns, true, false, false, 1},
		{"received at due instant: on time", 30 * time.Minute, 31 * time.Minute, false, true, false, 2},
		{"received late", 45 * time.Minute, time.Hour, false, true, true, 2},
		{"report after now is not known yet", 45 * time.Minute, 40 * time.Minute, true, false, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ClockInput{OccurredAt: occurred, Grade: GradeIV}
			if tt.received != 0 {
				in.Reports.ReceivedAt = map[Tier]time.Time{TierCounty: at(tt.received)}
			}
			ds := Deadlines(in, at(tt.now))
			d := find(t, ds, "unit_report")
			if !d.Due.Equal(at(30 * time.Minute)) {
				t.Errorf("due = %v", d.Due)
			}
			if d.Overdue != tt.overdue || (d.MetAt != nil) != tt.met || d.Late() != tt.late {
				t.Errorf("overdue=%v met=%v late=%v, want %v %v %v", d.Overdue, d.MetAt != nil, d.Late(), tt.overdue, tt.met, tt.late)
			}
			if len(ds) != tt.wantNumKeys {
				t.Errorf("deadlines = %v", keys(ds))
			}
		})
	}
}

func TestChainReachByGrade(t *testing.T) {
	received := map[Tier]time.Time{TierCounty: at(20 * time.Minute)}
	tests := []struct {
		grade  Grade
		atRisk bool
		want   []string
	}{
		{GradeIV, false, []string{"unit_report", "chain_report:city"}},
		{GradeIV, true, []string{"unit_report", "chain_report:city", "chain_report:region", "follow_up:1"}},
		{GradeIII, false, []string{"unit_report", "chain_report:city", "chain_report:region", "follow_up:1"}},
		{GradeII, false, []string{"unit_report", "chain_report:city", "chain_report:region", "chain_report:state_council", "follow_up:1"}},
		{GradeI, true, []string{"unit_report", "chain_report:city", "chain_report:region", "chain_report:state_council", "follow_up:1"}},
	}
	for _, tt := range tests {
		ds := Deadlines(ClockInput{OccurredAt: occurred, Grade: tt.grade, AtRisk: tt.atRisk, Reports: ReportLog{ReceivedAt: received}}, at(time.Hour))
		if got := keys(ds); !slices.Equal(got, tt.want) {
			t.Errorf("%v atRisk=%v: %v, want %v", tt.grade, tt.atRisk, got, tt.want)
		}
	}
}

func TestChainDeadline(t *testing.T) {
	county := at(20 * time.Minute)
	due := county.Add(2 * time.Hour)
	in := ClockInput{OccurredAt: occurred, Grade: GradeIII, Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: county}}}

	d := find(t, Deadlines(in, due), "chain_report:city")
	if !d.Due.Equal(due) || d.Overdue {
		t.Fatalf("at due: %+v", d)
	}
	d = find(t, Deadlines(in, due.Add(ns)), "chain_report:region")
	if !d.Overdue {
		t.Fatalf("after due: %+v", d)
	}

	// Reaching the region implies the city had it.
	in.Reports.ReceivedAt[TierRegion] = county.Add(90 * time.Minute)
	ds := Deadlines(in, due.Add(time.Hour))
	for _, k := range []string{"chain_report:city", "chain_report:region"} {
		d := find(t, ds, k)
		if d.Overdue || d.MetAt == nil || !d.MetAt.Equal(county.Add(90*time.Minute)) {
			t.Errorf("%s: %+v", k, d)
		}
	}
	// City reached earlier than region counts for the city.
	in.Reports.ReceivedAt[TierCity] = county.Add(10 * time.Minute)
	if d := find(t, Deadlines(in, due), "chain_report:city"); !d.MetAt.Equal(county.Add(10 * time.Minute)) {
		t.Errorf("city met at %v", d.MetAt)
	}
}

func TestChainEscalation(t *testing.T) {
	// A 一般 accident reported to the city becomes 较大 hours later: the
	// region's 2 hours run from the escalation, not from the first report.
	county := at(20 * time.Minute)
	esc := at(10 * time.Hour)
	in := ClockInput{OccurredAt: occurred, Grade: GradeIII, EscalatedAt: esc,
		Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: county, TierCity: county.Add(time.Hour)}}}
	ds := Deadlines(in, esc.Add(time.Minute))
	if d := find(t, ds, "chain_report:city"); !d.Due.Equal(county.Add(2 * time.Hour)) {
		t.Errorf("city due moved: %v", d.Due)
	}
	d := find(t, ds, "chain_report:region")
	if !d.Due.Equal(esc.Add(2*time.Hour)) || d.Overdue {
		t.Errorf("region: %+v", d)
	}
	// An escalation not yet happened as of now is ignored.
	d = find(t, Deadlines(in, esc.Add(-time.Minute)), "chain_report:region")
	if !d.Due.Equal(county.Add(2 * time.Hour)) {
		t.Errorf("future escalation used: %+v", d)
	}
}

func TestFollowUps(t *testing.T) {
	county := at(20 * time.Minute)
	recv := map[Tier]time.Time{TierCounty: county}
	tests := []struct {
		name      string
		grade     Grade
		atRisk    bool
		followUps []time.Time
		esc, end  time.Time
		now       time.Time
		wantSeq   int // 0: no follow-up deadline
		wantDue   time.Time
		overdue   bool
	}{
		{name: "一般 owes none", grade: GradeIV, now: county.Add(48 * time.Hour)},
		{name: "较大涉险 daily", grade: GradeIV, atRisk: true, now: county.Add(time.Hour), wantSeq: 1, wantDue: county.Add(24 * time.Hour)},
		{name: "较大 daily", grade: GradeIII, now: county.Add(time.Hour), wantSeq: 1, wantDue: county.Add(24 * time.Hour)},
		{name: "重大 twice a day", grade: GradeII, now: county.Add(time.Hour), wantSeq: 1, wantDue: county.Add(12 * time.Hour)},
		{name: "特别重大 twice a day", grade: GradeI, now: county.Add(time.Hour), wantSeq: 1, wantDue: county.Add(12 * time.Hour)},
		{name: "at due instant: on time", grade: GradeIII, now: county.Add(24 * time.Hour), wantSeq: 1, wantDue: county.Add(24 * time.Hour)},
		{name: "after due: overdue", grade: GradeIII, now: county.Add(24*time.Hour + ns), wantSeq: 1, wantDue: county.Add(24 * time.Hour), overdue: true},
		{name: "rolls from last follow-up", grade: GradeIII,
			followUps: []time.Time{county.Add(30 * time.Hour), county.Add(10 * time.Hour)}, // any order
			now:       county.Add(31 * time.Hour), wantSeq: 3, wantDue: county.Add(54 * time.Hour)},
		{name: "rolls twice a day", grade: GradeII, followUps: []time.Time{county.Add(11 * time.Hour)},
			now: county.Add(12 * time.Hour), wantSeq: 2, wantDue: county.Add(23 * time.Hour)},
		{name: "late follow-up restarts the clock", grade: GradeII, followUps: []time.Time{county.Add(20 * time.Hour)},
			now: county.Add(21 * time.Hour), wantSeq: 2, wantDue: county.Add(32 * time.Hour)},
		{name: "follow-up after now not yet known", grade: GradeIII, followUps: []time.Time{county.Add(30 * time.Hour)},
			now: county.Add(25 * time.Hour), wantSeq: 1, wantDue: county.Add(24 * time.Hour), overdue: true},
		{name: "escalation restarts cadence", grade: GradeII, followUps: []time.Time{county.Add(2 * time.Hour)},
			esc: county.Add(20 * time.Hour), now: county.Add(21 * time.Hour), wantSeq: 2, wantDue: county.Add(32 * time.Hour)},
		{name: "ended by termination", grade: GradeII, end: county.Add(5 * time.Hour), now: county.Add(30 * time.Hour)},
		{name: "termination in the future does not end it yet", grade: GradeII, end: county.Add(40 * time.Hour),
			now: county.Add(13 * time.Hour), wantSeq: 1, wantDue: county.Add(12 * time.Hour), overdue: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ClockInput{OccurredAt: occurred, Grade: tt.grade, AtRisk: tt.atRisk, EscalatedAt: tt.esc, FollowUpsEnd: tt.end,
				Reports: ReportLog{ReceivedAt: recv, FollowUps: tt.followUps}}
			var fu []Deadline
			for _, d := range Deadlines(in, tt.now) {
				if d.Kind == FollowUp {
					fu = append(fu, d)
				}
			}
			if tt.wantSeq == 0 {
				if len(fu) != 0 {
					t.Fatalf("want none, got %+v", fu)
				}
				return
			}
			if len(fu) != 1 {
				t.Fatalf("want one follow-up deadline, got %+v", fu)
			}
			d := fu[0]
			if d.Seq != tt.wantSeq || !d.Due.Equal(tt.wantDue) || d.Overdue != tt.overdue || d.Rule == "" {
				t.Fatalf("got seq=%d due=%v overdue=%v, want %d %v %v", d.Seq, d.Due, d.Overdue, tt.wantSeq, tt.wantDue, tt.overdue)
			}
		})
	}
}

func TestNoChainOrFollowUpBeforeCountyKnows(t *testing.T) {
	ds := Deadlines(ClockInput{OccurredAt: occurred, Grade: GradeI}, at(5*time.Hour))
	if got := keys(ds); !slices.Equal(got, []string{"unit_report"}) || !ds[0].Overdue {
		t.Fatalf("got %v", ds)
	}
}

func TestDeadlinesAreUTC(t *testing.T) {
	in := ClockInput{OccurredAt: occurred.In(beijing.Zone), Grade: GradeIII,
		Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: at(10 * time.Minute).In(beijing.Zone)}}}
	for _, d := range Deadlines(in, at(time.Hour).In(beijing.Zone)) {
		if d.Due.Location() != time.UTC || (d.MetAt != nil && d.MetAt.Location() != time.UTC) {
			t.Errorf("%s not UTC: %v", d.Key(), d.Due)
		}
	}
}

// TestBecameOverdueExactlyOnce runs a ticker over two days in uneven steps,
// one of them landing exactly on a due instant, and checks that every
// deadline turns overdue in exactly one tick: the one whose interval
// holds the instant just after its due time.
func TestBecameOverdueExactlyOnce(t *testing.T) {
	// The unit reported at 40 min, 10 min late: as of any instant between
	// 30 and 40 min the report was not yet known, so it was overdue then.
	in := ClockInput{OccurredAt: occurred, Grade: GradeII,
		Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: at(40 * time.Minute)}}}
	want := map[string]time.Time{
		"unit_report":                at(30 * time.Minute),
		"chain_report:city":          at(160 * time.Minute),
		"chain_report:region":        at(160 * time.Minute),
		"chain_report:state_council": at(160 * time.Minute),
		"follow_up:1":                at(12*time.Hour + 40*time.Minute),
	}
	var ticks []time.Time
	for m := 0; m <= 120; m += 5 { // lands on 30 min exactly
		ticks = append(ticks, at(time.Duration(m)*time.Minute))
	}
	for m := 120 + 17; m <= 48*60; m += 17 {
		ticks = append(ticks, at(time.Duration(m)*time.Minute))
	}
	got := map[string]int{}
	for i := 1; i < len(ticks); i++ {
		prev, now := ticks[i-1], ticks[i]
		for _, d := range BecameOverdue(in, prev, now) {
			got[d.Key()]++
			if w, ok := want[d.Key()]; ok && !(w.Compare(prev) >= 0 && w.Before(now)) {
				t.Errorf("%s due %v reported in (%v, %v]", d.Key(), w, prev, now)
			}
		}
	}
	for k := range want {
		if got[k] != 1 {
			t.Errorf("%s reported %d times, want 1", k, got[k])
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected event %s ×%d", k, n)
		}
	}
}

func TestBecameOverdueAtDueInstant(t *testing.T) {
	in := ClockInput{OccurredAt: occurred, Grade: GradeIV}
	due := at(30 * time.Minute)
	if got := BecameOverdue(in, due.Add(-time.Minute), due); len(got) != 0 {
		t.Errorf("at due instant: %v", keys(got))
	}
	if got := BecameOverdue(in, due, due.Add(ns)); len(got) != 1 {
		t.Errorf("just after: %v", keys(got))
	}
	if got := BecameOverdue(in, due.Add(ns), due.Add(time.Hour)); len(got) != 0 {
		t.Errorf("again later: %v", keys(got))
	}
}

func TestNewlyOverdueCatchesBackdatedFacts(t *testing.T) {
	county := at(10 * time.Minute)
	in := ClockInput{OccurredAt: occurred, Grade: GradeIII,
		Reports: ReportLog{ReceivedAt: map[Tier]time.Time{TierCounty: county, TierRegion: county.Add(time.Hour)}}}
	t1 := county.Add(50 * time.Hour)
	prev := Deadlines(in, t1) // follow_up:1 overdue since 24h, already emitted
	// Someone records a follow-up sent at 25h, back-dated: follow_up:2 was
	// due at 49h and is already overdue at t1.
	in.Reports.FollowUps = []time.Time{county.Add(25 * time.Hour)}
	t2 := t1.Add(time.Minute)
	if got := BecameOverdue(in, t1, t2); len(got) != 0 {
		t.Fatalf("BecameOverdue is documented to miss this; got %v", keys(got))
	}
	got := NewlyOverdue(prev, Deadlines(in, t2))
	if len(got) != 1 || got[0].Key() != "follow_up:2" {
		t.Fatalf("NewlyOverdue = %v", keys(got))
	}
	if len(Overdue(Deadlines(in, t2))) != 1 {
		t.Error("Overdue should list follow_up:2 only")
	}
}

func TestDutyStricterThan(t *testing.T) {
	iv, risk, iii, ii := DutyOf(GradeIV, false), DutyOf(GradeIV, true), DutyOf(GradeIII, false), DutyOf(GradeII, false)
	if !risk.StricterThan(iv) || !ii.StricterThan(iii) || !iii.StricterThan(iv) {
		t.Error("escalations not detected")
	}
	if iii.StricterThan(risk) || iv.StricterThan(iii) || iii.StricterThan(iii) || iv.StricterThan(iv) {
		t.Error("non-escalation flagged")
	}
}
