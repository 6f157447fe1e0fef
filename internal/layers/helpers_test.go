package layers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
)

// seat is the county seat (板房沟镇); test features sit around it.
const seatLon, seatLat = 87.410, 43.474

// Metres per degree near the seat, for building small test shapes.
const mLon, mLat = 80900.0, 111100.0

// loadTestCounty stores a box roughly the county's extent as the county, so
// the swapped-coordinates check has a county to test against.
func loadTestCounty(t *testing.T, e *apitest.Env) {
	t.Helper()
	err := areas.NewStore(e.Pool).Upsert(context.Background(), journal.Actor{Name: "test"}, []areas.Area{{
		Code: "650121", Name: "test county", IsCounty: true,
		Geometry: json.RawMessage(`{"type":"Polygon","coordinates":[[[86.8,43.0],[87.9,43.0],[87.9,43.9],[86.8,43.9],[86.8,43.0]]]}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func point(lon, lat float64) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
}

// square is a sizeM × sizeM cell centred eastM metres east of the seat.
func square(eastM, sizeM float64) map[string]any {
	cx := seatLon + eastM/mLon
	dx, dy := sizeM/2/mLon, sizeM/2/mLat
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
		{cx - dx, seatLat - dy}, {cx + dx, seatLat - dy}, {cx + dx, seatLat + dy}, {cx - dx, seatLat + dy}, {cx - dx, seatLat - dy},
	}}}
}

func feature(geom any, props map[string]any) map[string]any {
	return map[string]any{"type": "Feature", "geometry": geom, "properties": props}
}

type created struct {
	ID   string
	ETag string
	Body map[string]any
}

// create POSTs a feature as an editor and fails unless it is created.
func create(t *testing.T, e *apitest.Env, layer string, f any) created {
	t.Helper()
	r := e.Do("POST", "/api/v1/"+layer, auth.Editor, f)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create %s: %d %s", layer, r.StatusCode, r.Body)
	}
	var body map[string]any
	r.JSON(t, &body)
	return created{ID: body["id"].(string), ETag: r.Header.Get("ETag"), Body: body}
}

func props(t *testing.T, e *apitest.Env, layer, id string) map[string]any {
	t.Helper()
	r := e.Do("GET", "/api/v1/"+layer+"/"+id, auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("get %s/%s: %d %s", layer, id, r.StatusCode, r.Body)
	}
	var f map[string]any
	r.JSON(t, &f)
	return f["properties"].(map[string]any)
}

func hazardProps(inventory ...map[string]any) map[string]any {
	return map[string]any{"name": "液氯库〔测试〕", "enterprise": "县自来水厂〔测试〕", "filing_status": "filed",
		"township_code": "650121102", "inventory": inventory}
}

func line(chemical string, tonnes float64) map[string]any {
	return map[string]any{"chemical": chemical, "max_tonnes": tonnes}
}

func shelter(name string) map[string]any {
	return feature(point(seatLon, seatLat), map[string]any{"name": name, "class": "emergency", "capacity": 500,
		"status": "open", "occupancy": 0, "facilities": []string{"water"}})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
