package zones_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

type proposal struct {
	People        int64 `json:"people"`
	AlreadyPlaced int64 `json:"already_placed"`
	Placed        int64 `json:"placed"`
	Unplaced      int64 `json:"unplaced"`
	Assignments   []struct {
		CellID    int64   `json:"cell_id"`
		ShelterID int64   `json:"shelter_id"`
		People    int64   `json:"people"`
		DistanceM float64 `json:"distance_m"`
	} `json:"assignments"`
	Shelters []map[string]any `json:"shelters"`
	Left     []struct {
		CellID int64 `json:"cell_id"`
		People int64 `json:"people"`
	} `json:"left_without_place"`
}

// The proposal equals a brute-force greedy (Vincenty distances in Go,
// repeatedly the nearest remaining pair); confirming fills the shelters
// through the registry (versions bump, full at capacity), and a second
// confirmation of the same proposal is refused whole with 412.
func TestAllocationAgainstBruteForce(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 13))
	inc := createIncident(t, e, source)
	run := published(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "time": midnight.Format("2006-01-02T15:04:05Z")}})
	zone := run.Features[0]
	radius := zone.Properties.ExtentM
	// A second, unrelated active zone: a shelter inside it is unusable too.
	other := orb.Point{87.50, 43.50}
	published(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "source": []float64{other[0], other[1]}}})
	// Every ring of both runs is active: a shelter within the outermost is out.
	outer := 0.0
	for _, f := range run.Features {
		outer = max(outer, f.Properties.ExtentM)
	}

	type cell struct {
		id     int64
		c      orb.Point
		people int64
	}
	var cells []cell
	for len(cells) < 25 {
		c := geo.Destination(source, rng.Float64()*360, rng.Float64()*radius*0.6)
		const h = 0.0003
		n := rng.Int64N(400)
		var id int64
		if err := e.Pool.QueryRow(ctx, `INSERT INTO population_cells (geom, night_people, day_people) VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), $5, 0) RETURNING id`,
			c[0]-h, c[1]-h, c[0]+h, c[1]+h, n).Scan(&id); err != nil {
			t.Fatal(err)
		}
		cells = append(cells, cell{id, c, n})
	}
	type shelter struct {
		id   int64
		p    orb.Point
		free int64
	}
	var usable []shelter
	for i := range 30 {
		p := geo.Destination(source, rng.Float64()*360, outer*(1.02+rng.Float64()*3))
		capacity, occupancy := 50+rng.Int64N(500), int64(0)
		status := "open"
		switch i % 6 {
		case 0:
			status = "closed"
		case 1:
			occupancy = capacity
			status = "full"
		case 2:
			occupancy = capacity / 2
		}
		if i == 3 {
			p = geo.Destination(source, 0, radius*0.3) // inside this zone
		}
		if i == 4 {
			p = other // inside the other active zone
		}
		var id int64
		if err := e.Pool.QueryRow(ctx, `INSERT INTO shelters (geom, name, class, capacity, status, occupancy) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, 'emergency', $4, $5, $6) RETURNING id`,
			p[0], p[1], fmt.Sprint("shelter ", i), capacity, status, occupancy).Scan(&id); err != nil {
			t.Fatal(err)
		}
		inRing := geo.Distance(p, other) < outer*1.01
		if status == "open" && i != 3 && i != 4 && !inRing {
			usable = append(usable, shelter{id, p, capacity - occupancy})
		}
	}

	// Brute force.
	need := map[int64]int64{}
	var total int64
	for _, c := range cells {
		need[c.id] = c.people
		total += c.people
	}
	free := map[int64]int64{}
	for _, s := range usable {
		free[s.id] = s.free
	}
	want := map[[2]int64]int64{}
	for {
		best, bc, bs := math.Inf(1), -1, -1
		for i, c := range cells {
			if need[c.id] == 0 {
				continue
			}
			for j, s := range usable {
				if free[s.id] == 0 {
					continue
				}
				if d := geo.Distance(c.c, s.p); d < best {
					best, bc, bs = d, i, j
				}
			}
		}
		if bc < 0 {
			break
		}
		c, s := cells[bc], usable[bs]
		n := min(need[c.id], free[s.id])
		need[c.id] -= n
		free[s.id] -= n
		want[[2]int64{c.id, s.id}] += n
	}
	var left int64
	for _, n := range need {
		left += n
	}

	r := e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation", auth.DutyOfficer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("propose: %d %s", r.StatusCode, r.Body)
	}
	var p proposal
	r.JSON(t, &p)
	got := map[[2]int64]int64{}
	for _, a := range p.Assignments {
		got[[2]int64{a.CellID, a.ShelterID}] += a.People
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("allocation differs from brute force\n got %v\nwant %v", got, want)
	}
	if p.People != total || p.Unplaced != left || p.Placed != total-left {
		t.Fatalf("totals: people %d placed %d unplaced %d; want %d, %d", p.People, p.Placed, p.Unplaced, total, left)
	}
	if left == 0 {
		t.Fatal("test data should leave someone without a place")
	}

	before := e.Count(`SELECT coalesce(sum(occupancy), 0) FROM shelters`)
	r = e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation/confirm", auth.DutyOfficer, map[string]any{"shelters": p.Shelters})
	if r.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
	}
	if after := e.Count(`SELECT sum(occupancy) FROM shelters`); int64(after-before) != p.Placed {
		t.Fatalf("occupancy grew by %d, want %d", after-before, p.Placed)
	}
	if n := e.Count(`SELECT count(*) FROM shelters WHERE status = 'full' AND occupancy < capacity OR status = 'open' AND occupancy = capacity AND capacity > 0`); n != 0 {
		t.Fatalf("%d shelters with the wrong status", n)
	}
	if n := e.Count(`SELECT count(*) FROM shelters WHERE version = 2`); n != len(p.Shelters) {
		t.Fatalf("%d shelters at version 2, want %d", n, len(p.Shelters))
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters'`); n != len(p.Shelters) {
		t.Fatalf("%d shelter events", n)
	}
	mid := e.Count(`SELECT sum(occupancy) FROM shelters`)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation/confirm", auth.DutyOfficer, map[string]any{"shelters": p.Shelters}), 412)
	if e.Count(`SELECT sum(occupancy) FROM shelters`) != mid || e.Count(`SELECT count(*) FROM shelter_allocations`) != 1 {
		t.Fatal("a refused confirmation changed something")
	}
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation/confirm", auth.Viewer, map[string]any{"shelters": p.Shelters}), 403)
}
