package zones_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// allocationSite is an incident's explosion run at midnight with one
// population cell of 600 people inside the level-1 ring (so inside every
// ring) and one open shelter for 5000 well outside the outermost ring.
type allocationSite struct {
	e         *apitest.Env
	incident  int64
	run       computed
	cell      int64
	shelter   int64
	outermost float64
}

func newAllocationSite(t *testing.T) allocationSite {
	t.Helper()
	e := apitest.Start(t)
	s := allocationSite{e: e, incident: createIncident(t, e, source)}
	s.run = published(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", s.incident), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "time": midnight.Format("2006-01-02T15:04:05Z")}})
	if len(s.run.Features) < 2 {
		t.Fatalf("want nested rings, got %d", len(s.run.Features))
	}
	for _, f := range s.run.Features {
		s.outermost = max(s.outermost, f.Properties.ExtentM)
	}
	s.cell = s.addCell(t, geo.Destination(source, 45, s.run.Features[0].Properties.ExtentM*0.2), 600)
	p := geo.Destination(source, 90, s.outermost*2)
	if err := e.Pool.QueryRow(t.Context(), `INSERT INTO shelters (geom, name, class, capacity, status, occupancy)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), 'far', 'emergency', 5000, 'open', 0) RETURNING id`, p[0], p[1]).Scan(&s.shelter); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s allocationSite) addCell(t *testing.T, c orb.Point, people int) int64 {
	t.Helper()
	const h = 0.0003
	var id int64
	if err := s.e.Pool.QueryRow(t.Context(), `INSERT INTO population_cells (geom, night_people, day_people)
		VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), $5, 0) RETURNING id`, c[0]-h, c[1]-h, c[0]+h, c[1]+h, people).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (s allocationSite) propose(t *testing.T, zoneID string) proposal {
	t.Helper()
	r := s.e.Do("POST", "/api/v1/zones/"+zoneID+"/allocation", auth.DutyOfficer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("propose %s: %d %s", zoneID, r.StatusCode, r.Body)
	}
	var p proposal
	r.JSON(t, &p)
	return p
}

func (s allocationSite) confirm(zoneID string, shelters any) *apitest.Response {
	return s.e.Do("POST", "/api/v1/zones/"+zoneID+"/allocation/confirm", auth.DutyOfficer, map[string]any{"shelters": shelters})
}

// The same people are placed once: confirming the same zone again, or the
// outer ring holding the inner ring's cell, places nobody more; shelters
// hold 600 and the incident counts 600 evacuated, as many as live there.
func TestAllocationPlacesEachPersonOnce(t *testing.T) {
	s := newAllocationSite(t)
	z1, z2 := s.run.Features[0].ID, s.run.Features[1].ID
	want := []struct {
		zone                 string
		already, placed, nAl int64
	}{
		{z1, 0, 600, 1},
		{z1, 600, 0, 1}, // the panel re-proposes after confirm; a second click
		{z2, 600, 0, 1}, // the outer ring holds the same cell
	}
	for i, w := range want {
		p := s.propose(t, w.zone)
		if p.People != 600 || p.AlreadyPlaced != w.already || p.Placed != w.placed || p.Unplaced != 0 {
			t.Fatalf("step %d: people %d, already placed %d, placed %d, unplaced %d; want 600, %d, %d, 0",
				i, p.People, p.AlreadyPlaced, p.Placed, p.Unplaced, w.already, w.placed)
		}
		if r := s.confirm(w.zone, p.Shelters); r.StatusCode != 200 {
			t.Fatalf("step %d: confirm: %d %s", i, r.StatusCode, r.Body)
		}
		if n := s.e.Count(`SELECT count(*) FROM shelter_allocations`); n != int(w.nAl) {
			t.Fatalf("step %d: %d allocations recorded, want %d (placing nobody records nothing)", i, n, w.nAl)
		}
	}
	occ := s.e.Count(`SELECT occupancy FROM shelters WHERE id = $1`, s.shelter)
	ev := getIncident(t, s.e, s.incident).Properties.Casualties.Evacuated
	if occ != 600 || ev != 600 {
		t.Fatalf("600 people live in the zone; shelter occupancy %d, incident evacuated %d", occ, ev)
	}
	if n := s.e.Count(`SELECT people FROM shelter_allocation_cells WHERE cell_id = $1 AND shelter_id = $2`, s.cell, s.shelter); n != 600 {
		t.Fatalf("placed from the cell: %d, want 600", n)
	}

	// A second cell only the outer ring holds: its proposal places just those.
	inner, outer := s.run.Features[0].Properties.ExtentM, s.run.Features[1].Properties.ExtentM
	s.addCell(t, geo.Destination(source, 200, (inner+outer)/2), 150)
	p := s.propose(t, z2)
	if p.People != 750 || p.AlreadyPlaced != 600 || p.Placed != 150 {
		t.Fatalf("outer ring: people %d, already %d, placed %d; want 750, 600, 150", p.People, p.AlreadyPlaced, p.Placed)
	}
	if r := s.confirm(z2, p.Shelters); r.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
	}
	if ev := getIncident(t, s.e, s.incident).Properties.Casualties.Evacuated; ev != 750 {
		t.Fatalf("evacuated %d, want 750", ev)
	}
}

// The server applies only the proposal it computes itself: numbers the
// client made up (4000 placed from a zone of nobody, or one person more
// than proposed) and a proposal overtaken by new data are 412, nothing
// changed; what the client was shown, when still true, is applied.
func TestConfirmAppliesOnlyTheServersProposal(t *testing.T) {
	s := newAllocationSite(t)
	empty := createIncident(t, s.e, orb.Point{87.60, 43.30})
	run := published(t, s.e, fmt.Sprintf("/api/v1/incidents/%d/zones", empty), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000}})
	unchanged := func(step string) {
		t.Helper()
		if n := s.e.Count(`SELECT occupancy + version - 1 FROM shelters WHERE id = $1`, s.shelter); n != 0 {
			t.Fatalf("%s: the shelter changed", step)
		}
		if n := s.e.Count(`SELECT count(*) FROM shelter_allocations`); n != 0 {
			t.Fatalf("%s: an allocation was recorded", step)
		}
		if ev := getIncident(t, s.e, empty).Properties.Casualties.Evacuated + getIncident(t, s.e, s.incident).Properties.Casualties.Evacuated; ev != 0 {
			t.Fatalf("%s: %d evacuated", step, ev)
		}
	}
	apitest.ExpectProblem(t, s.confirm(run.Features[0].ID, []map[string]any{{"id": s.shelter, "version": 1, "people": 4000}}), 412)
	unchanged("zone of nobody")

	z := s.run.Features[0].ID
	p := s.propose(t, z)
	if len(p.Shelters) != 1 || p.Shelters[0]["people"].(float64) != 600 {
		t.Fatalf("proposal: %+v", p.Shelters)
	}
	inflated := []map[string]any{{"id": s.shelter, "version": 1, "people": 601}}
	apitest.ExpectProblem(t, s.confirm(z, inflated), 412)
	unchanged("one person more")
	apitest.ExpectProblem(t, s.confirm(z, []map[string]any{}), 412)
	unchanged("nobody, when 600 are to be placed")
	apitest.ExpectProblem(t, s.confirm(z, nil), 422)

	// More people live in the cell than when the proposal was made.
	if _, err := s.e.Pool.Exec(t.Context(), `UPDATE population_cells SET night_people = 700 WHERE id = $1`, s.cell); err != nil {
		t.Fatal(err)
	}
	pr := apitest.ExpectProblem(t, s.confirm(z, p.Shelters), 412)
	if d, _ := pr["detail"].(string); !strings.Contains(d, "700") {
		t.Fatalf("the refusal should say what changed: %q", d)
	}
	unchanged("overtaken proposal")
	p = s.propose(t, z)
	if r := s.confirm(z, p.Shelters); r.StatusCode != 200 {
		t.Fatalf("confirm the new proposal: %d %s", r.StatusCode, r.Body)
	}
	if occ := s.e.Count(`SELECT occupancy FROM shelters WHERE id = $1`, s.shelter); occ != 700 {
		t.Fatalf("occupancy %d, want 700", occ)
	}
}

// Only a published zone of an incident fills real shelters: a what-if
// zone, a draft and a switched-off zone are refused with 409 naming the
// zone, nothing changed; proposing for them still works (it writes
// nothing).
func TestConfirmRefusesWhatIfAndInactiveZones(t *testing.T) {
	s := newAllocationSite(t)
	whatIf := compute(t, s.e, "/api/v1/zones/what-if", map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "source": []float64{source[0], source[1]},
			"time": midnight.Format("2006-01-02T15:04:05Z")}})
	draft := compute(t, s.e, fmt.Sprintf("/api/v1/incidents/%d/zones", s.incident), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "time": midnight.Format("2006-01-02T15:04:05Z")}})
	z := s.run.Features[0]
	if r := s.e.Do("PATCH", "/api/v1/zones/"+z.ID, auth.DutyOfficer, map[string]any{"active": false}, "If-Match", api.ETag(z.Properties.Version)); r.StatusCode != 200 {
		t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
	}
	for _, id := range []string{whatIf.Features[0].ID, draft.Features[0].ID, z.ID} {
		p := s.propose(t, id)
		if p.Placed != 600 {
			t.Fatalf("zone %s: proposal placed %d, want 600", id, p.Placed)
		}
		pr := apitest.ExpectProblem(t, s.confirm(id, p.Shelters), 409)
		if d, _ := pr["detail"].(string); !strings.Contains(d, "区域 "+id) {
			t.Fatalf("the refusal should name zone %s: %q", id, d)
		}
	}
	if n := s.e.Count(`SELECT occupancy FROM shelters WHERE id = $1`, s.shelter); n != 0 || s.e.Count(`SELECT count(*) FROM shelter_allocations`) != 0 {
		t.Fatal("a refused confirmation changed something")
	}
}
