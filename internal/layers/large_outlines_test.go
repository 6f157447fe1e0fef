package layers_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/registry"
)

// wavyRing is a closed ring of n positions around a centre eastM metres east
// of the seat, radius rM with a small ripple, so no two edges are collinear
// and PostGIS keeps every vertex.
func wavyRing(eastM, rM float64, n int) map[string]any {
	cx := seatLon + eastM/mLon
	ring := make([][]float64, 0, n)
	for i := range n - 1 {
		a := 2 * math.Pi * float64(i) / float64(n-1)
		r := rM * (1 + 0.02*math.Sin(37*a))
		ring = append(ring, []float64{cx + r*math.Cos(a)/mLon, seatLat + r*math.Sin(a)/mLat})
	}
	ring = append(ring, ring[0])
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}}
}

// Outlines drawn with as many vertices as a layer takes are graded and
// checked like any other (the answers are the whole shapes'), and every later
// edit near them still goes through; past the limit, an outline is refused at
// its coordinates and nothing is stored, so no valid feature can make the
// checks of everyone else's requests run out of time.
func TestLargeOutlinesWithinTheLimit(t *testing.T) {
	e := apitest.Start(t)
	const n = registry.DefaultMaxVertices - 10
	ctx := context.Background()

	// A big cell reaching to within 500 m of the source: part of it counts.
	cell := create(t, e, "population_cells", feature(wavyRing(600, 300, n), map[string]any{"night_people": 1000, "code": "big"}))
	h := create(t, e, "hazard_sources", feature(point(seatLon, seatLat), hazardProps(line("液氯", 12.5))))
	wholePeople := func() float64 {
		t.Helper()
		var x float64
		if err := e.Pool.QueryRow(ctx, `WITH ring AS (SELECT ST_Buffer(geom::geography, 500, 'quad_segs=32') AS b FROM hazard_sources WHERE id = $1)
			SELECT coalesce(sum(c.night_people * ST_Area(ST_Intersection(c.geom::geography, ring.b)) / ST_Area(c.geom::geography)), 0)
			FROM population_cells c, ring WHERE ST_Intersects(c.geom::geography, ring.b)`, h.ID).Scan(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	checkPeople := func(what string) {
		t.Helper()
		want := wholePeople()
		got := props(t, e, "hazard_sources", h.ID)["people_within_500m"].(float64)
		if math.Abs(got-math.Round(want)) > 0 || want < 1 {
			t.Fatalf("%s: %v people within 500 m, the whole cell gives %.6f", what, got, want)
		}
	}
	checkPeople("created")
	// Edits of the big cell re-grade the source (this used to time out).
	patchCell(t, e, cell.ID, `{"properties":{"night_people":2000}}`)
	checkPeople("edited")

	// A school outline too close to the source: the distance is the whole
	// shapes' distance.
	school := create(t, e, "sensitive_sites", feature(wavyRing(-250, 100, n), map[string]any{"name": "大轮廓学校〔测试〕", "kind": "school"}))
	var out struct {
		Violations []struct {
			HazardSourceID int64   `json:"hazard_source_id"`
			SiteID         int64   `json:"site_id"`
			DistanceM      float64 `json:"distance_m"`
		} `json:"violations"`
	}
	r := e.Do("GET", "/api/v1/safe-distance-violations", auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("violations: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &out)
	var whole float64
	if err := e.Pool.QueryRow(ctx, `SELECT ST_Distance(h.geom::geography, s.geom::geography) FROM hazard_sources h, sensitive_sites s
		WHERE h.id = $1 AND s.id = $2`, h.ID, school.ID).Scan(&whole); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range out.Violations {
		if fmt.Sprint(v.HazardSourceID) == h.ID && fmt.Sprint(v.SiteID) == school.ID {
			found = true
			if math.Abs(v.DistanceM-whole) > 1e-6 {
				t.Fatalf("distance %.6f m, the whole shapes are %.6f m apart", v.DistanceM, whole)
			}
		}
	}
	if !found {
		t.Fatalf("the school %.1f m from a grade III source is not listed: %+v", whole, out)
	}
	if r := e.Do("GET", "/api/v1/safe-distance-violations/map", auth.Viewer, nil); r.StatusCode != 200 {
		t.Fatalf("violations map: %d %s", r.StatusCode, r.Body)
	}

	// Past the limit: refused, nothing stored.
	before := e.Count(`SELECT count(*) FROM sensitive_sites`)
	p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/sensitive_sites", auth.Editor,
		feature(wavyRing(-250, 100, registry.DefaultMaxVertices+1000), map[string]any{"name": "过大轮廓〔测试〕", "kind": "school"})), 422)
	if f := apitest.FieldsOf(p); len(f) != 1 || f[0] != "/geometry/coordinates" {
		t.Fatalf("fields %v", f)
	}
	if after := e.Count(`SELECT count(*) FROM sensitive_sites`); after != before {
		t.Fatal("an outline past the limit was stored")
	}
}
