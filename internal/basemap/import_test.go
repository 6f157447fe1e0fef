package basemap_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestImportTestExtract(t *testing.T) {
	e := start(t, nil)
	rep := mustImport(t, e, testExtract)

	// Counts: ten road ways in the county (the one at 89.5°E lies far past
	// the 5 km margin and is clipped away), one of everything else but the
	// two buildings, two land-use areas and three places.
	want := map[string]int64{"roads": 10, "railways": 1, "waterways": 1, "water": 1, "landuse": 2, "buildings": 2,
		"places": 3, "boundaries": 1}
	for k, n := range want {
		if rep.Counts[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, rep.Counts[k], n, rep.Counts)
		}
	}
	if !rep.Clipped || rep.MarginM != 5000 {
		t.Errorf("clip: %+v", rep)
	}
	if n := e.Count(`SELECT count(*) FROM basemap_roads WHERE name = '远处路'`); n != 0 {
		t.Errorf("the road outside the clip was kept")
	}

	// Road tags as a router needs them: class, ref, name:zh preferred,
	// oneway (-1 kept as against the line), km/h (25 mph → 40), bridge,
	// tunnel and layer; single LineStrings in WGS 84.
	type road struct {
		class, name, ref string
		oneway, layer    int
		maxspeed         *int
		bridge, tunnel   bool
	}
	roads := map[int64]road{}
	rows, err := e.Pool.Query(context.Background(), `SELECT osm_id, class, COALESCE(name, ''), COALESCE(ref, ''), oneway, maxspeed,
		bridge, tunnel, layer FROM basemap_roads`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			id int64
			r  road
		)
		if err := rows.Scan(&id, &r.class, &r.name, &r.ref, &r.oneway, &r.maxspeed, &r.bridge, &r.tunnel, &r.layer); err != nil {
			t.Fatal(err)
		}
		roads[id] = r
	}
	rows.Close()
	speed := func(r road) string {
		if r.maxspeed == nil {
			return "-"
		}
		return fmt.Sprint(*r.maxspeed)
	}
	for id, w := range map[int64]string{
		1000: "trunk 国道216线 G216 0 80 false false 0",
		1002: "secondary 板房沟路 X151 0 60 false false 0",
		1003: "secondary 板房沟路 X151 0 - true false 1",
		1007: "tertiary 工业园路  -1 40 false false 0",
		1008: "unclassified 工业园路  0 - false true -1",
		1006: "track   0 - false false 0",
	} {
		r := roads[id]
		if got := fmt.Sprintf("%s %s %s %d %s %t %t %d", r.class, r.name, r.ref, r.oneway, speed(r), r.bridge, r.tunnel, r.layer); got != w {
			t.Errorf("way %d: %q, want %q", id, got, w)
		}
	}
	if n := e.Count(`SELECT count(*) FROM basemap_roads WHERE GeometryType(geom) <> 'LINESTRING' OR ST_SRID(geom) <> 4326`); n != 0 {
		t.Errorf("%d roads not LineStrings in 4326", n)
	}
	// The network is connected where ways share nodes: one cluster of
	// touching lines, and the trunk's two ways and X151 meet at one vertex.
	if n := e.Count(`SELECT count(DISTINCT c) FROM (SELECT ST_ClusterDBSCAN(geom, 0, 1) OVER () c FROM basemap_roads) x`); n != 1 {
		t.Errorf("road network in %d pieces, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM basemap_roads a, basemap_roads b, basemap_roads c
		WHERE a.osm_id = 1000 AND b.osm_id = 1001 AND c.osm_id = 1002
		AND ST_Equals(ST_EndPoint(a.geom), ST_StartPoint(b.geom)) AND ST_Equals(ST_StartPoint(b.geom), ST_StartPoint(c.geom))`); n != 1 {
		t.Error("the junction of G216 and X151 is not a shared vertex")
	}

	// Places prefer name:zh; the township boundary is matched to its code.
	if n := e.Count(`SELECT count(*) FROM basemap_places WHERE name IN ('东湾村', '西沟村', '水西沟镇')`); n != 3 {
		t.Errorf("places: %d of 3 by their Chinese names", n)
	}
	if len(rep.Townships) != 1 || rep.Townships[0].Name != "水西沟镇" || rep.Townships[0].Code != "650121100" {
		t.Errorf("townships: %+v", rep.Townships)
	}
	if n := e.Count(`SELECT count(*) FROM basemap_water WHERE class = 'reservoir' AND name = '东湾水库' AND area_m2 BETWEEN 100000 AND 200000`); n != 1 {
		t.Error("reservoir not kept with its class, name and area")
	}
	// One audit row and one live event per import.
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'basemap'`); n != 1 {
		t.Errorf("%d basemap events", n)
	}
}

// A second import replaces the first whole; a failing one changes nothing.
func TestReimportReplacesInOneTransaction(t *testing.T) {
	e := start(t, nil)
	mustImport(t, e, testExtract)
	before := e.Count(`SELECT count(*) FROM basemap_roads`)

	// The same file again: the same rows, not twice as many.
	mustImport(t, e, testExtract)
	if n := e.Count(`SELECT count(*) FROM basemap_roads`); n != before {
		t.Fatalf("re-import: %d roads, want %d", n, before)
	}
	// A newer extract without the track and the railway replaces the load.
	newer := editedExtract(t, func(s string) string { return dropWay(dropWay(s, "1006"), "1012") })
	rep := mustImport(t, e, newer)
	if rep.Counts["roads"] != int64(before-1) || rep.Counts["railways"] != 0 {
		t.Fatalf("newer extract: %v", rep.Counts)
	}
	if n := e.Count(`SELECT count(*) FROM basemap_roads WHERE osm_id = 1006`); n != 0 {
		t.Fatal("a way gone from the newer extract is still there")
	}
	if n := e.Count(`SELECT count(*) FROM basemap_imports`); n != 3 {
		t.Fatalf("%d imports recorded", n)
	}

	// A broken file fails in ogr2ogr and leaves the last load as it was.
	broken := editedExtract(t, func(s string) string { return s[:len(s)/2] + "<<< not xml" })
	if _, err := importFile(t, e, broken); err == nil {
		t.Fatal("a broken extract imported")
	}
	if n := e.Count(`SELECT count(*) FROM basemap_roads`); n != before-1 {
		t.Fatalf("after a failed import: %d roads, want %d", n, before-1)
	}
	if n := e.Count(`SELECT count(*) FROM basemap_imports`); n != 3 {
		t.Fatalf("a failed import was recorded")
	}
	// What is not an OSM file is refused before anything runs.
	for _, f := range []string{"testdata/README.md", "testdata/missing.osm.pbf"} {
		if _, err := importFile(t, e, f); err == nil || !strings.ContainsAny(err.Error(), "文件") {
			t.Errorf("%s: %v", f, err)
		}
	}
}
