package routing_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/pgtest"
	"sitrep/routing"
	"sitrep/routing/routingtest"
)

// origin is where the hand-made network lies: in the county, south of
// 乌鲁木齐. Its places are km east and north of it.
var origin = orb.Point{87.5, 43.5}

func at(eastKM, northKM float64) orb.Point {
	return geo.ToLonLat(origin, geo.Offset{East: eastKM * 1000, North: northKM * 1000})
}

// The places of the network (km east, north of origin):
//
//	             D (2, 1.5)          G (3, 1)
//	   trunk ──/          \── trunk    |
//	A (0,0) ─────── B (2,0) ─────── M (3,0) ─── C (4,0)      P (10,10) ── Q (11,10)
//	      residential   |              |          |
//	                    F (2,-1)       H (3,-1)   K (4,-1)
//
// R (1,-0.5) – S (1,0.5) is an overpass crossing A–B at (1, 0) without a
// shared node; a footway joins C to P but is not driven.
var (
	A, B, C, D = at(0, 0), at(2, 0), at(4, 0), at(2, 1.5)
	F, K, M    = at(2, -1), at(4, -1), at(3, 0)
	G, H       = at(3, 1), at(3, -1)
	P, Q       = at(10, 10), at(11, 10)
	R, S       = at(1, -0.5), at(1, 0.5)
)

// road is one basemap_roads row of the fixture.
type road = routingtest.Road

// fixtureRoads are the fixture's OSM ways. The residential road is one way
// through B, where the one-way street to F starts, and M, where the road
// G–M–H crosses it at a node both ways pass through: the build must cut it
// at both. The trunk is drawn from C to A, so a route A→C drives it against
// its drawing. The road K–C is drawn K→C with oneway=-1: driven C→K only.
var fixtureRoads = []road{
	{OSMID: 1, Class: "residential", Line: orb.LineString{A, B, M, C}},
	{OSMID: 2, Class: "trunk", Line: orb.LineString{C, D, A}},
	{OSMID: 3, Class: "tertiary", Oneway: 1, Line: orb.LineString{B, F}},
	{OSMID: 4, Class: "tertiary", Oneway: -1, Line: orb.LineString{K, C}},
	{OSMID: 5, Class: "secondary", Line: orb.LineString{P, Q}},
	{OSMID: 6, Class: "primary", Line: orb.LineString{R, S}},
	{OSMID: 7, Class: "footway", Line: orb.LineString{C, P}},
	{OSMID: 9, Class: "unclassified", Line: orb.LineString{G, M, H}},
}

// network makes a fresh database with the fixture's roads and builds the
// network from them.
func network(t *testing.T) (*pgxpool.Pool, routing.Stats) {
	t.Helper()
	pool := pgtest.New(t)
	return pool, routingtest.Load(t, pool, fixtureRoads...)
}

func insertRoads(t *testing.T, pool *pgxpool.Pool, roads []road) {
	routingtest.Insert(t, pool, roads...)
}

func build(t *testing.T, pool *pgxpool.Pool) routing.Stats { return routingtest.Build(t, pool) }

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
