package zones_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// A population cell drawn with as many vertices as the layer takes is
// clipped by a zone like any other: the people inside are the whole cell's.
func TestImpactOfALargeCellIsItsWholeShapes(t *testing.T) {
	e := apitest.Start(t)
	inc := createIncident(t, e, source)
	// A 9,990-vertex ring 1.5 km across, 800 m downwind of the source.
	const n = 9990
	pts := make([]string, 0, n)
	for i := range n - 1 {
		a := 2 * math.Pi * float64(i) / float64(n-1)
		r := 750 * (1 + 0.02*math.Sin(37*a))
		pts = append(pts, fmt.Sprintf("%.9f %.9f", source[0]+(800+r*math.Cos(a))/80700, source[1]+r*math.Sin(a)/111100))
	}
	wkt := "POLYGON((" + strings.Join(append(pts, pts[0]), ",") + "))"
	var cell int64
	if err := e.Pool.QueryRow(t.Context(), `INSERT INTO population_cells (geom, night_people, day_people)
		VALUES (ST_GeomFromText($1, 4326), 5000, 5000) RETURNING id`, wkt).Scan(&cell); err != nil {
		t.Fatal(err)
	}
	run := compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)})
	for _, z := range run.Features {
		var im struct {
			PeopleEstimate float64 `json:"people_estimate"`
		}
		r := e.Do("GET", "/api/v1/zones/"+z.ID+"/impact", auth.Viewer, nil)
		if r.StatusCode != 200 {
			t.Fatalf("impact: %d %s", r.StatusCode, r.Body)
		}
		r.JSON(t, &im)
		var whole float64
		if err := e.Pool.QueryRow(t.Context(), `SELECT coalesce(sum(c.day_people * CASE WHEN ST_CoveredBy(c.geom, z.geom) THEN 1.0
				ELSE LEAST(1.0, ST_Area(ST_Intersection(c.geom, z.geom)::geography) / ST_Area(c.geom::geography)) END), 0)
			FROM population_cells c, zones z WHERE z.id = $1 AND ST_Intersects(c.geom, z.geom)`, z.ID).Scan(&whole); err != nil {
			t.Fatal(err)
		}
		// people_estimate is given to 0.1 of a person.
		if whole < 1 || math.Abs(im.PeopleEstimate-math.Round(whole*10)/10) > 1e-9 {
			t.Fatalf("zone %s: %.6f people inside, the whole cell gives %.6f", z.ID, im.PeopleEstimate, whole)
		}
	}
}
