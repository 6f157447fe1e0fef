package tiles_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// An import of more than MaxImportEvents rows publishes one
// "reload" event (id "*", no geometry) instead of one per feature: every
// cached tile of the layer must go, fine ones (ids indexed) included.
func TestLargeImportDropsEveryTileOfItsLayer(t *testing.T) {
	e := apitest.Start(t)
	const z = 14
	lon, lat := 87.40, 43.50
	x, y := tileOf(lon, lat, z)
	// A shelter inside the tile, so the cached tile lists its ids.
	r := e.Do("POST", "/api/v1/shelters", auth.Editor, shelter(lon+0.001, lat+0.001, "old"))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	path := fmt.Sprintf("/tiles/shelters/%d/%d/%d.mvt", z, x, y)
	waitFor(t, "tile cached", func() bool { return get(e, path).Header.Get("X-Cache") == "hit" })
	before := len(decode(t, get(e, path).Body, "shelters", z, x, y))

	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 250 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%f,%f]},"properties":{"name":"imp %d","class":"emergency","capacity":100,"status":"open","occupancy":0}}`,
			lon+0.0001*float64(i%20), lat+0.0001*float64(i/20), i)
	}
	b.WriteString("]}")
	req, _ := http.NewRequest("POST", e.URL+"/api/v1/shelters/import", bytes.NewReader([]byte(b.String())))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+e.Tokens[auth.Editor])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters' AND action = 'reload'`); n != 1 {
		t.Fatalf("%d reload events", n)
	}
	waitFor(t, "tile to show the 250 imported shelters", func() bool {
		r := get(e, path)
		return r.StatusCode == 200 && len(decode(t, r.Body, "shelters", z, x, y)) > before
	})
}
