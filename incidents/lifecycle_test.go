package incidents

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"sitrep/internal/validation"
)

var t0 = time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)

func allConfirmed() *TerminationChecks {
	return &TerminationChecks{PeopleRescued: true, SceneControlled: true,
		EnvironmentWithinStandards: true, SecondaryHazardsRemoved: true, ProposedBy: "现场指挥中心 张三"}
}

func goodRequest() Request {
	return Request{Actor: "值班员 李四", At: t0.Add(time.Hour), Reason: "按预案", Termination: allConfirmed()}
}

// statusIn builds a plausible current status for a state.
func statusIn(s State) Status {
	st := Status{State: s, Since: t0}
	if s.HasLevel() {
		st.Level = LevelIII
	}
	return st
}

// target builds a target status; an active target gets a level different
// from statusIn's, so that active → active is a real level change.
func target(s State) Status {
	st := Status{State: s}
	if s == Active {
		st.Level = LevelII
	}
	return st
}

func TestTransitionMatrix(t *testing.T) {
	ok := map[[2]State]bool{
		{Reported, Verified}: true,
		{Verified, Active}:   true,
		{Verified, Closed}:   true,
		{Active, Active}:     true, // level change
		{Active, Suspended}:  true,
		{Active, Terminated}: true,
		{Suspended, Active}:  true,
		{Terminated, Closed}: true,
	}
	for _, from := range States() {
		for _, to := range States() {
			t.Run(from.Code()+"→"+to.Code(), func(t *testing.T) {
				c, err := Transition(statusIn(from), target(to), goodRequest())
				if ok[[2]State{from, to}] {
					if err != nil {
						t.Fatalf("want allowed, got %v", err)
					}
					if c.To.State != to || c.From.State != from || !c.At.Equal(t0.Add(time.Hour)) || !c.To.Since.Equal(c.At) {
						t.Fatalf("change = %+v", c)
					}
					if to.HasLevel() != c.To.Level.Valid() {
						t.Errorf("level %v in state %v", c.To.Level, to)
					}
					if (to == Terminated) != (c.Termination != nil) {
						t.Errorf("termination checks recorded = %v for %v", c.Termination != nil, to)
					}
					return
				}
				var se *StateError
				if !errors.As(err, &se) || !errors.Is(err, ErrForbiddenTransition) {
					t.Fatalf("want *StateError, got %v", err)
				}
				if se.Why == "" {
					t.Error("no reason given")
				}
			})
		}
	}
}

func TestNextStatesMatchesTransition(t *testing.T) {
	for _, from := range States() {
		var got []State
		for _, to := range States() {
			if _, err := Transition(statusIn(from), target(to), goodRequest()); err == nil {
				got = append(got, to)
			}
		}
		if want := NextStates(from); !slices.Equal(got, want) {
			t.Errorf("%v: Transition allows %v, NextStates says %v", from, got, want)
		}
	}
	if len(NextStates(Closed)) != 0 {
		t.Error("closed must be final")
	}
}

func TestLevelRules(t *testing.T) {
	req := goodRequest()
	tests := []struct {
		name      string
		from, to  Status
		wantLevel ResponseLevel
		wantErr   string // "" ok, "409", or a field name for 422
	}{
		{"activate needs level", statusIn(Verified), Status{State: Active}, 0, "level"},
		{"activate with bad level", statusIn(Verified), Status{State: Active, Level: 9}, 0, "level"},
		{"activate at IV", statusIn(Verified), Status{State: Active, Level: LevelIV}, LevelIV, ""},
		{"raise level", statusIn(Active), Status{State: Active, Level: LevelI}, LevelI, ""},
		{"lower level", statusIn(Active), Status{State: Active, Level: LevelIV}, LevelIV, ""},
		{"same level is no change", statusIn(Active), Status{State: Active, Level: LevelIII}, 0, "409"},
		{"suspend keeps level", statusIn(Active), Status{State: Suspended}, LevelIII, ""},
		{"suspend with same level", statusIn(Active), Status{State: Suspended, Level: LevelIII}, LevelIII, ""},
		{"suspend cannot change level", statusIn(Active), Status{State: Suspended, Level: LevelI}, 0, "level"},
		{"resume at another level", statusIn(Suspended), Status{State: Active, Level: LevelI}, LevelI, ""},
		{"resume at same level", statusIn(Suspended), Status{State: Active, Level: LevelIII}, LevelIII, ""},
		{"terminate drops level", statusIn(Active), Status{State: Terminated, Level: LevelI}, 0, ""},
		{"unknown target state", statusIn(Active), Status{State: 42}, 0, "state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Transition(tt.from, tt.to, req)
			switch tt.wantErr {
			case "":
				if err != nil {
					t.Fatal(err)
				}
				if c.To.Level != tt.wantLevel {
					t.Fatalf("level = %v, want %v", c.To.Level, tt.wantLevel)
				}
			case "409":
				if !errors.Is(err, ErrForbiddenTransition) {
					t.Fatalf("want 409, got %v", err)
				}
			default:
				assertField(t, err, tt.wantErr)
			}
		})
	}
}

func assertField(t *testing.T, err error, fields ...string) {
	t.Helper()
	var v validation.Errors
	if !errors.As(err, &v) {
		t.Fatalf("want validation.Errors on %v, got %v", fields, err)
	}
	var got []string
	for _, f := range v {
		got = append(got, f.Field)
		if f.Code == "" || f.Detail == "" {
			t.Errorf("field error without code or message: %+v", f)
		}
	}
	if !slices.Equal(got, fields) {
		t.Fatalf("fields = %v, want %v", got, fields)
	}
}

func TestRequestFields(t *testing.T) {
	from := statusIn(Reported)
	to := Status{State: Verified}
	tests := []struct {
		name   string
		mutate func(*Request)
		fields []string
	}{
		{"no actor", func(r *Request) { r.Actor = " " }, []string{"actor"}},
		{"no time", func(r *Request) { r.At = time.Time{} }, []string{"at"}},
		{"before current state", func(r *Request) { r.At = t0.Add(-time.Second) }, []string{"at"}},
		{"no reason", func(r *Request) { r.Reason = "" }, []string{"reason"}},
		{"nothing", func(r *Request) { *r = Request{} }, []string{"actor", "at", "reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := goodRequest()
			tt.mutate(&r)
			_, err := Transition(from, to, r)
			assertField(t, err, tt.fields...)
		})
	}
	// The instant the current state began is itself acceptable.
	r := goodRequest()
	r.At = t0
	if _, err := Transition(from, to, r); err != nil {
		t.Fatalf("at == since: %v", err)
	}
}

func TestTerminationNeedsAllFourConditions(t *testing.T) {
	from, to := statusIn(Active), Status{State: Terminated}
	tests := []struct {
		name   string
		checks *TerminationChecks
		fields []string
	}{
		{"missing checks", nil, []string{"termination"}},
		{"people not rescued", &TerminationChecks{SceneControlled: true, EnvironmentWithinStandards: true, SecondaryHazardsRemoved: true, ProposedBy: "x"},
			[]string{"termination.people_rescued"}},
		{"scene not controlled", &TerminationChecks{PeopleRescued: true, EnvironmentWithinStandards: true, SecondaryHazardsRemoved: true, ProposedBy: "x"},
			[]string{"termination.scene_controlled"}},
		{"environment not within standards", &TerminationChecks{PeopleRescued: true, SceneControlled: true, SecondaryHazardsRemoved: true, ProposedBy: "x"},
			[]string{"termination.environment_within_standards"}},
		{"secondary hazards remain", &TerminationChecks{PeopleRescued: true, SceneControlled: true, EnvironmentWithinStandards: true, ProposedBy: "x"},
			[]string{"termination.secondary_hazards_removed"}},
		{"no proposal from on-site command", &TerminationChecks{PeopleRescued: true, SceneControlled: true, EnvironmentWithinStandards: true, SecondaryHazardsRemoved: true},
			[]string{"termination.proposed_by"}},
		{"none confirmed", &TerminationChecks{}, []string{"termination.people_rescued", "termination.scene_controlled",
			"termination.environment_within_standards", "termination.secondary_hazards_removed", "termination.proposed_by"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := goodRequest()
			r.Termination = tt.checks
			_, err := Transition(from, to, r)
			assertField(t, err, tt.fields...)
		})
	}
}

func TestForbiddenBeatsFieldErrors(t *testing.T) {
	// A forbidden change is a 409 even when the request is also incomplete:
	// fixing the fields would not help.
	_, err := Transition(statusIn(Closed), Status{State: Verified}, Request{})
	if !errors.Is(err, ErrForbiddenTransition) {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); msg != "不能从“已结案”变为“已核实”：已结案的事件不能再变更" {
		t.Errorf("message = %q", msg)
	}
}

func ExampleTransition() {
	cur := Status{State: Verified, Since: t0}
	c, err := Transition(cur, Status{State: Active, Level: LevelIII},
		Request{Actor: "县人民政府", At: t0.Add(20 * time.Minute), Reason: "较大事故，启动Ⅲ级响应"})
	fmt.Println(c.To, err)
	// Output: active(III) <nil>
}
