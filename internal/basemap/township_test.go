package basemap_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Inside the test extract's township (水西沟镇, 650121100: east of
// 87.495°E) and outside it, west of that line.
var (
	insideTownship  = []float64{87.5100, 43.4900}
	outsideTownship = []float64{87.4850, 43.4780}
)

func hazardSource(name string, at []float64, township string) map[string]any {
	p := map[string]any{"name": name, "enterprise": "测试企业", "filing_status": "registered",
		"inventory": []map[string]any{{"chemical": "液氯", "max_tonnes": 1}}}
	if township != "" {
		p["township_code"] = township
	}
	return map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": at}, "properties": p}
}

func cell(code string, lon0, lon1 float64, people int, township string) map[string]any {
	lat0, lat1 := 43.4845, 43.4855
	p := map[string]any{"code": code, "night_people": people, "day_people": people}
	if township != "" {
		p["township_code"] = township
	}
	return map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{
		{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}, "properties": p}
}

type feature struct {
	ID         string `json:"id"`
	Properties struct {
		Version  int     `json:"version"`
		Township *string `json:"township_code"`
	} `json:"properties"`
}

func create(t *testing.T, e *apitest.Env, layer string, f map[string]any) feature {
	t.Helper()
	r := e.Do("POST", "/api/v1/"+layer, auth.Editor, f)
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create %s: %d %s", layer, r.StatusCode, r.Body)
	}
	var out feature
	r.JSON(t, &out)
	return out
}

func read(t *testing.T, e *apitest.Env, layer, id string) feature {
	t.Helper()
	var out feature
	e.Do("GET", "/api/v1/"+layer+"/"+id, auth.Viewer, nil).JSON(t, &out)
	return out
}

func township(f feature) string {
	if f.Properties.Township == nil {
		return "null"
	}
	return *f.Properties.Township
}

func TestTownshipFromWhereAFeatureLies(t *testing.T) {
	e := start(t, nil)
	// Before boundaries are loaded, the codes typed by hand stand.
	in := create(t, e, "hazard_sources", hazardSource("一号罐区", insideTownship, "650121102"))
	out := create(t, e, "hazard_sources", hazardSource("二号罐区", outsideTownship, "650121102"))
	if township(in) != "650121102" {
		t.Fatalf("before import: %s", township(in))
	}
	mustImport(t, e, testExtract)

	// The import brought the stored feature inside in line, as a new
	// version; the one outside every loaded township keeps its code.
	got := read(t, e, "hazard_sources", in.ID)
	if township(got) != "650121100" || got.Properties.Version != 2 {
		t.Fatalf("inside after import: %s v%d", township(got), got.Properties.Version)
	}
	if got := read(t, e, "hazard_sources", out.ID); township(got) != "650121102" || got.Properties.Version != 1 {
		t.Fatalf("outside after import: %s v%d", township(got), got.Properties.Version)
	}
	if n := e.Count(`SELECT count(*) FROM registry_history WHERE layer = 'hazard_sources' AND feature_id = $1`, in.ID); n != 2 {
		t.Fatalf("%d history rows", n)
	}
	// A new feature inside takes the township it lies in, whatever was typed.
	if f := create(t, e, "sensitive_sites", map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{87.4985, 43.4936}},
		"properties": map[string]any{"name": "东湾小学", "kind": "school", "township_code": "650121207"}}); township(f) != "650121100" {
		t.Fatalf("new site inside: %s", township(f))
	}
	// Moving the source outside keeps what was sent there.
	r := e.Do("PUT", "/api/v1/hazard_sources/"+in.ID, auth.Editor, hazardSource("一号罐区", outsideTownship, "650121207"), "If-Match", `"2"`)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("move: %d %s", r.StatusCode, r.Body)
	}
	if got := read(t, e, "hazard_sources", in.ID); township(got) != "650121207" {
		t.Fatalf("moved outside: %s", township(got))
	}
}

// A zone's impact splits its people by township and lists the roads inside.
func TestImpactByTownshipAndRoads(t *testing.T) {
	e := start(t, nil)
	mustImport(t, e, testExtract)
	// Two cells either side of the township's west edge (87.495°E): the
	// east one is attributed to 水西沟镇, the west one keeps its typed code.
	east := create(t, e, "population_cells", cell("east", 87.4952, 87.4975, 100, ""))
	west := create(t, e, "population_cells", cell("west", 87.4925, 87.4948, 40, "650121102"))
	if township(east) != "650121100" || township(west) != "650121102" {
		t.Fatalf("cells: east %s, west %s", township(east), township(west))
	}
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "hazardous_chemicals", "place": "板房沟路",
		"occurred_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"location":    map[string]any{"type": "Point", "coordinates": []float64{87.4950, 43.4850}}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("incident: %d %s", r.StatusCode, r.Body)
	}
	var inc struct{ ID string }
	r.JSON(t, &inc)
	r = e.Do("POST", "/api/v1/incidents/"+inc.ID+"/zones", auth.DutyOfficer,
		map[string]any{"model": "fireball", "inputs": map[string]any{"substance": "LPG", "fuelMassKg": 50000}})
	if r.StatusCode != http.StatusCreated && r.StatusCode != http.StatusOK {
		t.Fatalf("zones: %d %s", r.StatusCode, r.Body)
	}
	var run struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
	}
	r.JSON(t, &run)
	// The outermost ring holds both cells.
	var im struct {
		People     int64 `json:"people"`
		ByTownship []struct {
			Code   string `json:"code"`
			Name   string `json:"name"`
			People int64  `json:"people"`
		} `json:"by_township"`
		Roads []struct {
			Name    string  `json:"name"`
			Ref     string  `json:"ref"`
			LengthM float64 `json:"length_m"`
		} `json:"roads"`
	}
	e.Do("GET", "/api/v1/zones/"+run.Features[len(run.Features)-1].ID+"/impact", auth.Viewer, nil).JSON(t, &im)
	if im.People != 140 || fmt.Sprint(im.ByTownship) != "[{650121100 水西沟镇 100} {650121102 板房沟镇 40}]" {
		t.Fatalf("impact: %d people, by township %v", im.People, im.ByTownship)
	}
	found := false
	for _, rd := range im.Roads {
		if rd.Name == "板房沟路" && rd.Ref == "X151" && rd.LengthM > 100 {
			found = true
		}
	}
	if !found {
		t.Fatalf("roads inside: %+v", im.Roads)
	}
}
