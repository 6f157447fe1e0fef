package basemap_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sitrep/internal/auth"
	"sitrep/internal/basemap"
	"sitrep/internal/server"
)

// sitrep basemap export writes an archive that another server, with no
// import of its own, serves tile for tile as the first renders them.
func TestPMTilesExportAndServe(t *testing.T) {
	a := start(t, nil)
	mustImport(t, a, testExtract)
	file := filepath.Join(t.TempDir(), "county.pmtiles")
	var done, total int
	rep, err := basemap.Export(context.Background(), a.Pool, file, basemap.ExportOptions{MaxZoom: 14,
		Progress: func(d, n int) { done, total = d, n }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tiles == 0 || rep.MaxZoom != 14 || done != total || total == 0 {
		t.Fatalf("export: %+v (progress %d/%d)", rep, done, total)
	}

	b := start(t, func(c *server.Config) { c.Basemap = basemap.Settings{PMTiles: file} })
	var st struct {
		Local struct {
			Source string `json:"source"`
			Loaded bool   `json:"loaded"`
			File   string `json:"file"`
		} `json:"local"`
	}
	b.Do("GET", "/api/v1/basemap", auth.Viewer, nil).JSON(t, &st)
	if st.Local.Source != "pmtiles" || !st.Local.Loaded || st.Local.File != "county.pmtiles" {
		t.Fatalf("status: %+v", st)
	}
	for _, z := range []int{8, 10, 12, 14} {
		ra, la := basemapTile(t, a, z, villageLon, villageLat)
		rb, lb := basemapTile(t, b, z, villageLon, villageLat)
		if ra.StatusCode != http.StatusOK || rb.StatusCode != http.StatusOK {
			t.Fatalf("z%d: %d from PostGIS, %d from the archive", z, ra.StatusCode, rb.StatusCode)
		}
		for _, l := range basemap.LayerNames {
			if fmt.Sprint(names(la[l], "name")) != fmt.Sprint(names(lb[l], "name")) || len(la[l]) != len(lb[l]) {
				t.Errorf("z%d %s: %v from PostGIS, %v from the archive", z, l, names(la[l], "name"), names(lb[l], "name"))
			}
		}
	}
	// Past the archive's deepest zoom and far from its data: nothing (the
	// map overzooms z14, as TileJSON says).
	if r, _ := basemapTile(t, b, 15, villageLon, villageLat); r.StatusCode != http.StatusNoContent {
		t.Errorf("z15: %d", r.StatusCode)
	}
	if r, _ := basemapTile(t, b, 12, 88.0, 43.2); r.StatusCode != http.StatusNoContent {
		t.Errorf("outside: %d", r.StatusCode)
	}
	var tj struct {
		MaxZoom int       `json:"maxzoom"`
		Bounds  []float64 `json:"bounds"`
	}
	b.Do("GET", "/tiles/basemap.json", auth.Viewer, nil).JSON(t, &tj)
	if tj.MaxZoom != 14 || tj.Bounds[0] < 87.4 || tj.Bounds[2] > 87.6 {
		t.Errorf("tilejson: %+v", tj)
	}

	// What is not a PMTiles archive is refused with the reason.
	junk := filepath.Join(t.TempDir(), "junk.pmtiles")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not pmtiles ", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := basemap.OpenArchive(junk); err == nil || !strings.Contains(err.Error(), "PMTiles") {
		t.Errorf("junk archive: %v", err)
	}
	if _, err := basemap.OpenArchive(filepath.Join(t.TempDir(), "missing.pmtiles")); err == nil {
		t.Error("a missing archive opened")
	}
}
