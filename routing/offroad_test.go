package routing_test

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/routing"
)

// A point farther than MaxSnapM from every road is off the network: not
// routed (a time leaving out the kilometres to the road would rank it
// ahead of those that can drive), and said so with how far it is.
func TestOffTheNetwork(t *testing.T) {
	pool, _ := network(t)
	r := routing.NewRouter(pool)
	far := at(2, -3) // 2 km south of F, the network's southernmost point
	got, err := r.ToOne(context.Background(), []orb.Point{far, A}, C)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Reachable || !got[0].OffRoad || got[0].FromSnapM < 1900 {
		t.Fatalf("from 2 km off the road: %+v, want off-road, unreachable, ~2 km from its road", got[0])
	}
	if !got[1].Reachable || got[1].OffRoad {
		t.Fatalf("from A in the same search: %+v, want reachable", got[1])
	}
	// Every route to a point off the network is off-road.
	to, err := r.FromOne(context.Background(), A, []orb.Point{far})
	if err != nil {
		t.Fatal(err)
	}
	if !to[0].OffRoad || to[0].Reachable {
		t.Fatalf("to 2 km off the road: %+v, want off-road", to[0])
	}
}

// A stub no road joins (a service road mapped without its junction) is a
// minor piece of the network: a point beside it joins the main network
// 300 m away instead, and is routed, not called cut off. Beside a stub
// with no major road within MaxSnapM, the stub is all there is.
func TestSnapPrefersTheMainNetwork(t *testing.T) {
	pool, _ := network(t)
	insertRoads(t, pool, []road{
		{OSMID: 50, Class: "service", Line: orb.LineString{at(0.45, -0.31), at(0.55, -0.31)}},
		{OSMID: 51, Class: "service", Line: orb.LineString{at(0.45, -2.5), at(0.55, -2.5)}},
	})
	build(t, pool)
	if n := count(t, pool, `SELECT count(*) FROM routing_edges WHERE minor_piece`); n != 2 {
		t.Fatalf("%d edges in minor pieces, want the stubs' 2 (P–Q and the overpass are pieces of their own, but not minor)", n)
	}
	r := routing.NewRouter(pool)
	if rt := route(t, r, at(0.5, -0.3), C); !rt.Reachable || rt.FromSnapM < 290 || rt.FromSnapM > 310 {
		t.Fatalf("from beside the stub: %+v, want joined to the residential road 300 m away and routed", rt)
	}
	if rt := route(t, r, at(0.5, -2.49), C); rt.Reachable || rt.OffRoad || rt.FromSnapM > 15 {
		t.Fatalf("from beside the far stub: %+v, want on the stub, which leads nowhere", rt)
	}
}
