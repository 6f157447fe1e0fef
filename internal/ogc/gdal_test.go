package ogc_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// gdal runs a GDAL command with role's token, failing the test (never
// skipping) when GDAL is not installed: scripts/test.sh installs gdal-bin.
func gdal(t *testing.T, e *apitest.Env, role auth.Role, name string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install GDAL (Debian: apt-get install gdal-bin; scripts/test.sh does)", name)
	}
	full := append([]string{"--config", "GDAL_HTTP_HEADERS", "Authorization: Bearer " + e.Tokens[role],
		"--config", "GDAL_HTTP_UNSAFESSL", "NO", "--config", "CPL_DEBUG", "NO"}, args...)
	out, err := exec.Command(bin, full...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// features reads a GeoJSON file ogr2ogr wrote and returns its ids.
func features(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Features []struct {
			ID         any            `json:"id"`
			Properties map[string]any `json:"properties"`
		}
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var ids []int64
	for _, f := range c.Features {
		var id float64
		switch v := f.ID.(type) {
		case float64:
			id = v
		default:
			id, _ = f.Properties["id"].(float64)
		}
		ids = append(ids, int64(id))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// GDAL's OAPIF driver, a real OGC client, lists every collection the role
// may read, reads each with the same number of features as the API, pages
// with a small page size getting every feature once, and sends a -where
// clause as a CQL2 filter that selects what the API's filter selects.
func TestGDALReadsEveryCollection(t *testing.T) {
	e := apitest.Start(t)
	seed(t, e)
	src := "OAPIF:" + e.URL + "/ogc"
	out := gdal(t, e, auth.Viewer, "ogrinfo", "-ro", "-q", src)
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\d+: (\w+)`).FindAllStringSubmatch(out, -1) {
		listed[m[1]] = true
	}
	var cols struct{ Collections []struct{ ID string } }
	e.Do("GET", "/ogc/collections", auth.Viewer, nil).JSON(t, &cols)
	if len(listed) != len(cols.Collections) || listed["experts"] {
		t.Fatalf("ogrinfo lists %v; the API %d collections\n%s", listed, len(cols.Collections), out)
	}
	dir := t.TempDir()
	for _, c := range cols.Collections {
		if !listed[c.ID] {
			t.Errorf("ogrinfo does not list %s", c.ID)
			continue
		}
		path := filepath.Join(dir, c.ID+".geojson")
		gdal(t, e, auth.Viewer, "ogr2ogr", "-f", "GeoJSON", "-preserve_fid", path, src, c.ID)
		var want int
		e.Do("GET", "/ogc/collections/"+c.ID+"/items?limit=1", auth.Viewer, nil).JSON(t, &struct {
			N *int `json:"numberMatched"`
		}{&want})
		got := features(t, path)
		if len(got) != want {
			t.Errorf("%s: GDAL read %d features, the API has %d", c.ID, len(got), want)
		}
		if c.ID == "shelters" && !slices.Equal(got, apiIDs(t, e, "shelters", "")) {
			t.Errorf("shelters: GDAL read %v", got)
		}
		if c.ID == "rescue_teams" && len(got) != 12 {
			t.Errorf("teams: %d", len(got))
		}
	}
	// Paging: 3 per page through the next links.
	paged := filepath.Join(dir, "paged.geojson")
	gdal(t, e, auth.Viewer, "ogr2ogr", "-oo", "PAGE_SIZE=3", "-f", "GeoJSON", "-preserve_fid", paged, src, "shelters")
	if got, want := features(t, paged), apiIDs(t, e, "shelters", ""); !slices.Equal(got, want) {
		t.Errorf("paged read: %v, want %v", got, want)
	}
	// A -where GDAL turns into a server-side CQL2 filter.
	where := filepath.Join(dir, "where.geojson")
	gdal(t, e, auth.Viewer, "ogr2ogr", "-f", "GeoJSON", "-preserve_fid", "-where", "status = 'open' AND class = 'emergency'", where, src, "shelters")
	if got, want := features(t, where), apiIDs(t, e, "shelters", "status=open&class=emergency"); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("-where: %v, want %v", got, want)
	}
	// The editor sees experts too.
	if out := gdal(t, e, auth.Editor, "ogrinfo", "-ro", "-q", src); !strings.Contains(out, "experts") {
		t.Errorf("editor's ogrinfo lacks experts:\n%s", out)
	}
}
