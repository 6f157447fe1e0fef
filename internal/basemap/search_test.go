package basemap_test

import (
	"net/http"
	"net/url"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/basemap"
)

type searchAnswer struct {
	Query   string           `json:"query"`
	Results []basemap.Result `json:"results"`
}

func search(t *testing.T, e *apitest.Env, role auth.Role, q string) []basemap.Result {
	t.Helper()
	var a searchAnswer
	r := e.Do("GET", "/api/v1/search?q="+url.QueryEscape(q), role, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("search %q: %d %s", q, r.StatusCode, r.Body)
	}
	r.JSON(t, &a)
	return a.Results
}

func TestSearch(t *testing.T) {
	e := start(t, nil)
	mustImport(t, e, testExtract)
	create(t, e, "hazard_sources", hazardSource("东湾储罐区", insideTownship, ""))
	create(t, e, "experts", map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": insideTownship},
		"properties": map[string]any{"name": "东湾专家", "field": "hazardous_chemicals"}})

	// Part of a Chinese name: the township first, then the town (a place),
	// each with where to centre the map.
	rs := search(t, e, auth.Viewer, "水西")
	if len(rs) != 2 || rs[0].Kind != "township" || rs[0].Name != "水西沟镇" || rs[0].Label != "乡镇" || rs[0].BBox == nil ||
		rs[1].Kind != "place" || rs[1].Label != "镇" || rs[1].Lon < 87.5 || rs[1].Lat < 43.48 {
		t.Fatalf("水西: %+v", rs)
	}
	// A road is one result for all its segments, found by name or by route
	// number in any case; its point lies on the road.
	for _, q := range []string{"板房沟", "x151", "X151"} {
		rs = search(t, e, auth.Viewer, q)
		if len(rs) != 1 || rs[0].Kind != "road" || rs[0].Name != "板房沟路" || rs[0].Ref != "X151" || rs[0].Label != "次要公路" {
			t.Fatalf("%s: %+v", q, rs)
		}
	}
	// 东湾: the village (exact place names rank by kind), its road, school
	// reservoir, and the registry's hazard source; the expert only for a
	// role that may read the expert roster.
	rs = search(t, e, auth.Viewer, "东湾")
	kinds := map[string]bool{}
	for _, r := range rs {
		kinds[r.Kind+":"+r.Name] = true
		if r.Layer == "experts" {
			t.Fatalf("a viewer found an expert: %+v", r)
		}
	}
	for _, want := range []string{"place:东湾村", "road:东湾村路", "water:东湾水库", "feature:东湾储罐区（测试企业）"} {
		if !kinds[want] {
			t.Errorf("东湾 without %s: %+v", want, rs)
		}
	}
	if rs[0].Name != "东湾村" {
		t.Errorf("东湾: the village is not first: %+v", rs[0])
	}
	found := false
	for _, r := range search(t, e, auth.Editor, "东湾") {
		found = found || (r.Layer == "experts" && r.Label == "专家" && r.ID != "")
	}
	if !found {
		t.Error("an editor (experts:read) did not find the expert")
	}
	// The user's % and _ are literal; nothing matches them here.
	if rs := search(t, e, auth.Viewer, "%"); len(rs) != 0 {
		t.Errorf("%%: %+v", rs)
	}
	// Bad input is a problem naming the parameter.
	for _, q := range []string{"/api/v1/search", "/api/v1/search?q=%20", "/api/v1/search?q=a&limit=0", "/api/v1/search?q=a&limit=x"} {
		apitest.ExpectProblem(t, e.Do("GET", q, auth.Viewer, nil), http.StatusBadRequest)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/search?q=a", "", nil), http.StatusUnauthorized)
}
