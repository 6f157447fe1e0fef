package registry

import (
	"encoding/json"
	"math"
	"testing"
)

// ring is a closed circle of n positions around the county seat.
func ring(n int) [][]float64 {
	out := make([][]float64, 0, n)
	for i := range n - 1 {
		a := 2 * math.Pi * float64(i) / float64(n-1)
		out = append(out, []float64{87.40 + 0.01*math.Cos(a), 43.47 + 0.01*math.Sin(a)})
	}
	return append(out, out[0])
}

func polygonSite(n int) []byte {
	b, _ := json.Marshal(map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring(n)}},
		"properties": map[string]any{"name": "大轮廓", "kind": "school"}})
	return b
}

// An outline over the layer's vertex limit is refused at its coordinates,
// one at the limit is taken, and a geometry text over the byte limit is
// refused before it is parsed.
func TestGeometryLimits(t *testing.T) {
	small := *testSites
	small.MaxVertices = 500
	if _, err := small.Decode(polygonSite(500)); err != nil {
		t.Fatalf("500 vertices at a limit of 500: %v", err)
	}
	p := problemOf(t, decodeErr(small.Decode(polygonSite(501))), 422)
	if got := fieldsOf(p); len(got) != 1 || got[0] != "/geometry/coordinates" {
		t.Fatalf("fields %v", got)
	}
	if _, err := testSites.Decode(polygonSite(DefaultMaxVertices)); err != nil {
		t.Fatalf("the default limit: %v", err)
	}
	problemOf(t, decodeErr(testSites.Decode(polygonSite(DefaultMaxVertices+1))), 422)

	tiny := *testSites
	tiny.MaxGeometryBytes = 2 << 10
	p = problemOf(t, decodeErr(tiny.Decode(polygonSite(200))), 422)
	if got := fieldsOf(p); len(got) != 1 || got[0] != "/geometry" {
		t.Fatalf("fields %v", got)
	}
}

func decodeErr(_ *Input, err error) error { return err }
