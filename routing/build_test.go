package routing_test

import (
	"context"
	"math"
	"testing"

	"sitrep/routing"
)

// The fixture's network: twelve vertices (A, B, C, F, G, H, K, M, P, Q, R,
// S; D is inside the trunk and shared by nothing), ten edges (the
// residential road cut at B and M, G–M–H at M), three pieces: the main one
// (13 km), the island P–Q and the overpass R–S (1 km each). The footway
// C–P is not driven, so it joins nothing.
func TestBuildCountsPieces(t *testing.T) {
	pool, st := network(t)
	want := routing.Stats{Vertices: 12, Edges: 10, Components: 3}
	got := st
	got.LargestShare = 0
	if got != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	if math.Abs(st.LargestShare-13.0/15) > 0.005 {
		t.Errorf("largest share %.4f, want %.4f", st.LargestShare, 13.0/15)
	}
	// The residential road is three two-way edges, cut at B and M.
	if n := count(t, pool, `SELECT count(*) FROM routing_edges e JOIN basemap_roads r ON r.id = e.road_id
		WHERE r.osm_id = 1 AND e.cost > 0 AND e.cost = e.reverse_cost`); n != 3 {
		t.Errorf("residential road in %d two-way edges, want 3", n)
	}
	// G→B turns at M, a node inside both ways: 1 km at 30 km/h, then 1 km
	// at 25 km/h.
	if rt := route(t, routing.NewRouter(pool), G, B); !rt.Reachable || !near(rt.Seconds, 264) || !near(rt.DistanceM, 2000) {
		t.Errorf("G→B: %+v, want 264 s, 2000 m through M", rt)
	}
	// One-way: -1 against the way's direction, as drawn or as tagged.
	if n := count(t, pool, `SELECT count(*) FROM routing_edges e JOIN basemap_roads r ON r.id = e.road_id
		WHERE (r.osm_id = 3 AND e.cost > 0 AND e.reverse_cost = -1) OR (r.osm_id = 4 AND e.cost = -1 AND e.reverse_cost > 0)`); n != 2 {
		t.Errorf("one-way edges: %d of 2 with the closed direction right", n)
	}

	// Joining the island by a drivable road makes two pieces of three;
	// the check alone says the same as the build.
	insertRoads(t, pool, []road{{OSMID: 8, Class: "track", Line: fixtureRoads[6].Line}})
	st = build(t, pool)
	if st.Components != 2 || st.Edges != 11 {
		t.Fatalf("after joining the island: %+v", st)
	}
	again, err := routing.Check(context.Background(), pool)
	if err != nil || again != st {
		t.Fatalf("check %+v (%v), want %+v", again, err, st)
	}
}

// A rebuild replaces the network whole: the same roads give the same
// network, not twice it; while a rebuild's transaction is open, readers
// route on the network before it; a rebuild rolled back leaves it.
func TestRebuildReplacesAtomically(t *testing.T) {
	pool, first := network(t)
	if again := build(t, pool); again != first {
		t.Fatalf("rebuild of the same roads: %+v, want %+v", again, first)
	}
	r := routing.NewRouter(pool)
	ctx := context.Background()

	// The rebuild drops the trunk: A→C becomes the residential road.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	if _, err := tx.Exec(ctx, `DELETE FROM basemap_roads WHERE osm_id = 2`); err != nil {
		t.Fatal(err)
	}
	st, err := routing.Build(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Edges != first.Edges-1 {
		t.Fatalf("inside the rebuild: %+v", st)
	}
	if n := count(t, pool, `SELECT count(*) FROM routing_edges`); n != int(first.Edges) {
		t.Fatalf("a reader sees %d edges during the rebuild, want the old %d", n, first.Edges)
	}
	if rt := route(t, r, A, C); !near(rt.Seconds, 225) {
		t.Fatalf("a reader's A→C during the rebuild: %+v, want the old trunk", rt)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if rt := route(t, r, A, C); !near(rt.Seconds, 576) || !near(rt.DistanceM, 4000) {
		t.Fatalf("A→C after the rebuild: %+v, want the residential road, 576 s", rt)
	}

	// Rolled back: nothing changes.
	tx2, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.Exec(ctx, `DELETE FROM basemap_roads`); err != nil {
		t.Fatal(err)
	}
	if _, err := routing.Build(ctx, tx2); err != nil {
		t.Fatal(err)
	}
	if err := tx2.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM routing_edges`); n != int(first.Edges-1) {
		t.Fatalf("after a rolled-back rebuild: %d edges, want %d", n, first.Edges-1)
	}
}
