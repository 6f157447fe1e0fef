package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/dispatch"
)

func newTeam(t *testing.T, e *apitest.Env, status string) int64 {
	t.Helper()
	var id int64
	if err := e.Pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		VALUES (ST_SetSRID(ST_MakePoint(87.3, 43.4), 4326), 'team ' || clock_timestamp(), 'hazmat', 8, $1) RETURNING id`, status).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func newIncident(t *testing.T, e *apitest.Env) int64 {
	t.Helper()
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "hazardous_chemicals", "place": "plant",
		"occurred_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"location":    map[string]any{"type": "Point", "coordinates": []float64{centre[0], centre[1]}}})
	var f struct{ ID string }
	r.JSON(t, &f)
	id, err := strconv.ParseInt(f.ID, 10, 64)
	if err != nil {
		t.Fatalf("incident: %s", r.Body)
	}
	return id
}

// Dispatch is all or nothing; the machine allows only its path; every
// change is on the incident's timeline and the rescue_teams topic.
func TestDispatchAndStatusMachine(t *testing.T) {
	e := apitest.Start(t)
	inc := newIncident(t, e)
	a, b, busy := newTeam(t, e, "available"), newTeam(t, e, "available"), newTeam(t, e, "on_scene")
	path := fmt.Sprintf("/api/v1/incidents/%d/dispatch", inc)

	p := apitest.ExpectProblem(t, e.Do("POST", path, auth.Dispatcher, map[string]any{"team_ids": []int64{a, busy}}), 409)
	if f := apitest.FieldsOf(p); len(f) != 1 || f[0] != "/team_ids/1" {
		t.Fatalf("fields %v", f)
	}
	if e.Count(`SELECT count(*) FROM rescue_teams WHERE status = 'dispatched'`) != 0 {
		t.Fatal("a refused dispatch changed a team")
	}
	apitest.ExpectProblem(t, e.Do("POST", path, auth.Viewer, map[string]any{"team_ids": []int64{a}}), 403)
	if r := e.Do("POST", path, auth.Dispatcher, map[string]any{"team_ids": []int64{a, b}}); r.StatusCode != 200 {
		t.Fatalf("dispatch: %d %s", r.StatusCode, r.Body)
	}
	// Dispatching again: the teams are no longer available.
	apitest.ExpectProblem(t, e.Do("POST", path, auth.Dispatcher, map[string]any{"team_ids": []int64{a}}), 409)

	status := func(id int64, to string) int {
		return e.Do("POST", fmt.Sprintf("/api/v1/dispatch/teams/%d/status", id), auth.Dispatcher, map[string]any{"status": to}).StatusCode
	}
	for _, bad := range []string{"on_scene", "returning", "available", "off_duty", "dispatched"} {
		if c := status(a, bad); c != 409 {
			t.Fatalf("dispatched → %s: %d, want 409", bad, c)
		}
	}
	for _, to := range []string{"en_route", "on_scene", "returning", "available"} {
		if c := status(a, to); c != 200 {
			t.Fatalf("→ %s: %d", to, c)
		}
	}
	if c := status(a, "nonsense"); c != 422 {
		t.Fatalf("unknown status: %d", c)
	}
	for from, tos := range map[string][]string{"en_route": {"available", "returning", "dispatched"}, "returning": {"on_scene", "en_route"}, "off_duty": {"en_route"}} {
		for _, to := range tos {
			if dispatch.Allowed(from, to) {
				t.Fatalf("%s → %s allowed", from, to)
			}
		}
	}
	if n := e.Count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1 AND type IN ('dispatch', 'team_status')`, inc); n != 2+4 {
		t.Fatalf("%d timeline entries, want 6", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'rescue_teams' AND data->>'type' = 'Feature'`); n != 6 {
		t.Fatalf("%d team events, want 6", n)
	}
	if n := e.Count(`SELECT count(*) FROM team_assignments WHERE ended_at IS NULL`); n != 1 {
		t.Fatalf("%d open assignments, want 1 (b)", n)
	}
	// a is available again and can be sent anew.
	if r := e.Do("POST", path, auth.Dispatcher, map[string]any{"team_ids": []int64{a}}); r.StatusCode != 200 {
		t.Fatalf("redispatch: %d %s", r.StatusCode, r.Body)
	}
}

type fix struct {
	TeamID     int64   `json:"team_id"`
	Lon        float64 `json:"lon"`
	Lat        float64 `json:"lat"`
	ObservedAt string  `json:"observed_at"`
}

type ingested struct {
	Stored     int     `json:"stored"`
	Duplicates int     `json:"duplicates"`
	Moved      []int64 `json:"moved"`
	Crossings  []struct {
		TeamID int64  `json:"team_id"`
		ZoneID int64  `json:"zone_id"`
		Action string `json:"action"`
	} `json:"crossings"`
}

func post(t *testing.T, e *apitest.Env, fixes []fix) ingested {
	t.Helper()
	r := e.Do("POST", "/api/v1/positions", auth.Dispatcher, fixes)
	if r.StatusCode != 200 {
		t.Fatalf("positions: %d %s", r.StatusCode, r.Body)
	}
	var in ingested
	r.JSON(t, &in)
	return in
}

// Fixes are idempotent, out-of-order ones never move a team back, one event
// per team per batch.
func TestPositions(t *testing.T) {
	e := apitest.Start(t)
	a, b := newTeam(t, e, "available"), newTeam(t, e, "available")
	t0 := time.Now().Add(-10 * time.Minute).UTC()
	at := func(s int) string { return t0.Add(time.Duration(s) * time.Second).Format(time.RFC3339Nano) }
	batch := []fix{{a, 87.40, 43.50, at(0)}, {a, 87.41, 43.50, at(20)}, {a, 87.405, 43.50, at(10)}, {b, 87.2, 43.3, at(5)}}
	in := post(t, e, batch)
	if in.Stored != 4 || len(in.Moved) != 2 {
		t.Fatalf("first batch: %+v", in)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'rescue_teams'`); n != 2 {
		t.Fatalf("%d events for one batch of two teams, want 2 (coalesced)", n)
	}
	var lon float64
	if err := e.Pool.QueryRow(context.Background(), `SELECT ST_X(last_position) FROM rescue_teams WHERE id = $1`, a).Scan(&lon); err != nil || lon != 87.41 {
		t.Fatalf("last position lon %v (%v), want the latest fix 87.41", lon, err)
	}
	// The same batch again: nothing new, nothing written.
	in = post(t, e, batch)
	if in.Stored != 0 || in.Duplicates != 4 || len(in.Moved) != 0 {
		t.Fatalf("retried batch: %+v", in)
	}
	// An older fix arrives late: kept in the track, the team does not move back.
	in = post(t, e, []fix{{a, 87.30, 43.40, at(15)}})
	if in.Stored != 1 || len(in.Moved) != 0 {
		t.Fatalf("late fix: %+v", in)
	}
	if err := e.Pool.QueryRow(context.Background(), `SELECT ST_X(last_position) FROM rescue_teams WHERE id = $1`, a).Scan(&lon); err != nil || lon != 87.41 {
		t.Fatalf("a late fix moved the team to %v", lon)
	}
	if n := e.Count(`SELECT count(*) FROM team_positions WHERE team_id = $1`, a); n != 4 {
		t.Fatalf("track holds %d fixes, want 4", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'rescue_teams'`); n != 2 {
		t.Fatalf("%d events after retries and a late fix, want still 2", n)
	}
	// Bad fixes are named and nothing is stored.
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/positions", auth.Dispatcher, `[{"team_id": 1, "lon": 200, "lat": 43, "observed_at": "2025-01-01T00:00:00Z"}, {"team_id": 99999, "lon": 87, "lat": 43, "observed_at": "2025-01-01T00:00:00Z"}]`), 422)
	if f := apitest.FieldsOf(p); len(f) != 1 || f[0] != "/0/lon" {
		t.Fatalf("fields %v", f)
	}
	p = apitest.ExpectProblem(t, e.Do("POST", "/api/v1/positions", auth.Dispatcher, []fix{{99999, 87, 43, at(0)}}), 422)
	if f := apitest.FieldsOf(p); len(f) != 1 || f[0] != "/0/team_id" {
		t.Fatalf("fields %v", f)
	}
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/positions", auth.Viewer, []fix{{a, 87, 43, at(30)}}), 403)
}

// A team walking into an active zone enters once, GPS jitter across the
// boundary does not flap, and walking out exits once.
func TestZoneHysteresis(t *testing.T) {
	e := apitest.Start(t)
	inc := newIncident(t, e)
	r := e.Do("POST", fmt.Sprintf("/api/v1/incidents/%d/zones", inc), auth.DutyOfficer, map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000}})
	if r.StatusCode != 201 {
		t.Fatalf("zones: %d %s", r.StatusCode, r.Body)
	}
	var run struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				ExtentM float64 `json:"extent_m"`
			} `json:"properties"`
		} `json:"features"`
	}
	r.JSON(t, &run)
	// Walk along a bearing well away from the other rings: use the outermost
	// ring, the one a team meets first.
	outer := run.Features[len(run.Features)-1]
	// A computed zone is a draft; the fence is the published zone.
	if r := e.Do("PATCH", "/api/v1/zones/"+outer.ID, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", `"1"`); r.StatusCode != 200 {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Body)
	}
	zoneID, _ := strconv.ParseInt(outer.ID, 10, 64)
	radius := outer.Properties.ExtentM
	team := newTeam(t, e, "en_route")
	t0 := time.Now().Add(-time.Hour).UTC()
	step := 0
	walk := func(distFromCentre float64) ingested {
		step++
		p := geo.Destination(centre, 90, distFromCentre)
		return post(t, e, []fix{{team, p[0], p[1], t0.Add(time.Duration(step) * time.Second).Format(time.RFC3339Nano)}})
	}
	count := func(action string) int {
		return e.Count(`SELECT count(*) FROM events WHERE topic = 'rescue_teams' AND action = $1 AND (data->'crossing'->>'zone_id')::bigint = $2`, action, zoneID)
	}
	walk(radius + 500)
	// Jitter ±(H−5) m around the boundary: no event.
	h := dispatch.DefaultHysteresisM
	for i := range 20 {
		walk(radius + float64(i%2*2-1)*(h-5))
	}
	if count("enter") != 0 || count("exit") != 0 {
		t.Fatalf("jitter at the boundary flapped: %d enter, %d exit", count("enter"), count("exit"))
	}
	in := walk(radius - h - 20)
	if len(in.Crossings) == 0 || count("enter") != 1 {
		t.Fatalf("entering: %+v, %d enter events", in, count("enter"))
	}
	for i := range 20 {
		walk(radius + float64(i%2*2-1)*(h-5))
	}
	if count("enter") != 1 || count("exit") != 0 {
		t.Fatalf("jitter inside flapped: %d enter, %d exit", count("enter"), count("exit"))
	}
	walk(radius + h + 20)
	if count("exit") != 1 {
		t.Fatalf("leaving: %d exit events", count("exit"))
	}
	var crossing map[string]any
	var raw []byte
	if err := e.Pool.QueryRow(context.Background(), `SELECT data FROM events WHERE action = 'exit'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &crossing); err != nil || crossing["type"] != "Feature" {
		t.Fatalf("exit event is not the team's Feature: %s", raw)
	}
	_ = orb.Point{}
}

// Nearest to an incident measures from the incident's location and says so.
func TestNearestFromAnIncidentNamesItsOrigin(t *testing.T) {
	e := apitest.Start(t)
	inc := newIncident(t, e)
	newTeam(t, e, "available")
	announceTeams(t, e)
	var got struct {
		From    []float64 `json:"from"`
		Results []struct {
			DistanceM float64 `json:"distance_m"`
		} `json:"results"`
	}
	r := e.Do("GET", "/api/v1/nearest?layer=rescue_teams&incident="+strconv.FormatInt(inc, 10), auth.Dispatcher, nil)
	r.JSON(t, &got)
	if len(got.From) != 2 || got.From[0] != centre[0] || got.From[1] != centre[1] || len(got.Results) != 1 {
		t.Fatalf("from %v, %d results; want the incident at %v", got.From, len(got.Results), centre)
	}
}
