package simulate_test

import (
	"context"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/simulate"
)

// One scenario runs end to end through the public API: a drill incident from
// report to close, a zone, a warning issued and lifted, the nearest teams
// dispatched there and back home.
func TestScenarioRunsThroughTheAPI(t *testing.T) {
	e := apitest.Start(t)
	site := []float64{87.41, 43.47}
	r := e.Do("POST", "/api/v1/hazard_sources", auth.Editor, map[string]any{"type": "Feature",
		"geometry": map[string]any{"type": "Point", "coordinates": site},
		"properties": map[string]any{"name": "液氯库〔测试〕", "enterprise": "县自来水厂〔测试〕", "filing_status": "filed",
			"township_code": "650121102", "inventory": []map[string]any{{"chemical": "氯", "max_tonnes": 8}}}})
	if r.StatusCode != 201 {
		t.Fatalf("hazard source: %d %s", r.StatusCode, r.Body)
	}
	homes := [][]float64{{87.30, 43.40}, {87.50, 43.52}, {87.45, 43.30}, {87.20, 43.60}}
	for i, h := range homes {
		r := e.Do("POST", "/api/v1/rescue_teams", auth.Editor, map[string]any{"type": "Feature",
			"geometry":   map[string]any{"type": "Point", "coordinates": h},
			"properties": map[string]any{"name": "测试队" + string(rune('A'+i)), "kind": "hazmat", "headcount": 8, "status": "available"}})
		if r.StatusCode != 201 {
			t.Fatalf("team: %d %s", r.StatusCode, r.Body)
		}
	}
	sim := simulate.New(simulate.Config{URL: e.URL, Token: e.Tokens[auth.Admin], Tick: time.Millisecond,
		SpeedMS: 2e7, Teams: 3, OnScene: -1, Seed: 7})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := sim.Scenario(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TeamIDs) != 3 || rep.Fixes < 6 || rep.WarningID == "" || rep.IncidentID == "" {
		t.Fatalf("report %+v", rep)
	}
	var inc struct {
		Properties struct {
			State string `json:"state"`
			Drill bool   `json:"drill"`
		} `json:"properties"`
	}
	e.Do("GET", "/api/v1/incidents/"+rep.IncidentID, auth.Viewer, nil).JSON(t, &inc)
	if inc.Properties.State != "closed" || !inc.Properties.Drill {
		t.Fatalf("incident %+v, want a closed drill", inc.Properties)
	}
	var w struct {
		Properties struct {
			Status string `json:"status"`
			Drill  bool   `json:"drill"`
		} `json:"properties"`
	}
	e.Do("GET", "/api/v1/warnings/"+rep.WarningID, auth.Viewer, nil).JSON(t, &w)
	if w.Properties.Status != "lifted" || !w.Properties.Drill {
		t.Fatalf("warning %+v, want a lifted drill", w.Properties)
	}
	// The three nearest teams went out and came home, available again; the
	// farthest stayed home untouched.
	if n := e.Count(`SELECT count(*) FROM rescue_teams WHERE status = 'available'
		AND ST_DWithin(last_position::geography, geom::geography, 1)`); n != 3 {
		t.Fatalf("%d teams back home and available, want 3", n)
	}
	if n := e.Count(`SELECT count(*) FROM rescue_teams WHERE name = '测试队D' AND last_position IS NULL`); n != 1 {
		t.Fatal("the farthest team was moved")
	}
	// Everything reached the live stream.
	for _, topic := range []string{"incidents", "warnings", "zones", "rescue_teams"} {
		if n := e.Count(`SELECT count(*) FROM events WHERE topic = $1`, topic); n == 0 {
			t.Errorf("no %s events", topic)
		}
	}
}
