package basemap_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// The village 东湾村 and the junction of G216 and X151 lie in these tiles.
const villageLon, villageLat = 87.4985, 43.4936

func basemapTile(t *testing.T, e *apitest.Env, z int, lon, lat float64, hdr ...string) (*apitest.Response, map[string][]*tileFeature) {
	t.Helper()
	x, y := tileOf(lon, lat, z)
	r := e.Do("GET", fmt.Sprintf("/tiles/basemap/%d/%d/%d.mvt", z, x, y), auth.Viewer, nil, hdr...)
	if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusNoContent && r.StatusCode != http.StatusNotModified {
		t.Fatalf("tile z%d: %d %s", z, r.StatusCode, r.Body)
	}
	return r, layersOf(t, r.Body, z, x, y)
}

func sorted(s []string) []string { sort.Strings(s); return s }

func TestBasemapTilesByZoom(t *testing.T) {
	e := start(t, nil)
	// Before any import: nothing to draw, and the status says so.
	if r, _ := basemapTile(t, e, 12, villageLon, villageLat); r.StatusCode != http.StatusNoContent {
		t.Fatalf("before import: %d", r.StatusCode)
	}
	var st struct {
		Local struct {
			Source string `json:"source"`
			Loaded bool   `json:"loaded"`
		} `json:"local"`
		Online any `json:"online"`
	}
	e.Do("GET", "/api/v1/basemap", auth.Viewer, nil).JSON(t, &st)
	if st.Local.Source != "postgis" || st.Local.Loaded || st.Online != nil {
		t.Fatalf("status before import: %+v", st)
	}
	mustImport(t, e, testExtract)
	// The empty tile cached before the import is dropped by the import's
	// live event, which reaches the server a moment after the commit.
	waitFor(t, "the import's event to drop the empty tile", func() bool {
		r, _ := basemapTile(t, e, 12, villageLon, villageLat)
		return r.StatusCode == http.StatusOK
	})
	e.Do("GET", "/api/v1/basemap", auth.Viewer, nil).JSON(t, &st)
	if !st.Local.Loaded {
		t.Fatal("status after import: not loaded")
	}

	// z8, the wall's opening zoom: the trunk road and its name, the river,
	// the town, the township and its name; no minor roads, villages or
	// buildings yet, and the reservoir is too small to see.
	_, l := basemapTile(t, e, 8, villageLon, villageLat)
	if got := sorted(names(l["roads"], "class")); fmt.Sprint(got) != "[trunk trunk]" {
		t.Errorf("z8 roads: %v", got)
	}
	if !has(names(l["roads"], "ref"), "G216") || !has(names(l["roads"], "name"), "国道216线") {
		t.Errorf("z8: G216 without its name or ref: %v", l["roads"][0].Props)
	}
	if !has(names(l["waterways"], "name"), "东沟河") || !has(names(l["places"], "name"), "水西沟镇") || has(names(l["places"], "name"), "东湾村") {
		t.Errorf("z8 water %v places %v", names(l["waterways"], "name"), names(l["places"], "name"))
	}
	if !has(names(l["boundaries"], "name"), "水西沟镇") || !has(names(l["boundary_labels"], "name"), "水西沟镇") {
		t.Errorf("z8 township: %v", names(l["boundary_labels"], "name"))
	}
	for _, none := range []string{"buildings", "landuse", "water"} {
		if len(l[none]) > 0 {
			t.Errorf("z8 has %s", none)
		}
	}

	// z12: secondary to residential roads with the bridge, the reservoir,
	// villages, land use, the township's line and its name.
	_, l = basemapTile(t, e, 12, villageLon, villageLat)
	classes := names(l["roads"], "class")
	for _, c := range []string{"trunk", "secondary", "tertiary", "unclassified", "residential"} {
		if !has(classes, c) {
			t.Errorf("z12 without %s roads: %v", c, classes)
		}
	}
	if has(classes, "track") || len(l["buildings"]) > 0 {
		t.Errorf("z12 has tracks or buildings")
	}
	bridge := false
	for _, f := range l["roads"] {
		if f.Props["bridge"] == true && f.Props["name"] == "板房沟路" {
			bridge = true
		}
	}
	if !bridge {
		t.Error("z12: the bridge is not marked")
	}
	if !has(names(l["water"], "name"), "东湾水库") || !has(names(l["places"], "name"), "东湾村") || !has(names(l["places"], "name"), "西沟村") {
		t.Errorf("z12 water %v places %v", names(l["water"], "name"), names(l["places"], "name"))
	}
	if !has(names(l["boundaries"], "name"), "水西沟镇") || !has(names(l["boundary_labels"], "code"), "650121100") {
		t.Errorf("z12 township: %v %v", names(l["boundaries"], "name"), names(l["boundary_labels"], "name"))
	}

	// z14: everything, buildings and the track included.
	_, l = basemapTile(t, e, 14, villageLon, villageLat)
	if len(l["buildings"]) != 2 || !has(names(l["buildings"], "name"), "东湾小学") {
		t.Errorf("z14 buildings: %d", len(l["buildings"]))
	}
	_, l = basemapTile(t, e, 14, 87.515, 43.492)
	if !has(names(l["roads"], "class"), "track") {
		t.Errorf("z14 without the track: %v", names(l["roads"], "class"))
	}

	// Far from the data: an empty tile.
	if r, _ := basemapTile(t, e, 12, 88.0, 43.2); r.StatusCode != http.StatusNoContent {
		t.Errorf("empty tile: %d", r.StatusCode)
	}
	// TileJSON names the layers and the extent of the data.
	var tj struct {
		Tiles        []string         `json:"tiles"`
		Bounds       []float64        `json:"bounds"`
		VectorLayers []map[string]any `json:"vector_layers"`
		Attribution  string           `json:"attribution"`
	}
	e.Do("GET", "/tiles/basemap.json", auth.Viewer, nil).JSON(t, &tj)
	if len(tj.Tiles) != 1 || len(tj.VectorLayers) != 9 || tj.Bounds[0] < 87.4 || tj.Bounds[2] > 87.6 || tj.Attribution == "" {
		t.Errorf("tilejson: %+v", tj)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/tiles/basemap/12/0/0.mvt", "", nil), http.StatusUnauthorized)
}

// Basemap tiles are cached with an ETag until the next import, whose event
// drops them on every server.
func TestBasemapTileCacheDroppedByReimport(t *testing.T) {
	e := start(t, nil)
	mustImport(t, e, testExtract)
	const z = 14
	var r *apitest.Response
	waitFor(t, "tile cached", func() bool {
		r, _ = basemapTile(t, e, z, villageLon, villageLat)
		return r.Header.Get("X-Cache") == "hit"
	})
	tag := r.Header.Get("ETag")
	if r2, _ := basemapTile(t, e, z, villageLon, villageLat, "If-None-Match", tag); r2.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r2.StatusCode)
	}
	// Re-import without the residential road to the village.
	mustImport(t, e, editedExtract(t, func(s string) string { return dropWay(s, "1005") }))
	waitFor(t, "the new load's tile", func() bool {
		r, l := basemapTile(t, e, z, villageLon, villageLat)
		return r.StatusCode == http.StatusOK && !has(names(l["roads"], "name"), "东湾村路")
	})
	if r2, _ := basemapTile(t, e, z, villageLon, villageLat, "If-None-Match", tag); r2.StatusCode == http.StatusNotModified {
		t.Fatal("the old load's ETag still answers 304")
	}
}
