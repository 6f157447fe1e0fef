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
