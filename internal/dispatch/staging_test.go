package dispatch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/routing/routingtest"
)

// crossroads loads two roads crossing at the incident's place (km 0, 0):
// one west–east from km -10 to 10, one south–north from km -10 to 10.
func crossroads(t *testing.T, e *apitest.Env) {
	t.Helper()
	routingtest.Load(t, e.Pool, routingtest.Lines("primary",
		orb.LineString{km(-10, 0), km(0, 0), km(10, 0)}, orb.LineString{km(0, -10), km(0, 0), km(0, 10)})...)
}

// isolationZone stores the incident's active zone whose people must leave:
// a circle of radiusM around its place, from a run whose wind came from
// windFrom degrees.
func isolationZone(t *testing.T, e *apitest.Env, incident int64, radiusM, windFrom float64) {
	t.Helper()
	circle, err := geo.Circle(centre, radiusM, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var run int64
	if err := e.Pool.QueryRow(ctx, `INSERT INTO zone_runs (incident_id, what_if, model, model_name, model_version, inputs, result,
			evacuate_levels, at, day, created_by)
		VALUES ($1, false, 'protective', '测试', '1', jsonb_build_object('windFromDeg', $2::float8), '{}', '{1}', now(), true, 'test') RETURNING id`,
		incident, windFrom).Scan(&run); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(ctx, `INSERT INTO zones (run_id, incident_id, level, name, threshold, threshold_unit, extent_m, evacuate, active, geom)
		VALUES ($1, $2, 1, '隔离区', 0, 'm', $3, true, true, ST_Multi(ST_GeomFromText($4, 4326)))`,
		run, incident, radiusM, wkt.MarshalString(circle)); err != nil {
		t.Fatal(err)
	}
}

type feature struct {
	ID         json.RawMessage                 `json:"id"`
	Geometry   struct{ Coordinates []float64 } `json:"geometry"`
	Properties map[string]any                  `json:"properties"`
}

func (f feature) point() orb.Point {
	return orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]}
}

// Sitrep proposes the staging point upwind, on the road, just beyond the
// isolation zone; a dispatcher may move it, but not into the zone; teams
// for the incident are then ranked and routed to it.
func TestStagingPoint(t *testing.T) {
	e := apitest.Start(t)
	crossroads(t, e)
	inc := newIncident(t, e)
	path := fmt.Sprintf("/api/v1/incidents/%d/staging", inc)

	apitest.ExpectProblem(t, e.Do("GET", path, auth.Viewer, nil), 404)
	apitest.ExpectProblem(t, e.Do("POST", path+"/propose", auth.Dispatcher, nil), 409) // no zone yet
	// Wind from 250°: the point goes west-south-west; the nearest road
	// beyond the 1 km zone that way is the west road, 1.2 km out.
	isolationZone(t, e, inc, 1000, 250)
	apitest.ExpectProblem(t, e.Do("POST", path+"/propose", auth.Viewer, nil), 403)
	r := e.Do("POST", path+"/propose", auth.Dispatcher, nil)
	if r.StatusCode != 200 {
		t.Fatalf("propose: %d %s", r.StatusCode, r.Body)
	}
	var f feature
	r.JSON(t, &f)
	p := f.point()
	d := geo.Distance(centre, p)
	if p.Lon() >= centre.Lon() || d < 1000 || d > 1500 || f.Properties["source"] != "proposed" {
		t.Fatalf("proposed %v (%.0f m from the incident) %v, want on the west road 1.0–1.5 km out", p, d, f.Properties)
	}
	if onRoad := geo.Distance(p, orb.Point{p.Lon(), centre.Lat()}); onRoad > 5 {
		t.Fatalf("proposed point %v is %.0f m off the west road", p, onRoad)
	}
	if e.Count(`SELECT count(*) FROM events WHERE topic = 'staging_points'`) != 1 {
		t.Fatal("the proposal is not on the live stream")
	}

	// Into the zone: refused, naming the field; nothing changes.
	inside := map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{km(0.3, 0)[0], km(0.3, 0)[1]}}}
	pr := apitest.ExpectProblem(t, e.Do("PUT", path, auth.Dispatcher, inside), 422)
	if fs := apitest.FieldsOf(pr); len(fs) != 1 || fs[0] != "/geometry" {
		t.Fatalf("fields %v, want /geometry", fs)
	}
	for _, bad := range []any{map[string]any{}, map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{200, 43}}}} {
		apitest.ExpectProblem(t, e.Do("PUT", path, auth.Dispatcher, bad), 422)
	}
	// South, on the south road, 2 km out.
	south := km(0, -2)
	r = e.Do("PUT", path, auth.Dispatcher, map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{south[0], south[1]}}})
	if r.StatusCode != 200 {
		t.Fatalf("place: %d %s", r.StatusCode, r.Body)
	}
	r = e.Do("GET", path, auth.Viewer, nil)
	r.JSON(t, &f)
	if geo.Distance(f.point(), south) > 1 || f.Properties["source"] != "placed" {
		t.Fatalf("staging point %v %v, want the placed one", f.point(), f.Properties)
	}

	// Teams are routed to the staging point: one 6 km south is 4 km from
	// it; one 6 km north would have to cross the zone, which is closed to
	// routing, and no road leads round it: said so.
	var north, southTeam int64
	for name, at := range map[string]orb.Point{"北路队": km(0, 6), "南路队": km(0, -6)} {
		var id int64
		if err := e.Pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
			VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, 'fire_rescue', 8, 'available') RETURNING id`, at[0], at[1], name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if name == "北路队" {
			north = id
		} else {
			southTeam = id
		}
	}
	announceTeams(t, e)
	waitIndexed(t, e)
	var near struct {
		By      string `json:"by"`
		RouteTo struct {
			Kind string `json:"kind"`
		} `json:"route_to"`
		Results []struct {
			ID   int64 `json:"id"`
			Road struct {
				Reachable bool    `json:"reachable"`
				DistanceM float64 `json:"distance_m"`
			} `json:"road"`
		} `json:"results"`
	}
	e.Do("GET", fmt.Sprintf("/api/v1/nearest?layer=rescue_teams&incident=%d&k=2", inc), auth.Viewer, nil).JSON(t, &near)
	if near.By != "road" || near.RouteTo.Kind != "staging" || len(near.Results) != 2 || near.Results[0].ID != southTeam ||
		!near.Results[0].Road.Reachable || near.Results[0].Road.DistanceM < 3990 || near.Results[0].Road.DistanceM > 4010 ||
		near.Results[1].ID != north || near.Results[1].Road.Reachable {
		t.Fatalf("nearest for the incident: %+v, want to the staging point: 南路队 4 km, 北路队 cut off by the zone", near)
	}
}

// A dispatched team's route is stored and on the live stream; its fixes
// bring the ETA down; a staging point set meanwhile routes it there; on
// scene, the route leaves the map.
func TestDispatchedTeamsRouteAndETA(t *testing.T) {
	e := apitest.Start(t)
	crossroads(t, e)
	inc := newIncident(t, e)
	var team int64
	if err := e.Pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), '西路队', 'fire_rescue', 8, 'available') RETURNING id`, km(-8, 0)[0], km(-8, 0)[1]).Scan(&team); err != nil {
		t.Fatal(err)
	}
	if r := e.Do("POST", fmt.Sprintf("/api/v1/incidents/%d/dispatch", inc), auth.Dispatcher, map[string]any{"team_ids": []int64{team}}); r.StatusCode != 200 {
		t.Fatalf("dispatch: %d %s", r.StatusCode, r.Body)
	}
	var secs, metres float64
	var kind string
	if err := e.Pool.QueryRow(context.Background(), `SELECT route_seconds, route_distance_m, destination_kind FROM team_assignments
		WHERE team_id = $1 AND ended_at IS NULL`, team).Scan(&secs, &metres, &kind); err != nil {
		t.Fatal(err)
	}
	// 8 km of primary road at 60 km/h.
	if kind != "incident" || metres < 7990 || metres > 8010 || secs < 475 || secs > 485 {
		t.Fatalf("route %s %.0f m %.0f s, want to the incident, 8 km, 480 s", kind, metres, secs)
	}
	if e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes' AND action = 'update'`) != 1 {
		t.Fatal("the route is not on the live stream")
	}

	// Halfway there: half the time is left, from the fix's time.
	at := time.Now().UTC().Truncate(time.Second)
	post(t, e, []fix{{team, km(-4, 0)[0], km(-4, 0)[1], at.Format(time.RFC3339)}})
	var eta time.Time
	if err := e.Pool.QueryRow(context.Background(), `SELECT eta FROM team_assignments WHERE team_id = $1 AND ended_at IS NULL`, team).Scan(&eta); err != nil {
		t.Fatal(err)
	}
	if left := eta.Sub(at).Seconds(); left < 235 || left > 245 {
		t.Fatalf("ETA %v is %.0f s after the fix, want ~240 s (half the route left)", eta, left)
	}
	if e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes' AND action = 'update'`) != 2 {
		t.Fatal("the new ETA is not on the live stream")
	}
	// The staging point set 2 km south: the team, 4 km west, is routed
	// there from where it is: 4 km east, 2 km south.
	south := km(0, -2)
	if r := e.Do("PUT", fmt.Sprintf("/api/v1/incidents/%d/staging", inc), auth.Dispatcher,
		map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{south[0], south[1]}}}); r.StatusCode != 200 {
		t.Fatalf("staging: %d %s", r.StatusCode, r.Body)
	}
	if err := e.Pool.QueryRow(context.Background(), `SELECT route_distance_m, destination_kind FROM team_assignments
		WHERE team_id = $1 AND ended_at IS NULL`, team).Scan(&metres, &kind); err != nil {
		t.Fatal(err)
	}
	if kind != "staging" || metres < 5990 || metres > 6010 {
		t.Fatalf("after the staging point was set: %s %.0f m, want to the staging point, 6 km", kind, metres)
	}
	if e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes' AND action = 'update'`) != 3 {
		t.Fatal("the new route is not on the live stream")
	}
	for _, to := range []string{"en_route", "on_scene"} {
		if r := e.Do("POST", fmt.Sprintf("/api/v1/dispatch/teams/%d/status", team), auth.Dispatcher, map[string]any{"status": to}); r.StatusCode != 200 {
			t.Fatalf("status %s: %d %s", to, r.StatusCode, r.Body)
		}
	}
	if e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes' AND action = 'delete'`) != 1 {
		t.Fatal("the route stays on the map after the team arrived")
	}
}
