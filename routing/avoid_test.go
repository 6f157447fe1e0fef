package routing_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"sitrep/geo"
	"sitrep/internal/pgtest"
	"sitrep/routing"
)

// activeZone stores an active zone of an incident: a circle of radiusM
// around centre, one whose people must leave (evacuate, closed to routing)
// or an outer level (penalised). It returns the zone's id.
func activeZone(t *testing.T, pool *pgxpool.Pool, centre orb.Point, radiusM float64, evacuate bool) int64 {
	t.Helper()
	circle, err := geo.Circle(centre, radiusM, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var incident, run, zone int64
	if err := pool.QueryRow(ctx, `INSERT INTO incidents (kind, occurred_at, reported_at, drill, grade, grade_reasons, at_risk, state, state_since)
		VALUES ('hazardous_chemicals', now(), now(), false, 'IV', '[]', false, 'reported', now()) RETURNING id`).Scan(&incident); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO zone_runs (incident_id, what_if, model, model_name, model_version, inputs, result,
			evacuate_levels, at, day, created_by)
		VALUES ($1, false, 'protective', '测试', '1', '{}', '{}', '{1}', now(), true, 'test') RETURNING id`, incident).Scan(&run); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO zones (run_id, incident_id, level, name, threshold, threshold_unit, extent_m, evacuate, active, geom)
		VALUES ($1, $2, 1, '测试区域', 0, 'm', $3, $4, true, ST_Multi(ST_GeomFromText($5, 4326))) RETURNING id`,
		run, incident, radiusM, evacuate, wkt.MarshalString(circle)).Scan(&zone); err != nil {
		t.Fatal(err)
	}
	return zone
}

func closeRoad(t *testing.T, pool *pgxpool.Pool, g orb.Geometry) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO road_closures (name, geom) VALUES ('测试封闭', ST_GeomFromText($1, 4326)) RETURNING id`,
		wkt.MarshalString(g)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func zoneOf(t *testing.T, rt routing.Route, id int64) routing.ZoneOnWay {
	t.Helper()
	for _, z := range rt.Zones {
		if z.ID == id {
			return z
		}
	}
	t.Fatalf("route %+v does not name zone %d", rt, id)
	return routing.ZoneOnWay{}
}

// A→C runs the trunk by D (225 s). A zone whose people must leave, over
// the trunk at D, closes it: the route bends onto the residential road
// (576 s) and says which zone it kept out of.
func TestRouteBendsAroundClosedZone(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	z := activeZone(t, pool, D, 500, true)

	rt := route(t, r, A, C)
	if !rt.Reachable || !near(rt.Seconds, 576) || !near(rt.DistanceM, 4000) {
		t.Fatalf("A→C with the trunk in a closed zone: %+v, want the residential road: 576 s, 4000 m", rt)
	}
	if got := zoneOf(t, rt, z); got.Rule != routing.ZoneClosed || got.Entered {
		t.Fatalf("zone %+v, want closed and not entered", got)
	}
	for _, c := range lineOf(t, rt.Geometry) {
		if samePlace(c, D) {
			t.Fatalf("route %v drives through D, inside the closed zone", lineOf(t, rt.Geometry))
		}
	}
}

// An outer level (people shelter in place) only makes its roads dearer: a
// short stretch of trunk in it is still faster than the long way round, and
// the route says it enters the zone. The time is the time driven, not the
// search's penalised cost.
func TestPenalisedZoneIsDrivenWhenStillFaster(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	z := activeZone(t, pool, D, 500, false)

	rt := route(t, r, A, C)
	if !near(rt.Seconds, 225) || !near(rt.DistanceM, 5000) {
		t.Fatalf("A→C with an outer level over D: %+v, want the trunk still: 225 s, 5000 m", rt)
	}
	if got := zoneOf(t, rt, z); got.Rule != routing.ZonePenalised || !got.Entered {
		t.Fatalf("zone %+v, want penalised and entered", got)
	}
}

// A route that ends inside a closed zone cannot keep out of it: its roads
// are dear, not closed, and the route goes in, saying so.
func TestRouteIntoTheZoneItEndsIn(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	z := activeZone(t, pool, C, 300, true)

	rt := route(t, r, A, C)
	if !rt.Reachable {
		t.Fatalf("A→C ending in a closed zone: %+v, want reachable", rt)
	}
	if got := zoneOf(t, rt, z); got.Rule != routing.ZoneEndpoint || !got.Entered {
		t.Fatalf("zone %+v, want endpoint and entered", got)
	}
}

// A roadblock drawn across the trunk changes the route; reopened, the
// trunk is taken again. An area closure over the residential road and the
// trunk both leaves A and C unjoined: said so, not an error.
func TestClosureChangesTheRoute(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	block := closeRoad(t, pool, orb.LineString{at(1.8, 1.2), at(2.2, 1.8)})

	if rt := route(t, r, A, C); !near(rt.Seconds, 576) || len(rt.Zones) != 0 {
		t.Fatalf("A→C with the trunk closed at D: %+v, want the residential road: 576 s, no zones", rt)
	}
	if _, err := pool.Exec(context.Background(), `UPDATE road_closures SET status = 'open' WHERE id = $1`, block); err != nil {
		t.Fatal(err)
	}
	if rt := route(t, r, A, C); !near(rt.Seconds, 225) {
		t.Fatalf("A→C with the trunk reopened: %+v, want the trunk: 225 s", rt)
	}

	area, err := geo.Circle(at(0.5, 0.5), 800, 32)
	if err != nil {
		t.Fatal(err)
	}
	closeRoad(t, pool, area)
	if rt := route(t, r, at(0, 0.2), C); rt.Reachable {
		t.Fatalf("A→C with every road out of A closed: %+v, want unreachable", rt)
	}
}

// From one place to several, in the order asked: the way there, not back
// (the one-way street B→F is driven from B; K is reached from C only).
func TestFromOne(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)

	got, err := r.FromOne(context.Background(), B, []orb.Point{F, C, P})
	if err != nil {
		t.Fatal(err)
	}
	// B→F: 1 km of tertiary at 40 km/h; B→C: 2 km of residential at 25.
	if !near(got[0].Seconds, 90) || !near(got[1].Seconds, 288) || got[2].Reachable {
		t.Fatalf("B to F, C, P: %+v, want 90 s, 288 s, unreachable", got)
	}
	back, err := r.ToOne(context.Background(), []orb.Point{F}, B)
	if err != nil {
		t.Fatal(err)
	}
	if back[0].Reachable {
		t.Fatalf("F→B against the one-way street: %+v, want unreachable", back[0])
	}
}

// Two places 1 km apart joined only by a road 20 km away, beyond the area
// a search first reads: the second search, on the whole network, finds it.
func TestLongWayRoundBeyondTheSearchArea(t *testing.T) {
	pool := pgtest.New(t)
	X, Y := at(0, 0), at(0, 1)
	insertRoads(t, pool, []road{
		{OSMID: 101, Class: "primary", Line: orb.LineString{X, at(20, 0)}},
		{OSMID: 102, Class: "primary", Line: orb.LineString{at(20, 0), at(20, 1)}},
		{OSMID: 103, Class: "primary", Line: orb.LineString{at(20, 1), Y}},
	})
	build(t, pool)
	rt := route(t, routing.NewRouter(pool), X, Y)
	if !rt.Reachable || rt.DistanceM < 40000 {
		t.Fatalf("X→Y: %+v, want the 41 km road round", rt)
	}
}

// A drill's zone is not a real danger: routes do not bend round it.
func TestDrillZonesAreNotAvoided(t *testing.T) {
	pool, _ := network(t)
	z := activeZone(t, pool, D, 500, true)
	if _, err := pool.Exec(context.Background(), `UPDATE incidents SET drill = true WHERE id = (SELECT incident_id FROM zones WHERE id = $1)`, z); err != nil {
		t.Fatal(err)
	}
	if rt := route(t, routing.NewRouter(pool), A, C); !near(rt.Seconds, 225) || len(rt.Zones) != 0 {
		t.Fatalf("A→C with a drill's zone over the trunk: %+v, want the trunk, no zones", rt)
	}
}
