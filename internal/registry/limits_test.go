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

// A feature spanning more than MaxSpanDegrees is refused at its
// coordinates (a whole-world polygon cannot even be measured on the
// spheroid); dates outside the registry's years are refused at the field.
func TestExtentAndYears(t *testing.T) {
	world := []byte(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]},
		"properties":{"name":"世界","kind":"school"}}`)
	if got := fieldsOf(problemOf(t, decodeErr(testSites.Decode(world)), 422)); len(got) != 1 || got[0] != "/geometry/coordinates" {
		t.Fatalf("whole world: %v", got)
	}
	for _, c := range []struct{ field, value string }{
		{"opened_on", "0000-01-01"}, {"opened_on", "2400-01-01"}, {"checked_at", "0001-01-01T00:00:00Z"},
	} {
		b := []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.4,43.5]},
			"properties":{"name":"一中","kind":"school","` + c.field + `":"` + c.value + `"}}`)
		if got := fieldsOf(problemOf(t, decodeErr(testSites.Decode(b)), 422)); len(got) != 1 || got[0] != "/properties/"+c.field {
			t.Errorf("%s %s: %v", c.field, c.value, got)
		}
	}
}
