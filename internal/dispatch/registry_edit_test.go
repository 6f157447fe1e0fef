package dispatch_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A team's status and position belong to dispatch and position ingest: a
// registry edit may echo them but not change them (422 naming the field,
// nothing written), so an editor cannot set a dispatched team available
// while its assignment stays open, nor move a team back to an old position.
// Creating a team sets them; the status path still moves the team.
func TestRegistryEditCannotChangeTeamStatusOrPosition(t *testing.T) {
	e := apitest.Start(t)
	inc := newIncident(t, e)
	a := newTeam(t, e, "available")
	teamPath := fmt.Sprintf("/api/v1/rescue_teams/%d", a)
	if r := e.Do("POST", fmt.Sprintf("/api/v1/incidents/%d/dispatch", inc), auth.Dispatcher, map[string]any{"team_ids": []int64{a}}); r.StatusCode != 200 {
		t.Fatalf("dispatch: %d %s", r.StatusCode, r.Body)
	}
	refused := func(r *apitest.Response, fields ...string) {
		t.Helper()
		p := apitest.ExpectProblem(t, r, 422)
		if got := apitest.FieldsOf(p); !slices.Equal(got, fields) {
			t.Fatalf("problem names %v, want %v: %s", got, fields, r.Body)
		}
	}
	unchanged := func(status string, version int) {
		t.Helper()
		if n := e.Count(`SELECT count(*) FROM rescue_teams WHERE id = $1 AND status = $2 AND version = $3`, a, status, version); n != 1 {
			t.Fatalf("a refused edit changed the team (want %s at version %d)", status, version)
		}
	}

	refused(e.Do("PATCH", teamPath, auth.Editor, map[string]any{"properties": map[string]any{"status": "available"}}, "If-Match", `"2"`),
		"/properties/status")
	unchanged("dispatched", 2)

	// The team reports positions; an edit giving an older fix is refused.
	now := time.Now().UTC().Truncate(time.Second)
	post(t, e, []fix{{TeamID: a, Lon: 87.41, Lat: 43.51, ObservedAt: now.Add(-time.Minute).Format(time.RFC3339)}})
	refused(e.Do("PATCH", teamPath, auth.Editor, map[string]any{"properties": map[string]any{
		"last_position": map[string]any{"type": "Point", "coordinates": []float64{87.3, 43.4}},
		"observed_at":   now.Add(-time.Hour).Format(time.RFC3339)}}, "If-Match", `"2"`),
		"/properties/last_position", "/properties/observed_at")
	unchanged("dispatched", 2)

	// Echoing a GET back with an ordinary change works (PUT and PATCH).
	r := e.Do("GET", teamPath, auth.Viewer, nil)
	var f map[string]any
	r.JSON(t, &f)
	props := f["properties"].(map[string]any)
	props["name"] = "renamed"
	if r := e.Do("PUT", teamPath, auth.Editor, f, "If-Match", `"2"`); r.StatusCode != 200 {
		t.Fatalf("PUT echoing the stored status and position: %d %s", r.StatusCode, r.Body)
	}
	if r := e.Do("PATCH", teamPath, auth.Editor, map[string]any{"properties": map[string]any{"headcount": 9, "status": "dispatched"}}, "If-Match", `"3"`); r.StatusCode != 200 {
		t.Fatalf("PATCH echoing the status: %d %s", r.StatusCode, r.Body)
	}
	unchanged("dispatched", 4)
	if n := e.Count(`SELECT count(*) FROM rescue_teams WHERE id = $1 AND ST_X(last_position) = 87.41 AND observed_at = $2`, a, now.Add(-time.Minute)); n != 1 {
		t.Fatal("an echoing edit moved the team")
	}
	// A PUT that leaves the position out would erase it: refused.
	delete(props, "last_position")
	delete(props, "observed_at")
	refused(e.Do("PUT", teamPath, auth.Editor, f, "If-Match", `"4"`), "/properties/last_position", "/properties/observed_at")

	// The status machine still moves the team and ends its assignment.
	for _, to := range []string{"en_route", "on_scene", "returning", "available"} {
		if r := e.Do("POST", fmt.Sprintf("/api/v1/dispatch/teams/%d/status", a), auth.Dispatcher, map[string]any{"status": to}); r.StatusCode != 200 {
			t.Fatalf("→ %s: %d %s", to, r.StatusCode, r.Body)
		}
	}
	if r := e.Do("POST", fmt.Sprintf("/api/v1/incidents/%d/dispatch", newIncident(t, e)), auth.Dispatcher, map[string]any{"team_ids": []int64{a}}); r.StatusCode != 200 {
		t.Fatalf("redispatch after the status machine made the team available: %d %s", r.StatusCode, r.Body)
	}

	// Creating a team sets all three.
	r = e.Do("POST", "/api/v1/rescue_teams", auth.Editor, map[string]any{"type": "Feature",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{87.3, 43.4}},
		"properties": map[string]any{"name": "new team", "kind": "hazmat", "headcount": 5, "status": "off_duty",
			"last_position": map[string]any{"type": "Point", "coordinates": []float64{87.35, 43.45}},
			"observed_at":   now.Format(time.RFC3339)}})
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var created struct{ ID string }
	r.JSON(t, &created)
	id, _ := strconv.ParseInt(created.ID, 10, 64)
	if n := e.Count(`SELECT count(*) FROM rescue_teams WHERE id = $1 AND status = 'off_duty' AND ST_Y(last_position) = 43.45`, id); n != 1 {
		t.Fatal("create did not set status and position")
	}
}

// The OpenAPI document marks the three as create-only, which the map's
// registry editor reads to show them read-only when editing.
func TestTeamCreateOnlyFieldsInOpenAPI(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("GET", "/api/openapi.json", auth.Viewer, nil)
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Components.Schemas["RescueTeamsProperties"].Properties
	for name, p := range props {
		want := name == "status" || name == "last_position" || name == "observed_at"
		if got, _ := p["x-create-only"].(bool); got != want {
			t.Errorf("%s: x-create-only %v, want %v", name, got, want)
		}
	}
	if len(props) == 0 {
		t.Fatal("no RescueTeamsProperties schema")
	}
}
