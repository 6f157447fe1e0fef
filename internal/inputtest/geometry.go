package inputtest

import (
	"encoding/json"
	"math"
	"testing"
)

// positionDepth is how deep the positions of each GeoJSON type lie in its
// coordinates: a Point's coordinates are a position, a Polygon's an array
// of rings of positions.
var positionDepth = map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}

// SameGeometry fails t unless the GeoJSON geometry got, which a parser made
// of the geometry sent, has the positions sent, in order, as [lon, lat]
// in range: nothing made up (a missing latitude read as 0), nothing lost.
// The types may differ (a Polygon kept as a MultiPolygon); an altitude
// sent may be dropped. input is shown on failure.
func SameGeometry(t testing.TB, input []byte, sent json.RawMessage, got string) {
	t.Helper()
	want, err := positions(sent)
	if err != nil {
		t.Fatalf("input %q: geometry %s accepted, but: %v", input, sent, err)
	}
	have, err := positions([]byte(got))
	if err != nil {
		t.Fatalf("input %q: made geometry %s: %v", input, got, err)
	}
	if len(have) != len(want) {
		t.Fatalf("input %q: %d positions sent, %d kept: %s", input, len(want), len(have), got)
	}
	for i, h := range have {
		lon, lat, ok := lonLat(h)
		if !ok || len(h) != 2 || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Fatalf("input %q: kept position %v: %s", input, h, got)
		}
		sentLon, sentLat, ok := lonLat(want[i])
		if !ok || sentLon != lon || sentLat != lat {
			t.Fatalf("input %q: position %d sent as %v, kept as %v", input, i, want[i], h)
		}
	}
}

// positions lists a geometry's positions in order; one that is not an
// array is nil.
func positions(raw []byte) ([][]any, error) {
	// A struct, not a map, so members match as in every decoder here
	// (encoding/json: exact name first, else any case).
	var g struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, err
	}
	var out [][]any
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		arr, _ := v.([]any)
		if depth == 0 {
			out = append(out, arr)
			return
		}
		for _, x := range arr {
			walk(x, depth-1)
		}
	}
	if depth, ok := positionDepth[g.Type]; ok {
		walk(g.Coordinates, depth)
	}
	return out, nil
}

// lonLat reads the first two numbers of a position.
func lonLat(pos []any) (lon, lat float64, ok bool) {
	if len(pos) < 2 {
		return 0, 0, false
	}
	lon, ok1 := pos[0].(float64)
	lat, ok2 := pos[1].(float64)
	return lon, lat, ok1 && ok2
}
