package routing_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/pgtest"
	"sitrep/routing"
)

// near says got is within 0.5 % of want: the fixture's lengths are km on
// the ellipsoid between points placed from one origin, not exact.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 0.005*want+1e-9
}

func route(t *testing.T, r *routing.Router, from, to orb.Point) routing.Route {
	t.Helper()
	rt, err := r.Route(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// lineOf decodes a route's GeoJSON LineString.
func lineOf(t *testing.T, raw json.RawMessage) [][2]float64 {
	t.Helper()
	var g struct {
		Type        string       `json:"type"`
		Coordinates [][2]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil || g.Type != "LineString" {
		t.Fatalf("geometry %s: %v", raw, err)
	}
	return g.Coordinates
}

func samePlace(c [2]float64, p orb.Point) bool {
	return math.Abs(c[0]-p.Lon()) < 1e-6 && math.Abs(c[1]-p.Lat()) < 1e-6
}

// The trunk round by D (5 km at 80 km/h, 225 s) beats the residential road
// straight on (4 km at 25 km/h, 576 s); a maxspeed on the residential road
// turns it round.
func TestFasterLongerRoadWins(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)

	rt := route(t, r, A, C)
	if !rt.Reachable || !near(rt.Seconds, 225) || !near(rt.DistanceM, 5000) {
		t.Fatalf("A→C: %+v, want the trunk: 225 s, 5000 m", rt)
	}
	// The trunk is drawn C→D→A: the route runs it from A, by D, to C.
	line := lineOf(t, rt.Geometry)
	if len(line) != 3 || !samePlace(line[0], A) || !samePlace(line[1], D) || !samePlace(line[2], C) {
		t.Fatalf("A→C line %v, want A, D, C", line)
	}
	// A→B is the residential road's first half (2 km, 288 s), not the
	// trunk to C and back (513 s).
	if rt := route(t, r, A, B); !near(rt.Seconds, 288) || !near(rt.DistanceM, 2000) {
		t.Fatalf("A→B: %+v, want 288 s, 2000 m", rt)
	}

	// From M, 1 km east of B, the way to A is back east to C and round by
	// the trunk (144 + 225 s), not 3 km west (432 s): two edges, in order.
	rt = route(t, r, M, A)
	if !near(rt.Seconds, 369) || !near(rt.DistanceM, 6000) {
		t.Fatalf("M→A: %+v, want 369 s, 6000 m by C and the trunk", rt)
	}
	if line := lineOf(t, rt.Geometry); len(line) != 4 || !samePlace(line[0], M) || !samePlace(line[1], C) ||
		!samePlace(line[2], D) || !samePlace(line[3], A) {
		t.Fatalf("M→A line %v, want M, C, D, A", line)
	}

	if _, err := pool.Exec(context.Background(), `UPDATE basemap_roads SET maxspeed = 120 WHERE osm_id = 1`); err != nil {
		t.Fatal(err)
	}
	build(t, pool)
	if rt := route(t, r, A, C); !near(rt.Seconds, 120) || !near(rt.DistanceM, 4000) {
		t.Fatalf("A→C with the residential road at 120 km/h: %+v, want 120 s, 4000 m", rt)
	}
}

// One-way streets are driven their way only: B→F (oneway=yes, drawn B→F)
// and C→K (oneway=-1, drawn K→C); the other way round nothing leads out of
// F or K.
func TestOneWayObeyed(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	for _, c := range []struct {
		name     string
		from, to orb.Point
		ok       bool
	}{
		{"B→F along", B, F, true},
		{"F→B against", F, B, false},
		{"C→K against the drawing, as oneway=-1 says", C, K, true},
		{"K→C along the drawing", K, C, false},
		{"A→F through B", A, F, true},
	} {
		rt := route(t, r, c.from, c.to)
		if rt.Reachable != c.ok {
			t.Errorf("%s: reachable %t, want %t", c.name, rt.Reachable, c.ok)
		}
		if !c.ok && (rt.Seconds != 0 || rt.DistanceM != 0 || string(rt.Geometry) != "null") {
			t.Errorf("%s: unreachable but %+v", c.name, rt)
		}
	}
	// B→F is 1 km of tertiary road at 40 km/h.
	if rt := route(t, r, B, F); !near(rt.Seconds, 90) || !near(rt.DistanceM, 1000) {
		t.Errorf("B→F: %+v, want 90 s, 1000 m", rt)
	}
}

// Several teams to one place in one search: each answer in the order
// asked, the unreachable said so, a team already there at 0 s.
func TestToOne(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	from := []orb.Point{A, P, C, F, A, B, R, at(-0.1, 0)}
	got, err := r.ToOne(context.Background(), from, B)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ok   bool
		secs float64
	}{{true, 288}, {false, 0}, {true, 288}, {false, 0}, {true, 288}, {true, 0}, {false, 0}, {true, 288}}
	if len(got) != len(want) {
		t.Fatalf("%d answers for %d teams", len(got), len(from))
	}
	for i, w := range want {
		g := got[i]
		if g.Reachable != w.ok || !near(g.Seconds, w.secs) {
			t.Errorf("team %d: %+v, want reachable %t in %.0f s", i, g, w.ok, w.secs)
		}
	}
	// The overpass R–S crosses A–B without a shared node: not a junction.
	if got[6].Reachable {
		t.Error("the overpass was joined to the road it crosses")
	}
	// The last team stands 100 m west of A: snapped to A, and said so.
	if !near(got[7].FromSnapM, 100) || got[7].ToSnapM > 0.01 {
		t.Errorf("snap: %+v, want 100 m from A and 0 m to B", got[7])
	}
	if string(got[5].Geometry) != "null" || got[5].DistanceM != 0 {
		t.Errorf("a team at the destination: %+v", got[5])
	}
}

func TestBadInputAndNoNetwork(t *testing.T) {
	pool := pgtest.New(t)
	r := routing.NewRouter(pool)
	ctx := context.Background()
	if _, err := r.Route(ctx, A, B); !errors.Is(err, routing.ErrNoNetwork) {
		t.Fatalf("no roads loaded: %v, want ErrNoNetwork", err)
	}
	for _, c := range []struct {
		from  []orb.Point
		to    orb.Point
		input string
	}{
		{[]orb.Point{A}, orb.Point{math.NaN(), 43}, "to"},
		{[]orb.Point{A, {181, 43}}, B, "from/1"},
		{[]orb.Point{{87, -91}}, B, "from/0"},
		{nil, B, "from"},
		{make([]orb.Point, routing.MaxPoints+1), B, "from"},
	} {
		_, err := r.ToOne(ctx, c.from, c.to)
		var ie *geo.InputError
		if !errors.As(err, &ie) || ie.Input != c.input {
			t.Errorf("%v → %v: %v, want an input error on %s", c.from, c.to, err, c.input)
		}
	}
}

// A point between junctions joins the road at its nearest point: the part
// of the edge driven counts, in the direction its one-way rule allows, and
// two points on one edge are joined along it.
func TestSnapsToTheNearestEdge(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	// X and X2 stand 50 m north of the residential road, 500 m and 1.5 km
	// from A; Y, Y1 and Y2 on the one-way street B→F, 500, 300 and 700 m
	// from B.
	X, X2 := at(0.5, 0.05), at(1.5, 0.05)
	Y, Y1, Y2 := at(2, -0.5), at(2, -0.3), at(2, -0.7)
	for _, c := range []struct {
		name         string
		from, to     orb.Point
		ok           bool
		secs, metres float64
	}{
		{"X→A: 500 m of residential road", X, A, true, 72, 500},
		{"X→C: back to A, then the trunk", X, C, true, 72 + 225, 5500},
		{"A→X", A, X, true, 72, 500},
		{"X→X2 along their edge", X, X2, true, 144, 1000},
		{"X2→X along their edge", X2, X, true, 144, 1000},
		{"Y→F along the one-way street", Y, F, true, 45, 500},
		{"B→Y", B, Y, true, 45, 500},
		{"Y→B against it", Y, B, false, 0, 0},
		{"Y1→Y2 along it", Y1, Y2, true, 36, 400},
		{"Y2→Y1 against it", Y2, Y1, false, 0, 0},
	} {
		rt := route(t, r, c.from, c.to)
		if rt.Reachable != c.ok || !near(rt.Seconds, c.secs) || !near(rt.DistanceM, c.metres) {
			t.Errorf("%s: %+v, want reachable %t, %.0f s, %.0f m", c.name, rt, c.ok, c.secs, c.metres)
		}
	}
	rt := route(t, r, X, A)
	if math.Abs(rt.FromSnapM-50) > 1 || rt.ToSnapM > 0.01 {
		t.Errorf("X→A snaps: %+v, want 50 m and 0 m", rt)
	}
	// The line starts where X meets the road, due south of it, and ends
	// at A.
	line := lineOf(t, rt.Geometry)
	if onRoad := at(0.5, 0); len(line) != 2 || math.Abs(line[0][0]-onRoad.Lon()) > 1e-5 || math.Abs(line[0][1]-onRoad.Lat()) > 1e-5 ||
		!samePlace(line[1], A) {
		t.Errorf("X→A line %v, want from %v to A", line, at(0.5, 0))
	}
	// From X to C the line turns back at A onto the trunk: X's foot, A,
	// D, C.
	if line := lineOf(t, route(t, r, X, C).Geometry); len(line) != 4 || !samePlace(line[1], A) || !samePlace(line[2], D) || !samePlace(line[3], C) {
		t.Errorf("X→C line %v", line)
	}
}
