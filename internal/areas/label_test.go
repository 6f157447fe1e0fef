package areas_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// Each area carries one point to write its name at, inside the area even
// where the area's centre is not (a U-shaped district: its centroid lies in
// the gap). The map labels that point, once, instead of the polygon,
// which it would label once per tile.
func TestBoundariesCarryALabelPointInsideEachArea(t *testing.T) {
	e := apitest.Start(t)
	u := `{"type":"Polygon","coordinates":[[[87.0,43.0],[87.6,43.0],[87.6,43.6],[87.45,43.6],[87.45,43.1],[87.15,43.1],[87.15,43.6],[87.0,43.6],[87.0,43.0]]]}`
	square := `{"type":"Polygon","coordinates":[[[87.6,43.0],[88.0,43.0],[88.0,43.4],[87.6,43.4],[87.6,43.0]]]}`
	err := areas.NewStore(e.Pool).Upsert(context.Background(), journal.Actor{Name: "test"}, []areas.Area{
		{Code: "650121", Name: "U 形县", IsCounty: true, Geometry: json.RawMessage(u)},
		{Code: "650104", Name: "方形区", Geometry: json.RawMessage(square)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do("GET", "/api/v1/boundaries", auth.Viewer, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("boundaries: %d %s", r.StatusCode, r.Body)
	}
	fc, err := geojson.UnmarshalFeatureCollection(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 2 {
		t.Fatalf("%d areas", len(fc.Features))
	}
	for _, f := range fc.Features {
		raw, _ := json.Marshal(f.Properties["label_point"])
		g, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			t.Fatalf("%v: label_point %s: %v", f.Properties["name"], raw, err)
		}
		p, ok := g.Geometry().(orb.Point)
		if !ok {
			t.Fatalf("%v: label_point is a %T", f.Properties["name"], g.Geometry())
		}
		if !planar.MultiPolygonContains(f.Geometry.(orb.MultiPolygon), p) {
			t.Errorf("%v: label point %v outside the area", f.Properties["name"], p)
		}
	}
	// The neighbour is labelled near the county (within its extent and
	// 10 km, about 0.12° of longitude here), not at its own middle.
	if p := fc.Features[1].Properties["label_point"].(map[string]any)["coordinates"].([]any); p[0].(float64) > 87.6+0.13 {
		t.Errorf("the neighbour's label at %v, not near the county", p)
	}
	if c, _ := planar.CentroidArea(fc.Features[0].Geometry); planar.MultiPolygonContains(fc.Features[0].Geometry.(orb.MultiPolygon), c) {
		t.Fatal("the U's centroid is inside it: the test shape proves nothing")
	}
}
