package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A wall that follows a box sees rescue teams where they are, as the map and
// the tiles draw them: a team driving in from a base outside the box appears,
// one driving out gets "leave", and a snapshot holds the teams whose last fix
// is inside even when their base is not.
func TestBoxSubscriptionFollowsTeamsWhereTheyAre(t *testing.T) {
	e := apitest.Start(t)
	team := func(name string, lon, lat float64) string {
		r := e.Do("POST", "/api/v1/rescue_teams", auth.Editor, map[string]any{"type": "Feature",
			"geometry":   map[string]any{"type": "Point", "coordinates": []float64{lon, lat}},
			"properties": map[string]any{"name": name, "kind": "hazmat", "status": "available", "headcount": 5}})
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create team: %d %s", r.StatusCode, r.Body)
		}
		var f struct{ ID string }
		r.JSON(t, &f)
		return f.ID
	}
	fix := func(id string, lon, lat float64, at time.Time) {
		r := e.Do("POST", "/api/v1/positions", auth.Dispatcher, []map[string]any{{"team_id": atoi(t, id),
			"lon": lon, "lat": lat, "observed_at": at.UTC().Format(time.RFC3339Nano)}})
		if r.StatusCode >= 300 {
			t.Fatalf("positions: %d %s", r.StatusCode, r.Body)
		}
	}
	base, box := []float64{87.30, 43.40}, []float64{87.55, 43.55, 87.65, 43.65}
	t0 := time.Now().Add(-time.Minute)
	driver := team("一号队〔测试〕", base[0], base[1])
	already := team("二号队〔测试〕", base[0], base[1])
	fix(already, 87.60, 43.60, t0)

	ws, snap := dialWall(t, e, auth.Viewer, map[string]any{"type": "subscribe", "layers": []string{"rescue_teams"}, "bbox": box})
	if snap["type"] != "snapshot" {
		t.Fatalf("first message %v", snap)
	}
	s := mustMarshal(snap)
	if !strings.Contains(s, `"id":"`+already+`"`) || strings.Contains(s, `"id":"`+driver+`"`) {
		t.Fatalf("snapshot of the box: %s", s)
	}
	fix(driver, 87.61, 43.61, t0.Add(time.Second))
	if m := nextFor(t, ws, driver); m["action"] != "update" {
		t.Fatalf("a team driving into the box: %v", m)
	}
	fix(driver, base[0], base[1], t0.Add(2*time.Second))
	if m := nextFor(t, ws, driver); m["action"] != "leave" {
		t.Fatalf("a team driving out of the box: %v", m)
	}
}

// nextFor reads events until one about feature id.
func nextFor(t *testing.T, ws *websocket.Conn, id string) map[string]any {
	t.Helper()
	for {
		m := readMsg(t, ws)
		if m["type"] == "event" && fmt.Sprint(m["id"]) == id {
			return m
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
