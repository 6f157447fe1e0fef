package main

import (
	"bytes"
	"strings"
	"testing"

	"sitrep/internal/basemap"
	"sitrep/routing"
)

// The import's summary says what road network was built and how many
// pieces it is in, so whoever ran it sees a network in pieces at once.
func TestPrintImportShowsNetwork(t *testing.T) {
	var b bytes.Buffer
	printImport(&b, "county.osm.pbf", &basemap.Report{ID: 3, Counts: map[string]int64{"roads": 10},
		Network: routing.Stats{Vertices: 14, Edges: 13, Components: 2, LargestShare: 0.875}})
	if want := "道路网络：14 个节点，13 条路段，2 个互不连通的部分，最大部分占道路总长 87.5%"; !strings.Contains(b.String(), want) {
		t.Fatalf("summary:\n%s\nwant a line with %q", b.String(), want)
	}
}
