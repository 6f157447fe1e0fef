package layers_test

import (
	"context"
	"encoding/json"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
)

// A registry feature says whether it lies outside the county: null before a
// county boundary is loaded, computed on every write, and brought in line
// in the transaction that loads the boundary; the list filters on it.
func TestOutsideCounty(t *testing.T) {
	e := apitest.Start(t)
	across := shelter("县界外避难场所〔测试〕")
	across["geometry"] = point(86.5, 43.5) // west of the test county's box
	early := create(t, e, "shelters", across)
	if v, ok := props(t, e, "shelters", early.ID)["outside_county"]; !ok || v != nil {
		t.Fatalf("no county loaded: outside_county = %v (present %v)", v, ok)
	}

	boundaries := areas.NewStore(e.Pool)
	boundaries.AfterUpsert = layers.RecomputeOutsideCounty
	if err := boundaries.Upsert(context.Background(), journal.Actor{Name: "test"}, []areas.Area{{
		Code: "650121", Name: "test county", IsCounty: true,
		Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[86.8,43.0],[87.9,43.0],[87.9,43.9],[86.8,43.9],[86.8,43.0]]]}`),
	}}); err != nil {
		t.Fatal(err)
	}
	if v := props(t, e, "shelters", early.ID)["outside_county"]; v != true {
		t.Fatalf("after the boundary load: outside_county = %v", v)
	}
	inside := create(t, e, "shelters", shelter("县内避难场所〔测试〕"))
	if v := props(t, e, "shelters", inside.ID)["outside_county"]; v != false {
		t.Fatalf("inside: outside_county = %v", v)
	}
	// A hazard source just across the border is kept and flagged.
	hz := create(t, e, "hazard_sources", feature(point(86.79, 43.47), hazardProps(line("液氨", 5))))
	if v := props(t, e, "hazard_sources", hz.ID)["outside_county"]; v != true {
		t.Fatalf("hazard source across the border: outside_county = %v", v)
	}
	// The client cannot set it: the value sent is ignored, the geometry decides.
	moved := feature(point(seatLon, seatLat), map[string]any{"name": "县界外避难场所〔测试〕", "class": "emergency",
		"capacity": 500, "status": "open", "occupancy": 0, "facilities": []string{"water"}, "outside_county": true})
	r := e.Do("PUT", "/api/v1/shelters/"+early.ID, auth.Editor, moved, "If-Match", etagOf(t, e, "shelters", early.ID))
	if r.StatusCode != 200 {
		t.Fatalf("put: %d %s", r.StatusCode, r.Body)
	}
	if v := props(t, e, "shelters", early.ID)["outside_county"]; v != false {
		t.Fatalf("moved inside, sent outside_county true: outside_county = %v", v)
	}

	var list struct{ Features []json.RawMessage }
	e.Do("GET", "/api/v1/shelters?outside_county=true", auth.Viewer, nil).JSON(t, &list)
	if len(list.Features) != 0 {
		t.Fatalf("?outside_county=true: %d shelters, want none", len(list.Features))
	}
	e.Do("GET", "/api/v1/hazard_sources?outside_county=true", auth.Viewer, nil).JSON(t, &list)
	if len(list.Features) != 1 {
		t.Fatalf("?outside_county=true: %d hazard sources, want 1", len(list.Features))
	}
}

func etagOf(t *testing.T, e *apitest.Env, layer, id string) string {
	t.Helper()
	return e.Do("GET", "/api/v1/"+layer+"/"+id, auth.Viewer, nil).Header.Get("ETag")
}
