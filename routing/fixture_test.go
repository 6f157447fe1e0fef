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
type road struct {
	osmID    int64
	class    string
	oneway   int
	maxspeed *int
	line     orb.LineString
}

// fixtureRoads are the fixture's OSM ways. The residential road is one way
// through B, where the one-way street to F starts, and M, where the road
// G–M–H crosses it at a node both ways pass through: the build must cut it
// at both. The trunk is drawn from C to A, so a route A→C drives it against
// its drawing. The road K–C is drawn K→C with oneway=-1: driven C→K only.
var fixtureRoads = []road{
	{1, "residential", 0, nil, orb.LineString{A, B, M, C}},
	{2, "trunk", 0, nil, orb.LineString{C, D, A}},
	{3, "tertiary", 1, nil, orb.LineString{B, F}},
	{4, "tertiary", -1, nil, orb.LineString{K, C}},
	{5, "secondary", 0, nil, orb.LineString{P, Q}},
	{6, "primary", 0, nil, orb.LineString{R, S}},
	{7, "footway", 0, nil, orb.LineString{C, P}},
	{9, "unclassified", 0, nil, orb.LineString{G, M, H}},
}

// network makes a fresh database with the fixture's roads and builds the
// network from them.
func network(t *testing.T) (*pgxpool.Pool, routing.Stats) {
	t.Helper()
	pool := pgtest.New(t)
	insertRoads(t, pool, fixtureRoads)
	return pool, build(t, pool)
}

func insertRoads(t *testing.T, pool *pgxpool.Pool, roads []road) {
	t.Helper()
	for _, r := range roads {
		_, err := pool.Exec(context.Background(), `INSERT INTO basemap_roads (osm_id, class, oneway, maxspeed, geom)
			VALUES ($1, $2, $3, $4, ST_GeomFromText($5, 4326))`, r.osmID, r.class, r.oneway, r.maxspeed, wkt.MarshalString(r.line))
		if err != nil {
			t.Fatal(err)
		}
	}
}

// build runs routing.Build in a transaction of its own, as the import does
// in its.
func build(t *testing.T, pool *pgxpool.Pool) routing.Stats {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	st, err := routing.Build(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
