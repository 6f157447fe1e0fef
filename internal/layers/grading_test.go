package layers_test

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/hazards"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

func patchCell(t *testing.T, e *apitest.Env, id string, body string) {
	t.Helper()
	etag := e.Do("GET", "/api/v1/population_cells/"+id, auth.Viewer, nil).Header.Get("ETag")
	r := e.Do("PATCH", "/api/v1/population_cells/"+id, auth.Editor, body, "If-Match", etag)
	if r.StatusCode != 200 {
		t.Fatalf("patch cell: %d %s", r.StatusCode, r.Body)
	}
}

// GB 18218-2018 boundaries through the API, with the people counted in
// PostGIS from population cells, and re-grading when the cells change.
func TestGradingFromPopulation(t *testing.T) {
	e := apitest.Start(t)
	site := point(seatLon, seatLat)
	// A 100 m cell centred 200 m east: wholly within 500 m.
	cell := create(t, e, "population_cells", feature(square(200, 100), map[string]any{"night_people": 0, "code": "near"}))
	// Chlorine: Q = 5 t, β = 4 (表3). 12.5 t gives Σβq/Q = 10.
	h := create(t, e, "hazard_sources", feature(site, hazardProps(line("液氯", 12.5))))
	check := func(what string, people int, alpha, r float64, grade any) {
		t.Helper()
		p := props(t, e, "hazard_sources", h.ID)
		if p["people_within_500m"].(float64) != float64(people) || p["alpha"].(float64) != alpha ||
			math.Abs(p["r"].(float64)-r) > 1e-9 || p["grade"] != grade {
			t.Fatalf("%s: people %v α %v R %v grade %v; want %d %v %v %v", what, p["people_within_500m"], p["alpha"], p["r"], p["grade"], people, alpha, r, grade)
		}
	}
	check("nobody", 0, 0.5, 5, "IV")
	for _, c := range []struct {
		people int
		alpha  float64
		grade  string
	}{{29, 1.0, "III"}, {30, 1.2, "III"}, {49, 1.2, "III"}, {50, 1.5, "III"}, {99, 1.5, "III"}, {100, 2.0, "III"}} {
		patchCell(t, e, cell.ID, fmt.Sprintf(`{"properties":{"night_people":%d}}`, c.people))
		check(fmt.Sprint(c.people, " people"), c.people, c.alpha, 10*c.alpha, c.grade)
	}
	patchCell(t, e, cell.ID, `{"properties":{"night_people":29}}`) // α = 1 from here on

	// R exactly on the 表6 boundaries, S exactly 1.
	for _, c := range []struct {
		tonnes float64
		major  bool
		r      float64
		grade  any
	}{
		{125, true, 100, "I"}, {124.99, true, 99.992, "II"},
		{62.5, true, 50, "II"}, {62.49, true, 49.992, "III"},
		{12.5, true, 10, "III"}, {12.49, true, 9.992, "IV"},
		{5, true, 4, "IV"}, {4.99, false, 3.992, nil},
	} {
		p := hazardProps(line("氯", c.tonnes))
		p["name"] = fmt.Sprintf("单元 %v t〔测试〕", c.tonnes)
		got := create(t, e, "hazard_sources", feature(site, p)).Body["properties"].(map[string]any)
		if got["major"] != c.major || math.Abs(got["r"].(float64)-c.r) > 1e-9 || got["grade"] != c.grade {
			t.Errorf("%v t: major %v R %v grade %v; want %v %v %v", c.tonnes, got["major"], got["r"], got["grade"], c.major, c.r, c.grade)
		}
		if c.tonnes == 5 && got["s"].(float64) != 1 {
			t.Errorf("S = %v, want exactly 1", got["s"])
		}
	}

	// People move into the ring: a cell 2 km away moves to 300 m.
	far := create(t, e, "population_cells", feature(square(2000, 100), map[string]any{"night_people": 100}))
	check("far cell", 29, 1.0, 10, "III")
	before := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'hazard_sources' AND entity_id = $1`, h.ID)
	beforeEv := e.Count(`SELECT count(*) FROM events WHERE topic = 'hazard_sources' AND entity_id = $1`, h.ID)
	etag := e.Do("GET", "/api/v1/hazard_sources/"+h.ID, auth.Viewer, nil).Header.Get("ETag")
	patchCell(t, e, far.ID, fmt.Sprintf(`{"geometry":%s}`, mustJSON(square(300, 100))))
	check("moved in", 129, 2.0, 20, "III")
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'hazard_sources' AND entity_id = $1 AND actor_name = 'editor'`, h.ID); n == 0 || n+0 < 1 {
		t.Fatal("re-grade not audited")
	}
	if e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'hazard_sources' AND entity_id = $1`, h.ID) != before+1 ||
		e.Count(`SELECT count(*) FROM events WHERE topic = 'hazard_sources' AND entity_id = $1`, h.ID) != beforeEv+1 {
		t.Fatal("re-grade not audited and published exactly once")
	}
	if got := e.Do("GET", "/api/v1/hazard_sources/"+h.ID, auth.Viewer, nil).Header.Get("ETag"); got == etag {
		t.Fatal("re-grade kept the version")
	}
	// ... and out again (the old geometry's neighbours are re-graded too), then deleted.
	patchCell(t, e, far.ID, fmt.Sprintf(`{"geometry":%s}`, mustJSON(square(2000, 100))))
	check("moved out", 29, 1.0, 10, "III")
	etag = e.Do("GET", "/api/v1/population_cells/"+cell.ID, auth.Viewer, nil).Header.Get("ETag")
	if r := e.Do("DELETE", "/api/v1/population_cells/"+cell.ID, auth.Editor, nil, "If-Match", etag); r.StatusCode != 204 {
		t.Fatal(r.StatusCode)
	}
	check("cell deleted", 0, 0.5, 5, "IV")

	// Area weighting: a 100 m cell centred on the 500 m ring is half inside.
	create(t, e, "population_cells", feature(square(500, 100), map[string]any{"night_people": 1000}))
	p := props(t, e, "hazard_sources", h.ID)
	if n := p["people_within_500m"].(float64); n < 490 || n > 510 {
		t.Fatalf("half-inside cell counts %v people, want about 500", n)
	}
}

// The safe-distance check agrees with a brute force over every pair, with
// distances from Vincenty's formula (package geo), not PostGIS.
func TestSafeDistanceAgainstBruteForce(t *testing.T) {
	e := apitest.Start(t)
	// Chlorine 62.5 t with nobody around: R = 0.5 × 50 = 25, grade III.
	h := create(t, e, "hazard_sources", feature(point(seatLon, seatLat), hazardProps(line("氯", 62.5))))
	if h.Body["properties"].(map[string]any)["grade"] != "III" {
		t.Fatalf("grade %v", h.Body["properties"].(map[string]any)["grade"])
	}
	// A source not in service and one not major are never checked.
	p := hazardProps(line("氯", 62.5))
	p["name"], p["filing_status"] = "已注销〔测试〕", "cancelled"
	create(t, e, "hazard_sources", feature(point(seatLon, seatLat+0.0001), p))
	seat := orb.Point{seatLon, seatLat}
	type site struct {
		layer, kind string
		bearing, d  float64
	}
	sitesList := []site{
		{"sensitive_sites", "school", 10, 250}, {"sensitive_sites", "school", 200, 350},
		{"sensitive_sites", "residential", 45, 149}, {"sensitive_sites", "residential", 300, 151},
		{"sensitive_sites", "drinking_water_source", 90, 199.5}, {"sensitive_sites", "hospital", 135, 1200},
		{"shelters", "shelter", 180, 900}, {"shelters", "shelter", 270, 1100},
	}
	var all []hazards.Site
	for i, s := range sitesList {
		pt := geo.Destination(seat, s.bearing, s.d)
		var c created
		if s.layer == "shelters" {
			f := shelter(fmt.Sprintf("避难 %d〔测试〕", i))
			f["geometry"] = point(pt[0], pt[1])
			c = create(t, e, "shelters", f)
		} else {
			c = create(t, e, "sensitive_sites", feature(point(pt[0], pt[1]), map[string]any{"name": fmt.Sprintf("点 %d〔测试〕", i), "kind": s.kind}))
		}
		all = append(all, hazards.Site{Kind: hazards.SiteKind(s.kind), ID: s.layer + "/" + c.ID, DistanceM: geo.Distance(seat, pt)})
	}
	want := hazards.DefaultDistanceRules().Check(hazards.GradeIII, all)
	var out struct {
		Count      int
		Violations []struct {
			HazardSourceID int64   `json:"hazard_source_id"`
			SiteLayer      string  `json:"site_layer"`
			SiteID         int64   `json:"site_id"`
			DistanceM      float64 `json:"distance_m"`
			MinimumM       float64 `json:"minimum_m"`
			Rule           string
		}
	}
	e.Do("GET", "/api/v1/safe-distance-violations", auth.Viewer, nil).JSON(t, &out)
	if out.Count != len(want) || len(want) != 4 {
		t.Fatalf("%d violations, brute force %d (want 4): %+v", out.Count, len(want), out.Violations)
	}
	var gotKeys, wantKeys []string
	for i, v := range out.Violations {
		gotKeys = append(gotKeys, fmt.Sprintf("%s/%d", v.SiteLayer, v.SiteID))
		if fmt.Sprint(v.HazardSourceID) != h.ID || v.Rule == "" {
			t.Errorf("violation %d: %+v", i, v)
		}
		for _, w := range want {
			if w.SiteID == gotKeys[i] && (math.Abs(w.DistanceM-v.DistanceM) > 0.05 || w.MinimumM != v.MinimumM) {
				t.Errorf("%s: %v m (min %v), brute force %v m (min %v)", w.SiteID, v.DistanceM, v.MinimumM, w.DistanceM, w.MinimumM)
			}
		}
	}
	for _, w := range want {
		wantKeys = append(wantKeys, w.SiteID)
	}
	sort.Strings(gotKeys)
	sort.Strings(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Fatalf("violations %v, brute force %v", gotKeys, wantKeys)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Type string
			}
			Properties struct {
				DistanceM float64 `json:"distance_m"`
			}
		}
	}
	r := e.Do("GET", "/api/v1/safe-distance-violations/map", auth.Viewer, nil)
	r.JSON(t, &fc)
	if r.Header.Get("Content-Type") != "application/geo+json" || len(fc.Features) != 4 || fc.Features[0].Geometry.Type != "LineString" {
		t.Fatalf("map form: %s", r.Body)
	}
}
