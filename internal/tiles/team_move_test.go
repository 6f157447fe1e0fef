package tiles_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A team is drawn at its last position: a fix that moves it into a cached
// empty tile drops that tile (where the fix puts it, not its base), and the
// tile it left is dropped through its id; a tile it never touched stays.
func TestTeamFixDropsTheTilesItLeavesAndEnters(t *testing.T) {
	e := apitest.Start(t)
	const z = 14
	base := [2]float64{87.30, 43.40}
	first, second := [2]float64{87.50, 43.60}, [2]float64{87.62, 43.72}
	far := [2]float64{87.10, 43.20}
	r := e.Do("POST", "/api/v1/rescue_teams", auth.Editor, map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": base[:]},
		"properties": map[string]any{"name": "一号队〔测试〕", "kind": "hazmat", "status": "available", "headcount": 5}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create team: %d %s", r.StatusCode, r.Body)
	}
	var team struct{ ID string }
	r.JSON(t, &team)
	id, _ := strconv.ParseInt(team.ID, 10, 64)
	t0 := time.Now().Add(-time.Minute)
	fix := func(p [2]float64, at time.Time) {
		r := e.Do("POST", "/api/v1/positions", auth.Dispatcher, []map[string]any{{"team_id": id,
			"lon": p[0], "lat": p[1], "observed_at": at.UTC().Format(time.RFC3339Nano)}})
		if r.StatusCode != http.StatusOK {
			t.Fatalf("positions: %d %s", r.StatusCode, r.Body)
		}
	}
	path := func(p [2]float64) string {
		x, y := tileOf(p[0], p[1], z)
		return fmt.Sprintf("/tiles/rescue_teams/%d/%d/%d.mvt", z, x, y)
	}
	count := func(p [2]float64) int {
		r := get(e, path(p))
		if r.StatusCode == http.StatusNoContent {
			return 0
		}
		x, y := tileOf(p[0], p[1], z)
		return len(decode(t, r.Body, "rescue_teams", z, x, y))
	}
	cached := func(p [2]float64) {
		waitFor(t, "tile cached at "+fmt.Sprint(p), func() bool { return get(e, path(p)).Header.Get("X-Cache") == "hit" })
	}

	fix(first, t0)
	waitFor(t, "the team in its first tile", func() bool { return count(first) == 1 })
	cached(first)
	cached(second) // empty, and cached so
	cached(far)
	if n := count(second); n != 0 {
		t.Fatalf("second tile before the move: %d teams", n)
	}

	fix(second, t0.Add(time.Second))
	waitFor(t, "the team in the tile it moved to", func() bool { return count(second) == 1 })
	waitFor(t, "the team gone from the tile it left", func() bool { return count(first) == 0 })
	if r := get(e, path(far)); r.Header.Get("X-Cache") != "hit" {
		t.Error("a tile the team never touched was dropped")
	}
}
