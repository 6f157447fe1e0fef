package zones_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/routing"
	"sitrep/routing/routingtest"
)

// at is a place km east and north of the evacuation fixture's origin (the
// zone tests' source).
func at(eastKM, northKM float64) orb.Point {
	return geo.ToLonLat(source, geo.Offset{East: eastKM * 1000, North: northKM * 1000})
}

// The evacuation fixture (km east, north of the source):
//
//	(-6,3) ══════════ ring road ══════════════════ (4,3)
//	  ║                                              ║
//	  ║            ┌─────── zone ───────┐            ║
//	S (-6,0) ═══ (-2.5,0) ═════ (1,0) ═╪═ (2,0) ══ (4,0)
//	  shelter      │          C (1.5,0) cell         │
//	               │          school in C             │
//	               │  ─ U (0,-1.3) ─    │   a road joined to nothing
//	               │    W (0,-2.8)      │   far from every road
//	               └────────────────────┘
//	               x -2…2, y -3…1
//
// The main road is four ways, so the stretch through the zone is whole
// edges between junctions. From C the shelter is 7.5 km west along the
// main road, 3.5 km of it through the zone; east, out of the zone after
// 0.5 km and round the ring, it is 18.5 km. Routing makes a closed zone's
// roads cost ten times as much for a route starting in it (for the share of
// each edge inside), so the evacuation goes east: about 18.5 against 34.5
// km's worth. U's road joins nothing; W is 1.4 km from any road.
type evacFixture struct {
	e                           *apitest.Env
	incident, zone, shelter     int64
	cellC, cellU, cellW, school int64
	zoneVersion                 int
}

func evacuationFixture(t *testing.T, roads bool) evacFixture {
	t.Helper()
	e := apitest.Start(t)
	ctx := context.Background()
	f := evacFixture{e: e}
	if roads {
		routingtest.Load(t, e.Pool, routingtest.Lines("primary",
			orb.LineString{at(-6, 0), at(-2.5, 0)},
			orb.LineString{at(-2.5, 0), at(1, 0)},
			orb.LineString{at(1, 0), at(2, 0)},
			orb.LineString{at(2, 0), at(4, 0)},
			orb.LineString{at(4, 0), at(4, 3), at(-6, 3), at(-6, 0)},
			orb.LineString{at(-1, -1.4), at(1, -1.4)})...)
	}
	f.incident = createIncident(t, e, at(0, 0))
	f.zone, f.zoneVersion = publishBox(t, e, f.incident, at(-2, -3), at(2, 1))

	cell := func(code string, c orb.Point, people int) int64 {
		const h = 0.0005
		var id int64
		if err := e.Pool.QueryRow(ctx, `INSERT INTO population_cells (geom, code, night_people, day_people) VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), $5, $6, $6) RETURNING id`,
			c[0]-h, c[1]-h, c[0]+h, c[1]+h, code, people).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.cellC, f.cellU, f.cellW = cell("C", at(1.5, 0), 120), cell("U", at(0, -1.3), 40), cell("W", at(0, -2.8), 10)
	s := at(1.5, 0.01)
	if err := e.Pool.QueryRow(ctx, `INSERT INTO sensitive_sites (geom, name, kind, people) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), '东边小学', 'school', 300) RETURNING id`,
		s[0], s[1]).Scan(&f.school); err != nil {
		t.Fatal(err)
	}
	p := at(-6, 0)
	if err := e.Pool.QueryRow(ctx, `INSERT INTO shelters (geom, name, class, capacity, status, occupancy) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), '西郊避难场所', 'emergency', 1000, 'open', 0) RETURNING id`,
		p[0], p[1]).Scan(&f.shelter); err != nil {
		t.Fatal(err)
	}
	return f
}

// publishBox computes a zone for the incident, gives the run's zone whose
// people must leave the box sw–ne for its shape (a hand-made zone) and
// publishes it; it returns the zone's id and version.
func publishBox(t *testing.T, e *apitest.Env, incident int64, sw, ne orb.Point) (int64, int) {
	t.Helper()
	run := compute(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", incident), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 2000, "time": midnight.Format("2006-01-02T15:04:05Z")}})
	var zone zoneFeature
	for _, z := range run.Features {
		if z.Properties.Evacuate {
			zone = z
			break
		}
	}
	if zone.ID == "" {
		t.Fatal("the explosion run has no zone whose people must leave")
	}
	if _, err := e.Pool.Exec(context.Background(), `UPDATE zones SET geom = ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)) WHERE id = $1`,
		zone.ID, sw[0], sw[1], ne[0], ne[1]); err != nil {
		t.Fatal(err)
	}
	r := e.Do("PATCH", "/api/v1/zones/"+zone.ID, auth.DutyOfficer, map[string]any{"active": true}, "If-Match", api.ETag(zone.Properties.Version))
	if r.StatusCode != 200 {
		t.Fatalf("publish: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &zone)
	var id int64
	fmt.Sscan(zone.ID, &id)
	return id, zone.Properties.Version
}

// confirmAllocation proposes and confirms the zone's allocation; it
// returns what the confirmation said of the routes.
func (f evacFixture) confirmAllocation(t *testing.T) routesAfterConfirm {
	t.Helper()
	path := fmt.Sprintf("/api/v1/zones/%d/allocation", f.zone)
	r := f.e.Do("POST", path, auth.DutyOfficer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("propose: %d %s", r.StatusCode, r.Body)
	}
	var p proposal
	r.JSON(t, &p)
	r = f.e.Do("POST", path+"/confirm", auth.DutyOfficer, map[string]any{"shelters": p.Shelters})
	if r.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
	}
	var c struct {
		Routes routesAfterConfirm `json:"evacuation_routes"`
	}
	r.JSON(t, &c)
	return c.Routes
}

type routesAfterConfirm struct {
	Computed bool   `json:"computed"`
	Routes   int    `json:"routes"`
	Note     string `json:"note"`
}

type evacRoute struct {
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		FromKind    string    `json:"from_kind"`
		FromID      int64     `json:"from_id"`
		FromName    string    `json:"from_name"`
		From        []float64 `json:"from"`
		ShelterID   int64     `json:"shelter_id"`
		ShelterName string    `json:"shelter_name"`
		People      *int64    `json:"people"`
		Reachable   bool      `json:"reachable"`
		OffRoad     bool      `json:"off_road"`
		Seconds     *float64  `json:"seconds"`
		Minutes     *int      `json:"minutes"`
		DistanceM   *float64  `json:"distance_m"`
		Note        string    `json:"note"`
		Through     bool      `json:"through_closed_zone"`
		ZonesOnWay  []struct {
			ID      int64  `json:"id"`
			Rule    string `json:"rule"`
			Entered bool   `json:"entered"`
		} `json:"zones_on_way"`
	} `json:"properties"`
}

type evacSet struct {
	ZoneID     int64       `json:"zone_id"`
	ComputedAt *string     `json:"computed_at"`
	Network    bool        `json:"network"`
	Note       string      `json:"note"`
	Features   []evacRoute `json:"features"`
}

func (f evacFixture) routes(t *testing.T) evacSet {
	t.Helper()
	r := f.e.Do("GET", fmt.Sprintf("/api/v1/zones/%d/evacuation-routes", f.zone), auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("GET routes: %d %s", r.StatusCode, r.Body)
	}
	var s evacSet
	r.JSON(t, &s)
	return s
}

func (s evacSet) from(t *testing.T, kind string, id int64) evacRoute {
	t.Helper()
	for _, r := range s.Features {
		if r.Properties.FromKind == kind && r.Properties.FromID == id {
			return r
		}
	}
	t.Fatalf("no route from %s %d in %d routes", kind, id, len(s.Features))
	return evacRoute{}
}

func lineOf(t *testing.T, raw json.RawMessage) orb.LineString {
	t.Helper()
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		t.Fatalf("route geometry %s: %v", raw, err)
	}
	l, ok := g.Geometry().(orb.LineString)
	if !ok {
		t.Fatalf("route geometry is %T, want a LineString", g.Geometry())
	}
	return l
}

// Confirming the allocation computes the routes: the cell near the zone's
// east edge leaves it east, the short way out, and goes round to the
// shelter in the west rather than straight through the zone; the school in
// that cell goes with it; the cell on a road joined to nothing and the one
// far from every road are listed and said so.
func TestEvacuationRouteLeavesZoneTheShortWay(t *testing.T) {
	f := evacuationFixture(t, true)
	got := f.confirmAllocation(t)
	if !got.Computed || got.Routes != 4 {
		t.Fatalf("confirmation says %+v, want 4 routes computed (3 cells and the school)", got)
	}
	set := f.routes(t)
	if set.ComputedAt == nil || !set.Network || !strings.Contains(set.Note, "共 4 条") || !strings.Contains(set.Note, "2 条无法按道路到达") {
		t.Fatalf("set: computed_at %v network %v note %q", set.ComputedAt, set.Network, set.Note)
	}

	c := set.from(t, "population_cell", f.cellC)
	p := c.Properties
	if !p.Reachable || p.ShelterID != f.shelter || p.ShelterName != "西郊避难场所" || p.People == nil || *p.People != 120 || p.Note != "" {
		t.Fatalf("route from C: %+v", p)
	}
	if p.DistanceM == nil || *p.DistanceM < 18300 || *p.DistanceM > 18700 {
		t.Fatalf("route from C is %v m, want about 18.5 km (east out of the zone and round), not 7.5 km straight through it", deref(p.DistanceM))
	}
	line := lineOf(t, c.Geometry)
	start, next := line[0], line[1]
	if next.Lon() <= start.Lon() {
		t.Fatalf("route from C starts %v → %v: want it heading east, out of the zone the short way", start, next)
	}
	north := 0.0
	for _, q := range line {
		north = max(north, q[1])
	}
	if north < at(0, 2.9)[1] {
		t.Fatalf("route from C never reaches the ring road (northmost %v)", north)
	}
	if end := line[len(line)-1]; geo.Distance(end, at(-6, 0)) > 20 {
		t.Fatalf("route from C ends at %v, not at the shelter", end)
	}
	if p.Seconds == nil || p.Minutes == nil || *p.Minutes < 1 || float64(*p.Minutes) < *p.Seconds/60 {
		t.Fatalf("route from C: %v s, %v min", p.Seconds, p.Minutes)
	}
	endpoint := false
	for _, z := range p.ZonesOnWay {
		endpoint = endpoint || (z.ID == f.zone && z.Rule == routing.ZoneEndpoint && z.Entered)
	}
	if !endpoint {
		t.Fatalf("route from C: zones on the way %+v, want the zone as the route's own (endpoint)", p.ZonesOnWay)
	}
	if start := (orb.Point{p.From[0], p.From[1]}); geo.Distance(start, at(1.5, 0)) > 80 {
		t.Fatalf("route from C starts at %v, not in the cell", start)
	}

	school := set.from(t, "sensitive_site", f.school).Properties
	if school.FromName != "东边小学" || school.ShelterID != f.shelter || !school.Reachable || school.People == nil || *school.People != 300 {
		t.Fatalf("route from the school: %+v", school)
	}

	u := set.from(t, "population_cell", f.cellU)
	if u.Properties.Reachable || u.Properties.OffRoad || string(u.Geometry) != "null" || u.Properties.Minutes != nil ||
		!strings.Contains(u.Properties.Note, "道路不通") {
		t.Fatalf("route from U (a road joined to nothing): %s %+v", u.Geometry, u.Properties)
	}
	w := set.from(t, "population_cell", f.cellW)
	if w.Properties.Reachable || !w.Properties.OffRoad || !strings.Contains(w.Properties.Note, "不在路网内") {
		t.Fatalf("route from W (far from every road): %+v", w.Properties)
	}
	// The stored line is typed and in WGS 84.
	if n := f.e.Count(`SELECT count(*) FROM evacuation_routes WHERE zone_id = $1 AND ST_SRID(geom) = 4326 AND GeometryType(geom) = 'LINESTRING'`, f.zone); n != 2 {
		t.Fatalf("%d stored lines, want 2 (C and the school)", n)
	}
}

// Computing again replaces the set whole: same routes under new ids, the
// old ones gone, and on the stream a delete per old route and a create per
// new one; switching the zone off takes its routes off the wall.
func TestEvacuationRoutesRecomputeReplaces(t *testing.T) {
	f := evacuationFixture(t, true)
	f.confirmAllocation(t)
	before := f.routes(t)
	r := f.e.Do("POST", fmt.Sprintf("/api/v1/zones/%d/evacuation-routes", f.zone), auth.DutyOfficer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("recompute: %d %s", r.StatusCode, r.Body)
	}
	var after evacSet
	r.JSON(t, &after)
	if len(after.Features) != len(before.Features) || len(after.Features) != 4 {
		t.Fatalf("%d routes after, %d before, want 4 and 4", len(after.Features), len(before.Features))
	}
	if n := f.e.Count(`SELECT count(*) FROM evacuation_routes WHERE zone_id = $1`, f.zone); n != 4 {
		t.Fatalf("%d rows stored, want 4 (the old set replaced)", n)
	}
	old := map[string]bool{}
	for _, x := range before.Features {
		old[x.ID] = true
	}
	for _, x := range after.Features {
		if old[x.ID] {
			t.Fatalf("route %s kept its id: not replaced", x.ID)
		}
		if n := f.e.Count(`SELECT count(*) FROM events WHERE topic = 'evacuation_routes' AND action = 'create' AND entity_id = $1 AND data->'properties'->>'zone_id' = $2`,
			x.ID, fmt.Sprint(f.zone)); n != 1 {
			t.Fatalf("route %s: %d create events, want 1", x.ID, n)
		}
	}
	for id := range old {
		if n := f.e.Count(`SELECT count(*) FROM events WHERE topic = 'evacuation_routes' AND action = 'delete' AND entity_id = $1`, id); n != 1 {
			t.Fatalf("old route %s: %d delete events, want 1", id, n)
		}
	}
	if n := f.e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'evacuation_routes' AND entity_id = $1 AND action = 'replace'`, fmt.Sprint(f.zone)); n != 2 {
		t.Fatalf("%d audit rows for the zone's route sets, want 2", n)
	}

	// Switched off, the zone's routes leave the wall (a delete each).
	r = f.e.Do("PATCH", fmt.Sprintf("/api/v1/zones/%d", f.zone), auth.DutyOfficer, map[string]any{"active": false}, "If-Match", api.ETag(f.zoneVersion))
	if r.StatusCode != 200 {
		t.Fatalf("switch off: %d %s", r.StatusCode, r.Body)
	}
	for _, x := range after.Features {
		if n := f.e.Count(`SELECT count(*) FROM events WHERE topic = 'evacuation_routes' AND action = 'delete' AND entity_id = $1`, x.ID); n != 1 {
			t.Fatalf("route %s of the switched-off zone: %d delete events, want 1", x.ID, n)
		}
	}
	// A switched-off zone's routes are not computed again.
	r = f.e.Do("POST", fmt.Sprintf("/api/v1/zones/%d/evacuation-routes", f.zone), auth.DutyOfficer, nil)
	wantProblem(t, r, 409, "id")
}

// With no roads loaded the allocation is still confirmed; the routes are
// not, said so in Chinese, and nothing is stored.
func TestEvacuationRoutesWithoutRoads(t *testing.T) {
	f := evacuationFixture(t, false)
	got := f.confirmAllocation(t)
	if got.Computed || got.Routes != 0 || !strings.Contains(got.Note, "道路网络") {
		t.Fatalf("confirmation says %+v, want no routes and the road network named", got)
	}
	if n := f.e.Count(`SELECT count(*) FROM shelter_allocations WHERE zone_id = $1`, f.zone); n != 1 {
		t.Fatalf("%d allocations stored, want the confirmation committed", n)
	}
	r := f.e.Do("POST", fmt.Sprintf("/api/v1/zones/%d/evacuation-routes", f.zone), auth.DutyOfficer, nil)
	if r.StatusCode != 409 || !strings.Contains(string(r.Body), "道路网络") || !strings.Contains(string(r.Body), "no-road-network") {
		t.Fatalf("POST without roads: %d %s", r.StatusCode, r.Body)
	}
	if n := f.e.Count(`SELECT count(*) FROM evacuation_routes`); n != 0 {
		t.Fatalf("%d routes stored without roads", n)
	}
	if s := f.routes(t); s.ComputedAt != nil || len(s.Features) != 0 || !strings.Contains(s.Note, "尚未计算") {
		t.Fatalf("GET without routes: %+v", s)
	}
}

// An unknown zone is 404 and a zone without a confirmed allocation 409,
// each naming id; a viewer cannot compute; nothing is written.
func TestEvacuationRoutesRefuseBadInput(t *testing.T) {
	f := evacuationFixture(t, true)
	path := func(id any) string { return fmt.Sprintf("/api/v1/zones/%v/evacuation-routes", id) }
	wantProblem(t, f.e.Do("GET", path(999999), auth.Viewer, nil), 404, "id")
	wantProblem(t, f.e.Do("POST", path(999999), auth.DutyOfficer, nil), 404, "id")
	wantProblem(t, f.e.Do("POST", path(f.zone), auth.DutyOfficer, nil), 409, "id")
	wantProblem(t, f.e.Do("POST", path("abc"), auth.DutyOfficer, nil), 400, "id")
	if r := f.e.Do("POST", path(f.zone), auth.Viewer, nil); r.StatusCode != 403 {
		t.Fatalf("viewer computes: %d", r.StatusCode)
	}
	if n := f.e.Count(`SELECT count(*) FROM evacuation_routes`) + f.e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'evacuation_routes'`); n != 0 {
		t.Fatalf("%d rows written by refused requests", n)
	}
}

func wantProblem(t *testing.T, r *apitest.Response, status int, field string) {
	t.Helper()
	var p struct {
		Type   string `json:"type"`
		Detail string `json:"detail"`
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	r.JSON(t, &p)
	if r.StatusCode != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
		len(p.Errors) == 0 || p.Errors[0].Field != field {
		t.Fatalf("want %d problem naming %s, got %d %s", status, field, r.StatusCode, r.Body)
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// The shelter here stands on a spur whose only way in from the network
// runs through another incident's isolation zone, closed to the route. The
// router joins a point to the network along the road it stands on (and
// until recently did not keep that stretch out of a closed zone). Whatever
// it makes of it, the route must not pass through that zone unsaid: no
// route (道路不通), or one marked with a note naming the zone.
func TestEvacuationRouteThroughClosedZoneIsSaid(t *testing.T) {
	f := evacuationFixture(t, true)
	ctx := context.Background()
	routingtest.Load(t, f.e.Pool, routingtest.Road{OSMID: 7, Class: "primary", Line: orb.LineString{at(-6, 0), at(-6, -3)}})
	s2 := at(-6, -2)
	if _, err := f.e.Pool.Exec(ctx, `UPDATE shelters SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326) WHERE id = $1`, f.shelter, s2[0], s2[1]); err != nil {
		t.Fatal(err)
	}
	other := createIncident(t, f.e, at(-6, -1))
	closed, _ := publishBox(t, f.e, other, at(-6.5, -1.2), at(-5.5, -0.8))
	f.confirmAllocation(t)

	c := f.routes(t).from(t, "population_cell", f.cellC)
	if !c.Properties.Reachable {
		if c.Properties.Through || !strings.Contains(c.Properties.Note, "道路不通") {
			t.Fatalf("route from C, unreachable: %+v", c.Properties)
		}
		return
	}
	entered := false
	for _, z := range c.Properties.ZonesOnWay {
		entered = entered || (z.ID == closed && z.Rule == routing.ZoneClosed && z.Entered)
	}
	crosses := f.e.Count(`SELECT count(*) FROM evacuation_routes e JOIN zones z ON z.id = $2
		WHERE e.zone_id = $1 AND e.from_id = $3 AND e.from_kind = 'population_cell' AND ST_Intersects(e.geom, z.geom)`, f.zone, closed, f.cellC) > 0
	if crosses != entered {
		t.Fatalf("the line crosses the closed zone: %v; the router says entered: %v", crosses, entered)
	}
	name := ""
	if err := f.e.Pool.QueryRow(ctx, `SELECT name FROM zones WHERE id = $1`, closed).Scan(&name); err != nil {
		t.Fatal(err)
	}
	said := c.Properties.Through && strings.Contains(c.Properties.Note, "经过禁行的危险区域") && strings.Contains(c.Properties.Note, name)
	if entered != said {
		t.Fatalf("route from C enters the closed zone: %v; said so: %v (%q)", entered, c.Properties.Through, c.Properties.Note)
	}
	if entered && !strings.Contains(f.routes(t).Note, "经过禁行的危险区域") {
		t.Fatal("the set's note does not count the route through the closed zone")
	}
	t.Logf("route from C enters the closed zone: %v", entered)
}
