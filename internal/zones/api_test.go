package zones_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/zones"
)

var source = orb.Point{87.40, 43.50}

// noon and midnight at the source (UTC+6 solar time is about UTC+5h50m).
var (
	noon     = time.Date(2025, 6, 21, 6, 0, 0, 0, time.UTC)
	midnight = time.Date(2025, 6, 21, 18, 0, 0, 0, time.UTC)
)

func createIncident(t *testing.T, e *apitest.Env, at orb.Point) int64 {
	t.Helper()
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "hazardous_chemicals", "place": "test plant",
		"occurred_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"location":    map[string]any{"type": "Point", "coordinates": []float64{at[0], at[1]}}})
	if r.StatusCode != 201 {
		t.Fatalf("create incident: %d %s", r.StatusCode, r.Body)
	}
	var f struct{ ID string }
	r.JSON(t, &f)
	id, _ := strconv.ParseInt(f.ID, 10, 64)
	return id
}

type zoneFeature struct {
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Level    int     `json:"level"`
		Active   bool    `json:"active"`
		Evacuate bool    `json:"evacuate"`
		ExtentM  float64 `json:"extent_m"`
		Version  int     `json:"version"`
	} `json:"properties"`
}

type computed struct {
	RunID    int64         `json:"run_id"`
	Features []zoneFeature `json:"features"`
}

func plumeInputs(windFrom float64, at time.Time) map[string]any {
	return map[string]any{"substance": "chlorine", "molecularWeight": 70.9, "releaseRateGS": 2000, "releaseHeightM": 0,
		"levels":      []map[string]any{{"name": "AEGL-2", "value": 2.0, "unit": "ppm"}, {"name": "AEGL-1", "value": 0.5, "unit": "ppm"}},
		"windFromDeg": windFrom, "windSpeedMS": 3, "cloudOktas": 2, "terrain": "rural", "time": at.Format(time.RFC3339)}
}

func compute(t *testing.T, e *apitest.Env, path string, body map[string]any) computed {
	t.Helper()
	r := e.Do("POST", path, auth.DutyOfficer, body)
	if r.StatusCode != 201 {
		t.Fatalf("compute: %d %s", r.StatusCode, r.Body)
	}
	var c computed
	r.JSON(t, &c)
	return c
}

// published computes an incident's zones and publishes every one of them
// (a computation stores drafts), returning the run with the published
// features.
func published(t *testing.T, e *apitest.Env, path string, body map[string]any) computed {
	t.Helper()
	c := compute(t, e, path, body)
	for i, f := range c.Features {
		r := e.Do("PATCH", "/api/v1/zones/"+f.ID, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", api.ETag(f.Properties.Version))
		if r.StatusCode != 200 {
			t.Fatalf("publish zone %s: %d %s", f.ID, r.StatusCode, r.Body)
		}
		r.JSON(t, &c.Features[i])
	}
	return c
}

func polygonOf(t *testing.T, raw json.RawMessage) orb.Polygon {
	t.Helper()
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		t.Fatal(err)
	}
	mp, ok := g.Geometry().(orb.MultiPolygon)
	if !ok || len(mp) != 1 {
		t.Fatalf("want a one-part MultiPolygon, got %T", g.Geometry())
	}
	return mp[0]
}

// The plume goes where the wind blows TO, through the API, both ways; the
// polygons are valid in PostGIS; the run replays identically; zones are on
// the live stream; a viewer cannot compute.
func TestWindConventionAndValidity(t *testing.T) {
	e := apitest.Start(t)
	inc := createIncident(t, e, source)
	for _, c := range []struct {
		from     float64
		wantEast bool
	}{{270, true}, {90, false}} {
		run := compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(c.from, noon)})
		if len(run.Features) != 2 {
			t.Fatalf("wind %v: %d zones", c.from, len(run.Features))
		}
		for _, f := range run.Features {
			p := polygonOf(t, f.Geometry)
			centroid, _ := planar.CentroidArea(p)
			if east := centroid[0] > source[0]; east != c.wantEast {
				t.Fatalf("wind from %v°: zone centroid %v, want east=%v of %v", c.from, centroid, c.wantEast, source)
			}
			if math.Abs(centroid[1]-source[1]) > 0.01 {
				t.Fatalf("wind from %v°: centroid %v drifts north/south", c.from, centroid)
			}
			if f.Properties.Active {
				t.Fatal("a computed incident zone is active before anyone published it")
			}
		}
		if !run.Features[0].Properties.Evacuate || run.Features[1].Properties.Evacuate {
			t.Fatal("default evacuate levels should be [1]")
		}
	}
	if n := e.Count(`SELECT count(*) FROM zones WHERE NOT ST_IsValid(geom) OR GeometryType(geom) <> 'MULTIPOLYGON' OR ST_SRID(geom) <> 4326`); n != 0 {
		t.Fatalf("%d invalid zones in PostGIS", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'zones' AND data->>'type' = 'Feature'`); n != 4 {
		t.Fatalf("%d zone events, want 4", n)
	}

	// Replay reproduces the stored zones exactly.
	id := e.Count(`SELECT min(id) FROM zones`)
	r := e.Do("POST", fmt.Sprintf("/api/v1/zones/%d/replay", id), auth.Viewer, nil)
	var rp struct {
		Identical bool `json:"identical"`
		Zones     []struct {
			SameVertices bool    `json:"same_vertices"`
			SymDiffM2    float64 `json:"symmetric_difference_m2"`
		} `json:"zones"`
	}
	r.JSON(t, &rp)
	if r.StatusCode != 200 || !rp.Identical || len(rp.Zones) != 2 || !rp.Zones[0].SameVertices || rp.Zones[0].SymDiffM2 != 0 {
		t.Fatalf("replay: %d %s", r.StatusCode, r.Body)
	}
	// Replay notices a tampered zone.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE zones SET geom = ST_Multi(ST_Buffer(geom, 0.001)) WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	r = e.Do("POST", fmt.Sprintf("/api/v1/zones/%d/replay", id), auth.Viewer, nil)
	r.JSON(t, &rp)
	if rp.Identical || rp.Zones[0].SymDiffM2 <= 0 {
		t.Fatalf("tampered zone replayed as identical: %s", r.Body)
	}

	apitest.ExpectProblem(t, e.Do("POST", fmt.Sprintf("/api/v1/incidents/%d/zones", inc), auth.Viewer,
		map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)}), 403)
}

// Bad input names the field and stores nothing.
func TestComputeRefusesBadInput(t *testing.T) {
	e := apitest.Start(t)
	inc := createIncident(t, e, source)
	path := fmt.Sprintf("/api/v1/incidents/%d/zones", inc)
	in := plumeInputs(270, noon)
	in["windFromDegrees"] = 270
	p := apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": "plume", "inputs": in}), 400)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/inputs/windFromDegrees"}) {
		t.Fatalf("unknown input: %v", p)
	}
	in = plumeInputs(400, noon)
	p = apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": "plume", "inputs": in}), 422)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/inputs/windFromDeg"}) {
		t.Fatalf("wind 400°: %v", p)
	}
	in = plumeInputs(270, noon)
	in["windSpeedMS"] = 0.2
	p = apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": "plume", "inputs": in}), 422)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/inputs/windSpeedMS"}) {
		t.Fatalf("calm: %v", p)
	}
	p = apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": "plume", "inputs": plumeInputs(270, noon),
		"evacuate_levels": []int{3}}), 422)
	if !slices.Equal(apitest.FieldsOf(p), []string{"/evacuate_levels/0"}) {
		t.Fatalf("evacuate level: %v", p)
	}
	// A model's refusal names the input it is about, so the form marks it.
	for _, c := range []struct {
		model  string
		inputs map[string]any
		field  string
	}{
		{"plume", func() map[string]any { in := plumeInputs(270, noon); in["releaseRateGS"] = 0; return in }(), "/inputs/releaseRateGS"},
		{"plume", func() map[string]any { in := plumeInputs(270, noon); in["cloudOktas"] = 9; return in }(), "/inputs/cloudOktas"},
		{"plume", func() map[string]any {
			in := plumeInputs(270, noon)
			in["levels"] = []map[string]any{{"name": "x", "value": 1, "unit": "ppb"}}
			return in
		}(), "/inputs/levels/0/unit"},
		{"plume", func() map[string]any { in := plumeInputs(270, noon); delete(in, "molecularWeight"); return in }(), "/inputs/molecularWeight"},
		{"explosion", map[string]any{"flammableMassKg": 1000, "heatOfCombustionJPerKg": -1}, "/inputs/heatOfCombustionJPerKg"},
		{"explosion", map[string]any{"tntMassKg": 1000, "levels": []map[string]any{{"name": "x", "kPa": 1e6}}}, "/inputs/levels/0/kPa"},
		{"fireball", map[string]any{"fuelMassKg": 1e9}, "/inputs/fuelMassKg"},
		{"protective", map[string]any{"key": "mercury", "case": "small"}, "/inputs/key"},
		{"protective", map[string]any{"key": "chlorine", "case": "huge"}, "/inputs/case"},
	} {
		p = apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": c.model, "inputs": c.inputs}), 422)
		if !slices.Equal(apitest.FieldsOf(p), []string{c.field}) {
			t.Errorf("%s %v: %v, want %s", c.model, c.inputs, apitest.FieldsOf(p), c.field)
		}
	}
	apitest.ExpectProblem(t, e.Do("POST", path, auth.DutyOfficer, map[string]any{"model": "gas", "inputs": map[string]any{}}), 422)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/incidents/99999/zones", auth.DutyOfficer, map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)}), 404)
	if n := e.Count(`SELECT count(*) FROM zone_runs`) + e.Count(`SELECT count(*) FROM zones`); n != 0 {
		t.Fatalf("a refused computation stored %d rows", n)
	}
}

// What-if zones on a hazard source are stored inactive and cannot be
// activated; an incident zone is a draft until published, and can be
// switched off again, each with If-Match.
func TestWhatIfAndActivation(t *testing.T) {
	e := apitest.Start(t)
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO hazard_sources (geom, name, enterprise, filing_status, inventory, s, r, alpha, people_within_500m, major, grading)
		VALUES (ST_SetSRID(ST_MakePoint(87.45, 43.52), 4326), 'tank', 'ent', 'registered', '[]', 0, 0, 1, 0, false, '{}')`); err != nil {
		t.Fatal(err)
	}
	hs := e.Count(`SELECT id FROM hazard_sources`)
	run := compute(t, e, "/api/v1/zones/what-if", map[string]any{"model": "explosion", "hazard_source_id": hs,
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000}})
	if len(run.Features) == 0 || run.Features[0].Properties.Active {
		t.Fatalf("what-if: %+v", run)
	}
	c := polygonOf(t, run.Features[0].Geometry).Bound().Center()
	if d := geo.Distance(c, orb.Point{87.45, 43.52}); d > 5 {
		t.Fatalf("what-if ring centred %v m from the hazard source", d)
	}
	zid := run.Features[0].ID
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", `"1"`), 409)
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": true}), 428)

	inc := createIncident(t, e, source)
	run = compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "fireball", "inputs": map[string]any{"substance": "LPG", "fuelMassKg": 5000}})
	if n := e.Count(`SELECT count(*) FROM zones WHERE active`); n != 0 {
		t.Fatalf("%d active zones before any was published", n)
	}
	zid = run.Features[0].ID
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", `"7"`), 412)
	r := e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", `"1"`)
	if r.StatusCode != 200 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Body)
	}
	if n := e.Count(`SELECT count(*) FROM zones WHERE active`); n != 1 {
		t.Fatalf("%d active zones after publishing one", n)
	}
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": false}, "If-Match", `"1"`), 412)
	r = e.Do("PATCH", "/api/v1/zones/"+zid, auth.DutyOfficer, map[string]any{"active": false}, "If-Match", `"2"`)
	if r.StatusCode != 200 || r.Header.Get("ETag") != `"3"` {
		t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
	}
	if n := e.Count(`SELECT count(*) FROM zones WHERE active`); n != 0 {
		t.Fatalf("%d active zones after switching it off", n)
	}
}

// The counts inside a zone equal an independent computation: cells clipped
// in Go (orb/clip, Sutherland–Hodgman on the cell's rectangle) with areas on
// the sphere (orb/geo), sites tested with planar point-in-polygon.
func TestImpactAgainstBruteForce(t *testing.T) {
	e := apitest.Start(t)
	cells, sites := seedImpactData(t, e, rand.New(rand.NewPCG(5, 7)))
	inc := createIncident(t, e, source)
	for _, at := range []time.Time{noon, midnight} {
		run := compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(270, at)})
		for _, f := range run.Features {
			brute := bruteForceImpact(polygonOf(t, f.Geometry), cells, sites, at == noon)
			r := e.Do("GET", "/api/v1/zones/"+f.ID+"/impact", auth.Viewer, nil)
			var im struct {
				Counts         string                       `json:"counts"`
				People         int64                        `json:"people"`
				PeopleEstimate float64                      `json:"people_estimate"`
				Cells          int                          `json:"cells"`
				CellsCut       int                          `json:"cells_cut"`
				SitesByKind    map[string][]json.RawMessage `json:"sites_by_kind"`
				Roads          any                          `json:"roads"`
			}
			r.JSON(t, &im)
			if r.StatusCode != 200 {
				t.Fatalf("impact: %d %s", r.StatusCode, r.Body)
			}
			want := map[time.Time]string{noon: "day", midnight: "night"}[at]
			if im.Counts != want {
				t.Fatalf("counts %q at %v, want %q", im.Counts, at, want)
			}
			if brute.cells == 0 || brute.sites == 0 {
				t.Fatalf("test data misses the zone (%d cells, %d sites)", brute.cells, brute.sites)
			}
			if im.Cells != brute.cells || im.CellsCut != brute.cut {
				t.Fatalf("zone %s: %d cells (%d cut), brute force %d (%d cut)", f.ID, im.Cells, im.CellsCut, brute.cells, brute.cut)
			}
			// Sphere (orb) against ellipsoid (PostGIS) area ratios: within 0.1 %.
			if math.Abs(im.PeopleEstimate-brute.estimate) > 1e-3*brute.estimate+0.1 {
				t.Fatalf("zone %s: people estimate %v, brute force %v", f.ID, im.PeopleEstimate, brute.estimate)
			}
			if d := im.People - brute.people; d < -2 || d > 2 {
				t.Fatalf("zone %s: people %d, brute force %d", f.ID, im.People, brute.people)
			}
			n := 0
			for _, l := range im.SitesByKind {
				n += len(l)
			}
			if n != brute.sites {
				t.Fatalf("zone %s: %d sites inside, brute force %d", f.ID, n, brute.sites)
			}
			if im.Roads != nil {
				t.Fatal("roads should be null: no road data is loaded")
			}
		}
	}
}

// popCell is a population cell as the brute force sees it.
type popCell struct {
	b            orb.Bound
	night, day   int64
	nullDayCount bool
}

// seedImpactData stores 400 random population cells (one in five without a
// day count) and 200 sensitive sites around source, and returns them.
func seedImpactData(t *testing.T, e *apitest.Env, rng *rand.Rand) ([]popCell, []orb.Point) {
	t.Helper()
	ctx := context.Background()
	var cells []popCell
	for range 400 {
		lon := source[0] - 0.01 + rng.Float64()*0.08
		lat := source[1] - 0.02 + rng.Float64()*0.04
		w, h := 0.001+rng.Float64()*0.006, 0.001+rng.Float64()*0.004
		c := popCell{b: orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + w, lat + h}}, night: rng.Int64N(3000), day: rng.Int64N(3000), nullDayCount: rng.IntN(5) == 0}
		cells = append(cells, c)
		var day *int64
		if !c.nullDayCount {
			day = &c.day
		}
		if _, err := e.Pool.Exec(ctx, `INSERT INTO population_cells (geom, night_people, day_people) VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), $5, $6)`,
			c.b.Min[0], c.b.Min[1], c.b.Max[0], c.b.Max[1], c.night, day); err != nil {
			t.Fatal(err)
		}
	}
	kinds := []string{"school", "hospital", "power_station", "drinking_water_source", "residential"}
	var sites []orb.Point
	for i := range 200 {
		p := orb.Point{source[0] - 0.01 + rng.Float64()*0.08, source[1] - 0.02 + rng.Float64()*0.04}
		sites = append(sites, p)
		if _, err := e.Pool.Exec(ctx, `INSERT INTO sensitive_sites (geom, name, kind) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)`,
			p[0], p[1], "site "+strconv.Itoa(i), kinds[i%len(kinds)]); err != nil {
			t.Fatal(err)
		}
	}
	return cells, sites
}

// bruteImpact is what a zone's impact should say.
type bruteImpact struct {
	estimate          float64
	people            int64
	cells, cut, sites int
}

// bruteForceImpact computes a zone's impact in Go, independently of
// PostGIS: day counts by day where a cell has one, else night counts.
func bruteForceImpact(zone orb.Polygon, cells []popCell, sites []orb.Point, day bool) bruteImpact {
	var out bruteImpact
	for _, c := range cells {
		clipped := clip.Polygon(c.b, zone.Clone())
		if len(clipped) == 0 {
			continue
		}
		a := orbgeo.Area(clipped)
		if a <= 0 {
			continue
		}
		out.cells++
		frac := math.Min(1, a/orbgeo.Area(c.b.ToPolygon()))
		count := c.night
		if day && !c.nullDayCount {
			count = c.day
		}
		if frac < 1-1e-9 {
			out.cut++
		}
		out.estimate += float64(count) * frac
		out.people += int64(math.Ceil(float64(count)*frac - 1e-9))
	}
	for _, s := range sites {
		if planar.PolygonContains(zone, s) {
			out.sites++
		}
	}
	return out
}

// Publishing zones updates the incident's 较大涉险 flags through
// SetExposure: important sites endangered, drinking water polluted; the
// incident's own hazard source is not a secondary one; switching the zone
// off clears them. Drafts (computed, not published) count for nothing.
func TestExposureFlags(t *testing.T) {
	e := apitest.Start(t)
	ctx := context.Background()
	for _, s := range []struct {
		kind string
		p    orb.Point
	}{{"power_station", orb.Point{87.41, 43.50}}, {"drinking_water_source", orb.Point{87.42, 43.50}}, {"school", orb.Point{87.30, 43.50}}} {
		if _, err := e.Pool.Exec(ctx, `INSERT INTO sensitive_sites (geom, name, kind) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $3)`, s.p[0], s.p[1], s.kind); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []orb.Point{source, {87.415, 43.50}} {
		if _, err := e.Pool.Exec(ctx, `INSERT INTO hazard_sources (geom, name, enterprise, filing_status, inventory, s, r, alpha, people_within_500m, major, grading)
			VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, 'ent', 'registered', '[]', 0, 0, 1, 0, false, '{}')`, p[0], p[1], fmt.Sprint(p)); err != nil {
			t.Fatal(err)
		}
	}
	inc := createIncident(t, e, source)
	var f struct {
		Properties struct {
			Exposure  map[string]map[string]int    `json:"exposure"`
			RiskFlags []struct{ Criterion string } `json:"risk_flags"`
		} `json:"properties"`
	}
	compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)})
	e.Do("GET", fmt.Sprintf("/api/v1/incidents/%d", inc), auth.Viewer, nil).JSON(t, &f)
	if len(f.Properties.RiskFlags) != 0 || len(f.Properties.Exposure["endangered"]) != 0 || len(f.Properties.Exposure["polluted"]) != 0 {
		t.Fatalf("drafts counted: %v %v", f.Properties.Exposure, f.Properties.RiskFlags)
	}
	run := published(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)})
	e.Do("GET", fmt.Sprintf("/api/v1/incidents/%d", inc), auth.Viewer, nil).JSON(t, &f)
	ex := f.Properties.Exposure
	if ex["endangered"]["power_station"] != 1 || ex["endangered"]["water_works"] != 1 || ex["polluted"]["drinking_water"] != 1 ||
		ex["endangered"]["hazchem_store"] != 1 || ex["endangered"]["crowded_place"] != 0 {
		t.Fatalf("exposure %v", ex)
	}
	var crit []string
	for _, r := range f.Properties.RiskFlags {
		crit = append(crit, r.Criterion)
	}
	if !slices.Contains(crit, "important_site") || !slices.Contains(crit, "serious_pollution") {
		t.Fatalf("flags %v", crit)
	}
	// One entry per published zone; computing the drafts wrote none.
	if n := e.Count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1 AND type = 'exposure'`, inc); n != len(run.Features) {
		t.Fatalf("%d exposure timeline entries, want %d", n, len(run.Features))
	}
	for _, z := range run.Features {
		if r := e.Do("PATCH", "/api/v1/zones/"+z.ID, auth.DutyOfficer, map[string]any{"active": false}, "If-Match", api.ETag(z.Properties.Version)); r.StatusCode != 200 {
			t.Fatalf("deactivate: %d %s", r.StatusCode, r.Body)
		}
	}
	f.Properties.Exposure, f.Properties.RiskFlags = nil, nil
	e.Do("GET", fmt.Sprintf("/api/v1/incidents/%d", inc), auth.Viewer, nil).JSON(t, &f)
	if len(f.Properties.RiskFlags) != 0 || len(f.Properties.Exposure["endangered"]) != 0 {
		t.Fatalf("after deactivation: %v %v", f.Properties.Exposure, f.Properties.RiskFlags)
	}
}

// A computed incident zone is a draft: the live stream sends it (the console
// shows drafts) but the wall's snapshot and tiles do not hold it, and
// nothing fences teams with it, until someone publishes it; switching it
// off takes it off the wall again.
func TestZonesAreDraftsUntilPublished(t *testing.T) {
	e := apitest.Start(t)
	inc := createIncident(t, e, source)
	run := compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "plume", "inputs": plumeInputs(270, noon)})
	onWall := func() int {
		t.Helper()
		rows, err := e.Pool.Query(t.Context(), zones.SnapshotSQL, nil, nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		return n
	}
	if n := onWall(); n != 0 {
		t.Fatalf("%d drafts in the wall's snapshot", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'zones' AND action = 'create' AND data->'properties'->>'active' = 'false'`); n != len(run.Features) {
		t.Fatalf("%d draft events on the stream, want %d", n, len(run.Features))
	}
	z := run.Features[0]
	r := e.Do("PATCH", "/api/v1/zones/"+z.ID, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", api.ETag(z.Properties.Version))
	if r.StatusCode != 200 {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Body)
	}
	if n := onWall(); n != 1 {
		t.Fatalf("%d zones on the wall after publishing one", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'zones' AND action = 'update' AND data->'properties'->>'active' = 'true'`); n != 1 {
		t.Fatalf("%d publish events", n)
	}
	r = e.Do("PATCH", "/api/v1/zones/"+z.ID, auth.DutyOfficer, map[string]any{"active": false}, "If-Match", r.Header.Get("ETag"))
	if r.StatusCode != 200 || onWall() != 0 {
		t.Fatalf("switch off: %d %s; %d on the wall", r.StatusCode, r.Body, onWall())
	}
}
