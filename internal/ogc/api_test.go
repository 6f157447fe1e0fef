package ogc_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/ogc"
)

func TestLandingConformanceAndAPI(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("GET", "/ogc", auth.Viewer, nil)
	var landing struct {
		Links []struct{ Href, Rel, Type string }
	}
	r.JSON(t, &landing)
	rels := map[string]string{}
	for _, l := range landing.Links {
		rels[l.Rel] = l.Href
	}
	for _, rel := range []string{"self", "alternate", "service-desc", "conformance", "data"} {
		if rels[rel] == "" {
			t.Errorf("landing page lacks a %s link: %s", rel, r.Body)
		}
	}
	var conf struct{ ConformsTo []string }
	e.Do("GET", "/ogc/conformance", auth.Viewer, nil).JSON(t, &conf)
	if !slices.Equal(conf.ConformsTo, ogc.Conformance) {
		t.Errorf("conformance %v", conf.ConformsTo)
	}
	r = e.Do("GET", "/ogc/api", auth.Viewer, nil)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") || doc.Paths["/collections/{collectionId}/items"] == nil ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.oai.openapi+json") {
		t.Errorf("openapi %s %s", r.Header.Get("Content-Type"), r.Body[:min(200, len(r.Body))])
	}
	// The same authentication as the API.
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections", "", nil), http.StatusUnauthorized)
	// HTML by f=html and by Accept.
	for _, req := range []struct{ path, accept string }{{"/ogc?f=html", ""}, {"/ogc/collections", "text/html"}} {
		r := e.Do("GET", req.path, auth.Viewer, nil, "Accept", req.accept)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), "<h1>") {
			t.Errorf("%s: %s", req.path, r.Header.Get("Content-Type"))
		}
	}
}

// A collection a role cannot read is not listed and its items are 404:
// experts need registry:write (personal phone numbers), which a viewer
// lacks and an editor has.
func TestCollectionsFollowPermissions(t *testing.T) {
	e := apitest.Start(t)
	seed(t, e)
	ids := func(role auth.Role) []string {
		var c struct {
			Collections []struct {
				ID     string
				Extent struct {
					Spatial  struct{ BBox [][]float64 }
					Temporal *struct{ Interval [][]*string }
				}
			}
		}
		e.Do("GET", "/ogc/collections", role, nil).JSON(t, &c)
		var out []string
		for _, x := range c.Collections {
			out = append(out, x.ID)
			if x.ID == "shelters" {
				if bb := x.Extent.Spatial.BBox[0]; fmt.Sprintf("%.3f %.3f %.3f %.3f", bb[0], bb[1], bb[2], bb[3]) != "87.300 43.400 87.495 43.460" {
					t.Errorf("shelters extent %v", bb)
				}
			}
			if x.ID == "rescue_teams" {
				iv := x.Extent.Temporal.Interval[0]
				if *iv[0] != "2024-05-01T01:00:00Z" || *iv[1] != "2024-05-01T11:00:00Z" {
					t.Errorf("teams temporal extent %v %v", *iv[0], *iv[1])
				}
			}
		}
		return out
	}
	viewer, editor := ids(auth.Viewer), ids(auth.Editor)
	if slices.Contains(viewer, "experts") || !slices.Contains(editor, "experts") {
		t.Fatalf("viewer sees %v, editor %v", viewer, editor)
	}
	for _, want := range []string{"hazard_sources", "sensitive_sites", "shelters", "rescue_teams", "population_cells", "incidents", "warnings", "zones"} {
		if !slices.Contains(viewer, want) {
			t.Errorf("collection %s missing: %v", want, viewer)
		}
	}
	for _, p := range []string{"/ogc/collections/experts", "/ogc/collections/experts/items", "/ogc/collections/experts/items/1", "/ogc/collections/experts/queryables"} {
		apitest.ExpectProblem(t, e.Do("GET", p, auth.Viewer, nil), http.StatusNotFound)
		if r := e.Do("GET", p, auth.Editor, nil); r.StatusCode != http.StatusOK {
			t.Errorf("editor %s: %d", p, r.StatusCode)
		}
	}
}

// Paging with a small limit returns every feature exactly once, in id
// order, with numberMatched the total; a single item reads back.
func TestPagingEveryFeatureOnce(t *testing.T) {
	e := apitest.Start(t)
	seed(t, e)
	want := apiIDs(t, e, "shelters", "")
	for _, limit := range []int{1, 7, 40, 100000} {
		got, matched := all(t, e, auth.Viewer, fmt.Sprintf("/ogc/collections/shelters/items?limit=%d", limit))
		if !slices.Equal(got, want) || matched != int64(len(want)) {
			t.Fatalf("limit %d: got %v (matched %d), want %v", limit, got, matched, want)
		}
	}
	got, _ := all(t, e, auth.Viewer, "/ogc/collections/shelters/items")
	if len(got) != 40 {
		t.Fatalf("default paging: %d", len(got))
	}
	r := e.Do("GET", fmt.Sprintf("/ogc/collections/shelters/items/%d", want[3]), auth.Viewer, nil)
	var f struct {
		ID    int64
		Links []struct{ Rel string }
	}
	r.JSON(t, &f)
	if f.ID != want[3] || len(f.Links) == 0 || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("item: %s", r.Body)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items/999999", auth.Viewer, nil), http.StatusNotFound)
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/nope/items", auth.Viewer, nil), http.StatusNotFound)
	if r := e.Do("GET", "/ogc/collections/shelters/items?f=html&limit=3", auth.Viewer, nil); !strings.Contains(string(r.Body), "避难场所") {
		t.Errorf("html items: %s", r.Body)
	}
}

// CQL2 filters select exactly what the registry API's own filters select
// on the same data, and bad filters are 400 naming filter.
func TestCQL2MatchesAPIFilters(t *testing.T) {
	e := apitest.Start(t)
	seed(t, e)
	for _, c := range []struct{ cql, api string }{
		{"status = 'open'", "status=open"},
		{"status IN ('open', 'full')", "status=open,full"},
		{"status = 'open' AND class = 'emergency'", "status=open&class=emergency"},
		{"(status = 'closed' OR status = 'full') AND class <> 'long_term'", "status=closed,full&class=emergency,short_term"},
		{"NOT (status <> 'full')", "status=full"},
		{"synthetic = false", "synthetic=false"},
	} {
		got, _ := all(t, e, auth.Viewer, "/ogc/collections/shelters/items?limit=9&filter-lang=cql2-text&filter="+url.QueryEscape(c.cql))
		want := apiIDs(t, e, "shelters", c.api)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: got %v, API ?%s gives %v", c.cql, got, c.api, want)
		}
	}
	// Operators the API has no filter for, checked against the API's
	// full list filtered here.
	var everything struct {
		Features []struct {
			ID         string
			Properties map[string]any
		}
	}
	e.Do("GET", "/api/v1/shelters?limit=5000", auth.Viewer, nil).JSON(t, &everything)
	for _, c := range []struct {
		cql  string
		keep func(p map[string]any) bool
	}{
		{"capacity >= 500 AND capacity < 1200", func(p map[string]any) bool { c := p["capacity"].(float64); return c >= 500 && c < 1200 }},
		{"capacity BETWEEN 100 AND 300 OR name LIKE '%3'", func(p map[string]any) bool {
			c := p["capacity"].(float64)
			return (c >= 100 && c <= 300) || strings.HasSuffix(p["name"].(string), "3")
		}},
		{"address IS NULL", func(p map[string]any) bool { return p["address"] == nil }},
		{"address IS NOT NULL AND capacity <= 100", func(p map[string]any) bool { return p["address"] != nil && p["capacity"].(float64) <= 100 }},
		{"name NOT IN ('避难场所 1', '避难场所 2') AND capacity < 200", func(p map[string]any) bool {
			return p["name"] != "避难场所 1" && p["name"] != "避难场所 2" && p["capacity"].(float64) < 200
		}},
	} {
		var want []int64
		for _, f := range everything.Features {
			if c.keep(f.Properties) {
				var n int64
				fmt.Sscan(f.ID, &n)
				want = append(want, n)
			}
		}
		got, matched := all(t, e, auth.Viewer, "/ogc/collections/shelters/items?limit=5&filter="+url.QueryEscape(c.cql))
		if !slices.Equal(got, want) || matched != int64(len(want)) || len(want) == 0 {
			t.Errorf("%s: got %v (matched %d), want %v", c.cql, got, matched, want)
		}
	}
	for _, bad := range []string{"nope = 1", "status = ", "capacity = 'x'", "S_INTERSECTS(geom, POINT(1 2))", "status = 'a'; DROP TABLE shelters"} {
		p := apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?filter="+url.QueryEscape(bad), auth.Viewer, nil), http.StatusBadRequest)
		if f := apitest.FieldsOf(p); !slices.Contains(f, "filter") {
			t.Errorf("%s: problem names %v: %v", bad, f, p)
		}
	}
	p := apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?filter=nope%3D1", auth.Viewer, nil), http.StatusBadRequest)
	if b, _ := json.Marshal(p); !strings.Contains(string(b), `nope`) {
		t.Errorf("unknown property not named: %s", b)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?filter-lang=cql2-json&filter=x", auth.Viewer, nil), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?limti=3", auth.Viewer, nil), http.StatusBadRequest)
}

func TestBBoxAndDatetime(t *testing.T) {
	e := apitest.Start(t)
	seed(t, e)
	got, _ := all(t, e, auth.Viewer, "/ogc/collections/shelters/items?limit=100&bbox=87.299,43.399,87.351,43.431")
	want := apiIDs(t, e, "shelters", "bbox=87.299,43.399,87.351,43.431")
	if !slices.Equal(got, want) || len(want) == 0 || len(want) == 40 {
		t.Errorf("bbox: got %v, API %v", got, want)
	}
	count := func(q string) int {
		ids, _ := all(t, e, auth.Viewer, "/ogc/collections/rescue_teams/items?limit=100&datetime="+url.QueryEscape(q))
		return len(ids)
	}
	// Observed at hours 1, 2, 4, 5, 7, 8, 10, 11 of 2024-05-01 (UTC).
	for q, want := range map[string]int{
		"2024-05-01T04:00:00Z":                      1,
		"2024-05-01T03:00:00Z":                      0,
		"2024-05-01T02:00:00Z/2024-05-01T07:00:00Z": 4,
		"../2024-05-01T04:00:00Z":                   3,
		"2024-05-01T08:00:00Z/..":                   3,
		"../..":                                     8,
		"2024-05-01":                                8,
		"2024-04-30":                                0,
	} {
		if got := count(q); got != want {
			t.Errorf("datetime=%s: %d, want %d", q, got, want)
		}
	}
	for _, bad := range []string{"yesterday", "2024-05-02T00:00:00Z/2024-05-01T00:00:00Z", "a/b/c"} {
		apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/rescue_teams/items?datetime="+url.QueryEscape(bad), auth.Viewer, nil), http.StatusBadRequest)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?datetime=2024-05-01", auth.Viewer, nil), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?bbox=1,2,3", auth.Viewer, nil), http.StatusBadRequest)
	apitest.ExpectProblem(t, e.Do("GET", "/ogc/collections/shelters/items?bbox=NaN,NaN,NaN,NaN", auth.Viewer, nil), http.StatusBadRequest)
}
