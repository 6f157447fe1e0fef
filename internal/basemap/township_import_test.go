package basemap_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"sitrep/internal/auth"
)

// A file import (set-based: registry/import_bulk.go) attributes townships
// as a POST does: a feature inside a loaded township takes its code
// whatever was typed; one outside every loaded township keeps its own.
func TestImportedFeaturesTakeTheirTownship(t *testing.T) {
	e := start(t, nil)
	mustImport(t, e, testExtract)
	site := func(code string, at []float64) map[string]any {
		return map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": at},
			"properties": map[string]any{"code": code, "name": "学校" + code, "kind": "school", "township_code": "650121207"}}
	}
	body, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": []any{
		site("IN", insideTownship), site("OUT", outsideTownship)}})
	r := e.Do("POST", "/api/v1/sensitive_sites/import", auth.Editor, body, "Content-Type", "application/geo+json")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", r.StatusCode, r.Body)
	}
	for code, want := range map[string]string{"IN": "650121100", "OUT": "650121207"} {
		var got string
		if err := e.Pool.QueryRow(t.Context(), `SELECT township_code FROM sensitive_sites WHERE code = $1`, code).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: township %s, want %s", code, got, want)
		}
	}
}
