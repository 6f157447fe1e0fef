package basemap_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sitrep/internal/auth"
	"sitrep/internal/basemap"
	"sitrep/internal/journal"
	"sitrep/routing"
)

// The import builds the road network from the roads it keeps: the test
// extract's ten drivable ways cut at their shared nodes (G216's first way
// at node 2, where 工业园路 starts; its second at node 4, where the track
// starts; X151 at node 20, the village road's start) make 13 edges between
// 14 vertices, all one piece. The admin sees it in the basemap status.
func TestImportBuildsNetwork(t *testing.T) {
	e := start(t, nil)
	rep := mustImport(t, e, testExtract)
	want := routing.Stats{Vertices: 14, Edges: 13, Components: 1, LargestShare: 1}
	if rep.Network != want {
		t.Fatalf("network %+v, want %+v", rep.Network, want)
	}
	// 工业园路's first way is oneway=-1: driven against its drawing only.
	if n := e.Count(`SELECT count(*) FROM routing_edges e JOIN basemap_roads r ON r.id = e.road_id
		WHERE r.osm_id = 1007 AND e.cost = -1 AND e.reverse_cost > 0`); n != 1 {
		t.Errorf("工业园路's one-way edge: %d", n)
	}
	var st basemap.Status
	e.Do("GET", "/api/v1/basemap", auth.Viewer, nil).JSON(t, &st)
	if st.Local.Import == nil || st.Local.Import.Network == nil || *st.Local.Import.Network != want {
		t.Fatalf("status: %+v", st.Local.Import)
	}
}

// A re-import replaces the network with the roads, in the import's
// transaction: until it commits, readers route on the old network and see
// the old roads; an import that fails after the network was rebuilt leaves
// the old one.
func TestReimportReplacesNetworkAtomically(t *testing.T) {
	e := start(t, nil)
	first := mustImport(t, e, testExtract).Network
	// Without the track (way 1006, from node 4), node 4 is inside G216's
	// second way only: two vertices and two edges fewer.
	newer := editedExtract(t, func(s string) string { return dropWay(s, "1006") })

	imp := func(ctx context.Context, during func()) (*basemap.Report, error) {
		return basemap.Import(ctx, e.Pool, e.Pool.Config().ConnString(), journal.Actor{Name: "test"}, newer, basemap.Options{
			Progress: func(stage string, _, _ int) {
				// The stage after the network's build, inside the swap's
				// transaction.
				if stage == "匹配乡镇代码" {
					during()
				}
			}})
	}
	seenOld := false
	old := func() {
		seenOld = e.Count(`SELECT count(*) FROM routing_edges`) == int(first.Edges) &&
			e.Count(`SELECT count(*) FROM basemap_roads WHERE osm_id = 1006`) == 1
	}

	// Cancelled after the build: nothing changes.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := imp(ctx, func() { old(); cancel() }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
	if !seenOld {
		t.Fatal("during the import a reader did not see the old network and roads")
	}
	if got, _ := routing.Check(context.Background(), e.Pool); got != first {
		t.Fatalf("after a failed import: %+v, want %+v", got, first)
	}

	seenOld = false
	ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel2()
	rep, err := imp(ctx2, old)
	if err != nil {
		t.Fatal(err)
	}
	if !seenOld {
		t.Fatal("during the import a reader did not see the old network and roads")
	}
	want := routing.Stats{Vertices: first.Vertices - 2, Edges: first.Edges - 2, Components: 1, LargestShare: 1}
	if rep.Network != want {
		t.Fatalf("newer network %+v, want %+v", rep.Network, want)
	}
	if got, _ := routing.Check(context.Background(), e.Pool); got != want {
		t.Fatalf("committed network %+v, want %+v", got, want)
	}
}
