package tiles_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

func tileOf(lon, lat float64, z int) (int, int) {
	t := maptile.At(orb.Point{lon, lat}, maptile.Zoom(z))
	return int(t.X), int(t.Y)
}

func shelter(lon, lat float64, name string) map[string]any {
	return map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": []float64{lon, lat}},
		"properties": map[string]any{"name": name, "class": "emergency", "capacity": 100, "status": "open", "occupancy": 0,
			"contact_phone": "13800000000"}}
}

// decode returns the features of layer in an MVT, in lon/lat.
func decode(t *testing.T, b []byte, layer string, z, x, y int) []*mvtFeature {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	ls.ProjectToWGS84(maptile.New(uint32(x), uint32(y), maptile.Zoom(z)))
	var out []*mvtFeature
	for _, l := range ls {
		if l.Name != layer {
			t.Fatalf("layer %q in tile", l.Name)
		}
		for _, f := range l.Features {
			out = append(out, &mvtFeature{ID: f.ID, Props: f.Properties, Geom: f.Geometry})
		}
	}
	return out
}

type mvtFeature struct {
	ID    any
	Props map[string]any
	Geom  orb.Geometry
}

func get(e *apitest.Env, path string, hdr ...string) *apitest.Response {
	return e.Do("GET", path, auth.Viewer, nil, hdr...)
}

// waitFor polls until cond holds (the live stream delivers within
// milliseconds; the safety read bounds it at seconds).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting: " + what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTilesRenderCacheAndInvalidate(t *testing.T) {
	e := apitest.Start(t)
	const z = 14
	lonA, latA := 87.40, 43.50 // shelter 1, then moved to B
	lonB, latB := 87.60, 43.70
	lonC, latC := 87.20, 43.30 // shelter 2, never touched
	create := func(lon, lat float64, name string) string {
		r := e.Do("POST", "/api/v1/shelters", auth.Editor, shelter(lon, lat, name))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", r.StatusCode, r.Body)
		}
		var f struct{ ID string }
		r.JSON(t, &f)
		return f.ID
	}
	id1 := create(lonA, latA, "一号")
	create(lonC, latC, "二号")
	xa, ya := tileOf(lonA, latA, z)
	xb, yb := tileOf(lonB, latB, z)
	xc, yc := tileOf(lonC, latC, z)
	pathA := fmt.Sprintf("/tiles/shelters/%d/%d/%d.mvt", z, xa, ya)
	pathB := fmt.Sprintf("/tiles/shelters/%d/%d/%d.mvt", z, xb, yb)
	pathC := fmt.Sprintf("/tiles/shelters/%d/%d/%d.mvt", z, xc, yc)

	// Rendered by PostGIS with the allowlisted properties only, placed
	// right (within a grid unit of 4096 at z14, ~2.4 m).
	var r *apitest.Response
	waitFor(t, "tile A cached", func() bool { r = get(e, pathA); return r.Header.Get("X-Cache") == "hit" })
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: %d %s", r.StatusCode, r.Header)
	}
	fs := decode(t, r.Body, "shelters", z, xa, ya)
	if len(fs) != 1 || fmt.Sprint(fs[0].ID) != id1 || fs[0].Props["name"] != "一号" || fs[0].Props["contact_phone"] != nil {
		t.Fatalf("features %+v", fs[0])
	}
	p := fs[0].Geom.(orb.Point)
	if math.Abs(p[0]-lonA) > 1e-4 || math.Abs(p[1]-latA) > 1e-4 {
		t.Fatalf("point at %v, want %v %v", p, lonA, latA)
	}
	// ETag and 304.
	tag := r.Header.Get("ETag")
	if r := get(e, pathA, "If-None-Match", tag); r.StatusCode != http.StatusNotModified || len(r.Body) != 0 {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	// Empty tile → 204; B is empty now and gets cached empty.
	waitFor(t, "tile B cached", func() bool { r = get(e, pathB); return r.Header.Get("X-Cache") == "hit" })
	if r.StatusCode != http.StatusNoContent {
		t.Fatalf("empty tile: %d", r.StatusCode)
	}
	waitFor(t, "tile C cached", func() bool { return get(e, pathC).Header.Get("X-Cache") == "hit" })

	// Move shelter 1 from A to B: the old tile (known from the id index)
	// and the new one are dropped; C stays cached.
	r = e.Do("PUT", "/api/v1/shelters/"+id1, auth.Editor, shelter(lonB, latB, "一号"), "If-Match", `"1"`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("move: %d %s", r.StatusCode, r.Body)
	}
	waitFor(t, "tile A without the shelter", func() bool { return get(e, pathA).StatusCode == http.StatusNoContent })
	waitFor(t, "tile B with the shelter", func() bool {
		r := get(e, pathB)
		return r.StatusCode == http.StatusOK && len(decode(t, r.Body, "shelters", z, xb, yb)) == 1
	})
	if r := get(e, pathA, "If-None-Match", tag); r.StatusCode == http.StatusNotModified {
		t.Fatal("stale ETag still answered 304")
	}
	if r := get(e, pathC); r.Header.Get("X-Cache") != "hit" {
		t.Error("an untouched tile was invalidated")
	}
	// Delete: tile B drops it.
	waitFor(t, "tile B cached again", func() bool { return get(e, pathB).Header.Get("X-Cache") == "hit" })
	r = e.Do("DELETE", "/api/v1/shelters/"+id1, auth.Editor, nil, "If-Match", `"2"`)
	if r.StatusCode != http.StatusNoContent && r.StatusCode != http.StatusOK {
		t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
	}
	waitFor(t, "tile B empty after delete", func() bool { return get(e, pathB).StatusCode == http.StatusNoContent })

	// Errors.
	apitest.ExpectProblem(t, get(e, "/tiles/nope/1/0/0.mvt"), http.StatusNotFound)
	apitest.ExpectProblem(t, get(e, "/tiles/experts/1/0/0.mvt"), http.StatusNotFound)
	apitest.ExpectProblem(t, get(e, "/tiles/shelters/1/2/0.mvt"), http.StatusBadRequest)
	apitest.ExpectProblem(t, get(e, "/tiles/shelters/23/0/0.mvt"), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", pathA, "", nil), http.StatusUnauthorized)
	// Below a layer's minimum zoom: nothing drawn.
	if r := get(e, "/tiles/population_cells/2/2/1.mvt"); r.StatusCode != http.StatusNoContent {
		t.Errorf("population below minzoom: %d", r.StatusCode)
	}
}

func TestTileJSON(t *testing.T) {
	e := apitest.Start(t)
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO shelters (geom, name, class, capacity, status, occupancy)
		VALUES (ST_SetSRID(ST_MakePoint(87.1, 43.2), 4326), 'a', 'emergency', 1, 'open', 0),
		       (ST_SetSRID(ST_MakePoint(87.5, 43.6), 4326), 'b', 'emergency', 1, 'open', 0)`); err != nil {
		t.Fatal(err)
	}
	var tj struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		Bounds       []float64 `json:"bounds"`
		MinZoom      int       `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	get(e, "/tiles/shelters.json").JSON(t, &tj)
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != e.URL+"/tiles/shelters/{z}/{x}/{y}.mvt" ||
		fmt.Sprint(tj.Bounds) != "[87.1 43.2 87.5 43.6]" || tj.MaxZoom <= tj.MinZoom ||
		len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "shelters" || tj.VectorLayers[0].Fields["capacity"] != "Number" {
		t.Fatalf("%+v", tj)
	}
	apitest.ExpectProblem(t, get(e, "/tiles/experts.json"), http.StatusNotFound)
}
