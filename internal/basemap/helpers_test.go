package basemap_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"sitrep/internal/apitest"
	"sitrep/internal/areas"
	"sitrep/internal/basemap"
	"sitrep/internal/journal"
	"sitrep/internal/server"
)

// testExtract is the hand-made OpenStreetMap file of the tests (see
// testdata/README.md): a few km² of the county with roads of several
// classes meeting at shared nodes, a river under a bridge, a reservoir, two
// villages, a town and one township boundary (水西沟镇, the east half).
const testExtract = "testdata/county_test.osm"

// start runs a server with the county boundary loaded (the clip and the
// township check need it); configure may set the basemap settings.
func start(t testing.TB, configure func(*server.Config)) *apitest.Env {
	t.Helper()
	e := apitest.StartWith(t, configure)
	loadCounty(t, e)
	return e
}

func loadCounty(t testing.TB, e *apitest.Env) {
	t.Helper()
	raw, err := os.ReadFile("../demo/data/wulumuqi_xian_650121_wgs84.geojson")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("county file: %v", err)
	}
	err = areas.NewStore(e.Pool).Upsert(context.Background(), journal.Actor{Name: "test"},
		[]areas.Area{{Code: areas.CountyCode, Name: "乌鲁木齐县", IsCounty: true, Geometry: fc.Features[0].Geometry}})
	if err != nil {
		t.Fatal(err)
	}
}

// importFile runs the import as sitrep basemap import does.
func importFile(t *testing.T, e *apitest.Env, file string) (*basemap.Report, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return basemap.Import(ctx, e.Pool, e.Pool.Config().ConnString(), journal.Actor{Name: "test"}, file, basemap.Options{})
}

func mustImport(t *testing.T, e *apitest.Env, file string) *basemap.Report {
	t.Helper()
	rep, err := importFile(t, e, file)
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	return rep
}

// editedExtract writes a copy of the test extract with edit applied to its
// text, for re-import tests.
func editedExtract(t *testing.T, edit func(string) string) string {
	t.Helper()
	raw, err := os.ReadFile(testExtract)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "edited.osm")
	if err := os.WriteFile(out, []byte(edit(string(raw))), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// dropWay removes one way element from an .osm text.
func dropWay(osm, id string) string {
	start := strings.Index(osm, `<way id="`+id+`"`)
	end := strings.Index(osm[start:], "</way>") + start + len("</way>\n")
	return osm[:start] + osm[end:]
}

func tileOf(lon, lat float64, z int) (int, int) {
	t := maptile.At(orb.Point{lon, lat}, maptile.Zoom(z))
	return int(t.X), int(t.Y)
}

// layersOf decodes an MVT into its layers' features (lon/lat), by name.
func layersOf(t *testing.T, b []byte, z, x, y int) map[string][]*tileFeature {
	t.Helper()
	out := map[string][]*tileFeature{}
	if len(b) == 0 {
		return out
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	ls.ProjectToWGS84(maptile.New(uint32(x), uint32(y), maptile.Zoom(z)))
	for _, l := range ls {
		for _, f := range l.Features {
			out[l.Name] = append(out[l.Name], &tileFeature{Props: f.Properties, Geom: f.Geometry})
		}
	}
	return out
}

type tileFeature struct {
	Props map[string]any
	Geom  orb.Geometry
}

// names lists a layer's features' name (or class when unnamed) values.
func names(fs []*tileFeature, key string) []string {
	var out []string
	for _, f := range fs {
		if v, ok := f.Props[key].(string); ok {
			out = append(out, v)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // generous: the stream is asynchronous and the machine may be busy
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting: " + what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
