package dispatch_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/dispatch"
)

// Closing an incident takes its staging point and the route of the team
// still on its way there off the live map in the close's own write (a wall
// that reconnects catches up on them); the team's assignment ends, so no
// later fix brings the route back and the snapshots leave both out; a
// staging point can no longer be set for it.
func TestClosingTakesStagingAndRoutesOffTheMap(t *testing.T) {
	e := apitest.Start(t)
	crossroads(t, e)
	inc := newIncident(t, e)
	do := func(method, path string, body any) {
		t.Helper()
		if r := e.Do(method, path, auth.Dispatcher, body); r.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, r.Body)
		}
	}
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc)
	do("POST", incPath+"/transitions", map[string]any{"state": "verified", "reason": "核实"})
	south := km(0, -2)
	do("PUT", incPath+"/staging", map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{south[0], south[1]}}})
	var team int64
	if err := e.Pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), '西路队', 'fire_rescue', 8, 'available') RETURNING id`, km(-8, 0)[0], km(-8, 0)[1]).Scan(&team); err != nil {
		t.Fatal(err)
	}
	do("POST", incPath+"/dispatch", map[string]any{"team_ids": []int64{team}})
	var assignment int64
	if err := e.Pool.QueryRow(context.Background(), `SELECT id FROM team_assignments WHERE team_id = $1 AND ended_at IS NULL AND route IS NOT NULL`,
		team).Scan(&assignment); err != nil {
		t.Fatalf("the dispatched team has no route: %v", err)
	}
	snapshots := func() (staging, routes int) {
		// The whole county: no bounding box.
		return e.Count(`SELECT count(*) FROM (`+dispatch.StagingSnapshotSQL+`) s`, nil, nil, nil, nil),
			e.Count(`SELECT count(*) FROM (`+dispatch.RoutesSnapshotSQL+`) r`, nil, nil, nil, nil)
	}
	if s, r := snapshots(); s != 1 || r != 1 {
		t.Fatalf("before the close: %d staging points, %d routes in the snapshots, want 1 and 1", s, r)
	}

	do("POST", incPath+"/transitions", map[string]any{"state": "closed", "reason": "无需响应，结案"})
	closeSeq := e.Count(`SELECT max(seq) FROM events WHERE topic = 'incidents' AND data->'properties'->>'state' = 'closed'`)
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'staging_points' AND action = 'delete' AND entity_id = $1 AND seq > $2`,
		fmt.Sprint(inc), closeSeq-1); n != 1 {
		t.Fatalf("%d staging point deletes on the stream with the close, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes' AND action = 'delete' AND entity_id = $1 AND seq > $2`,
		fmt.Sprint(assignment), closeSeq-1); n != 1 {
		t.Fatalf("%d route deletes on the stream with the close, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM team_assignments WHERE id = $1 AND ended_at IS NOT NULL`, assignment); n != 1 {
		t.Fatal("the team's assignment to the closed incident is still open")
	}
	if s, r := snapshots(); s != 0 || r != 0 {
		t.Fatalf("after the close: %d staging points, %d routes in the snapshots, want none", s, r)
	}

	// A fix of the team on its way brings no route back.
	routeEvents := e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes'`)
	post(t, e, []fix{{team, km(-4, 0)[0], km(-4, 0)[1], time.Now().UTC().Format(time.RFC3339)}})
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'team_routes'`); n != routeEvents {
		t.Fatalf("a fix after the close put %d route events on the stream", n-routeEvents)
	}
	pr := apitest.ExpectProblem(t, e.Do("PUT", incPath+"/staging", auth.Dispatcher,
		map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{south[0], south[1]}}}), 409)
	if d, _ := pr["detail"].(string); d != "事件已结案，不再设定集结点" {
		t.Fatalf("staging for a closed incident: %v", pr)
	}
	apitest.ExpectProblem(t, e.Do("POST", incPath+"/staging/propose", auth.Dispatcher, nil), 409)
}
