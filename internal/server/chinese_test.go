package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/demo"
)

// People read Chinese: every route in the OpenAPI document is sent a set of
// bad requests (no credentials, a role that may not, a bad id, an unknown
// one, bodies that are not JSON, empty, of the wrong shape or with bad
// values, bad query parameters, missing or bad If-Match, a wrong media
// type), and no problem it answers has an English word in its title, its
// detail or any field's detail, and none is a server error. Codes may stay: field and parameter names,
// enum codes, units, standards and formats (what the OpenAPI document and
// the vocabulary list, and a short allowlist), and anything that reads as
// an identifier (with a digit, "_", "/", "." or an inner capital).
func TestProblemsAreChinese(t *testing.T) {
	e := apitest.Start(t)
	if _, err := demo.Load(t.Context(), e.Pool); err != nil {
		t.Fatal(err)
	}
	ids := seedForProblems(t, e)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	e.Do("GET", "/api/openapi.json", "", nil).JSON(t, &doc)
	codes := knownCodes(t, e)

	var (
		bad   []string
		count int
	)
	check := func(what string, r *apitest.Response) {
		if r.StatusCode >= 500 && r.StatusCode != http.StatusServiceUnavailable {
			bad = append(bad, fmt.Sprintf("%s: %d %s", what, r.StatusCode, r.Body))
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			return
		}
		count++
		var p struct {
			Title  string `json:"title"`
			Detail string `json:"detail"`
			Errors []struct {
				Field  string `json:"field"`
				Detail string `json:"detail"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if r.Header.Get("Content-Language") != "zh-CN" {
			bad = append(bad, what+": no Content-Language: zh-CN")
		}
		texts := []string{p.Title, p.Detail}
		for _, fe := range p.Errors {
			texts = append(texts, fe.Detail)
		}
		for _, s := range texts {
			if w := englishWords(s, codes); len(w) > 0 {
				bad = append(bad, fmt.Sprintf("%s: %v in %q", what, w, s))
			}
		}
	}

	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		for method := range doc.Paths[path] {
			if method == "parameters" {
				continue
			}
			method = strings.ToUpper(method)
			for _, v := range requestsFor(method, path, ids) {
				check(v.name, e.Do(method, v.path, v.role, v.body, v.headers...))
			}
		}
	}
	// The OGC pages a GIS analyst clicks through, as text.
	tag := regexp.MustCompile(`(?s)<style.*?</style>|<[^>]*>`)
	for _, page := range []string{"/ogc?f=html", "/ogc/conformance?f=html", "/ogc/collections?f=html",
		"/ogc/collections/shelters?f=html", "/ogc/collections/zones?f=html", "/ogc/collections/incidents/items?f=html"} {
		r := e.Do("GET", page, auth.Viewer, nil)
		text := html.UnescapeString(tag.ReplaceAllString(string(r.Body), " "))
		if w := englishWords(text, codes); r.StatusCode != http.StatusOK || len(w) > 0 {
			bad = append(bad, fmt.Sprintf("GET %s: %d, %v", page, r.StatusCode, w))
		}
	}
	if count < 500 {
		t.Fatalf("only %d problems seen: the requests no longer reach the checks", count)
	}
	if len(bad) > 0 {
		if len(bad) > 40 {
			bad = append(bad[:40], fmt.Sprintf("… and %d more", len(bad)-40))
		}
		t.Fatalf("%d of %d problems have English in them:\n%s", len(bad), count, strings.Join(bad, "\n"))
	}
}

// seedForProblems makes one of each thing a path id can name beyond the
// demo data: an incident with a published zone, and a warning.
func seedForProblems(t *testing.T, e *apitest.Env) map[string]string {
	t.Helper()
	created := func(method, path string, role auth.Role, body any) string {
		t.Helper()
		r := e.Do(method, path, role, body)
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("%s %s: %d %s", method, path, r.StatusCode, r.Body)
		}
		var f struct {
			ID       json.RawMessage `json:"id"`
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		r.JSON(t, &f)
		if len(f.Features) > 0 {
			return f.Features[0].ID
		}
		return strings.Trim(string(f.ID), `"`)
	}
	incident := created("POST", "/api/v1/incidents", auth.Commander, map[string]any{"kind": "hazardous_chemicals",
		"place": "县城", "occurred_at": "2025-06-01T10:00:00+08:00", "location": map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47}}})
	zone := created("POST", "/api/v1/incidents/"+incident+"/zones", auth.Commander, map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000}})
	square := []any{[]any{[]float64{87.40, 43.46}, []float64{87.42, 43.46}, []float64{87.42, 43.48}, []float64{87.40, 43.48}, []float64{87.40, 43.46}}}
	warning := created("POST", "/api/v1/warnings", auth.Commander, map[string]any{"level": "yellow", "category": "hazardous_chemicals",
		"area": map[string]any{"type": "Polygon", "coordinates": square}, "area_desc": "县城", "onset": "2025-06-01T10:00:00+08:00",
		"items": []string{"关闭门窗"}, "incident_id": json.Number(incident)})
	return map[string]string{"incident": incident, "zone": zone, "warning": warning}
}

type probe struct {
	name    string
	path    string
	role    auth.Role
	body    any
	headers []string
}

// requestsFor is the set of bad requests sent to one route.
func requestsFor(method, path string, ids map[string]string) []probe {
	id := "1"
	switch {
	case strings.HasPrefix(path, "/api/v1/incidents/"):
		id = ids["incident"]
	case strings.HasPrefix(path, "/api/v1/zones/"):
		id = ids["zone"]
	case strings.HasPrefix(path, "/api/v1/warnings/"):
		id = ids["warning"]
	case strings.HasPrefix(path, "/api/v1/tokens/"):
		id = "987654" // revoking a real one would log a test user out
	}
	fill := func(p, id, other string) string {
		r := strings.NewReplacer("{id}", id, "{item}", other, "{collectionId}", other, "{featureId}", other,
			"{layer}", other, "{z}", other, "{x}", other, "{y}", other)
		return r.Replace(p)
	}
	good := fill(path, id, "zz_9")
	if strings.HasPrefix(path, "/ogc/collections/{collectionId}") || strings.HasPrefix(path, "/tiles/") {
		good = strings.NewReplacer("{collectionId}", "shelters", "{layer}", "shelters", "{featureId}", "x_1",
			"{z}", "99", "{x}", "0", "{y}", "0").Replace(path)
	}
	var out []probe
	add := func(name, p string, role auth.Role, body any, headers ...string) {
		out = append(out, probe{method + " " + p + " (" + name + ")", p, role, body, headers})
	}
	add("no credentials", good, "", nil)
	add("viewer", good, auth.Viewer, map[string]any{})
	add("bad id", fill(path, "x_1", "x_1"), auth.Admin, nil)
	add("unknown id", fill(path, "987654", "zz_9"), auth.Admin, nil)
	add("unknown query parameter", good+"?zz_9=1", auth.Admin, nil)
	for _, q := range []string{"bbox=zz_9", "bbox=1,2,3", "bbox=200,0,0,0", "bbox=10,10,0,0", "limit=0", "after=-1", "f=zz_9",
		"status=zz_9", "kind=zz_9", "capability=zz_9", "layer=zz_9", "k=0.5", "lon=500&lat=0", "incident=x_1", "active=zz_9",
		"format=zz_9", "dry_run=zz_9", "datetime=zz_9", "filter=zz_9%20%3D", "filter=nope_1%20%3D%201", "filter-lang=zz_9",
		"crs=zz_9", "q=" + strings.Repeat("氨", 101), "layer=rescue_teams&lon=87&lat=43&status=zz_9",
		"layer=supply_depots&lon=87&lat=43&min_quantity=1", "layer=rescue_teams&incident=1&lon=87&lat=43", "min_free=0", "max_age_s=-1",
		"grade=zz_9", "filing_status=zz_9", "synthetic=zz_9", "since=zz_9"} {
		add("query "+q, good+"?"+q, auth.Admin, nil)
	}
	if method == "GET" || method == "DELETE" {
		if method == "DELETE" {
			add("no If-Match", good, auth.Admin, nil)
			add("bad If-Match", good, auth.Admin, nil, "If-Match", `"x_1"`)
			add("stale If-Match", good, auth.Admin, nil, "If-Match", `"99"`)
		}
		return out
	}
	point := func(lon, lat float64) map[string]any {
		return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
	}
	bodies := []struct {
		name string
		body any
	}{
		{"no body", nil},
		{"not JSON", `{"a": `},
		{"two values", `{} {}`},
		{"unknown member", `{"zz_9": 1}`},
		{"empty object", map[string]any{}},
		{"array", []any{}},
		{"wrong types", map[string]any{"name": 5, "kind": 5, "level": 5, "model": 5, "inputs": 5, "state": 5, "team_ids": "x", "active": "x",
			"shelters": 5, "label": 5, "role": 5, "password": 5, "tier": 5, "status": 5}},
		{"bad feature", map[string]any{"type": "Feature", "geometry": point(500, 500), "properties": map[string]any{"name": "", "kind": "zz_9",
			"class": "zz_9", "status": "zz_9", "capacity": -1, "occupancy": 5, "filing_status": "zz_9", "inventory": []any{map[string]any{"chemical": "不存在的物质", "max_tonnes": -1}},
			"township_code": "zz_9", "capabilities": []string{"zz_9"}, "headcount": 1.5, "field": "zz_9", "night_people": -1}}},
		{"swapped feature", map[string]any{"type": "Feature", "geometry": point(43.47, 87.41), "properties": map[string]any{}}},
		{"bad polygon", map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Polygon",
			"coordinates": []any{[]any{[]float64{87.4, 43.4}, []float64{87.5, 43.5}, []float64{87.5, 43.4}, []float64{87.4, 43.5}, []float64{87.4, 43.4}}}}, "properties": map[string]any{}}},
		{"bad incident", map[string]any{"kind": "zz_9", "occurred_at": "zz_9", "location": point(500, 0), "place": ""}},
		{"future incident", map[string]any{"kind": "fire", "occurred_at": "2999-01-01T00:00:00Z", "place": "县城"}},
		{"bad report", map[string]any{"kind": "zz_9", "tier": "zz_9", "received_at": "zz_9"}},
		{"forbidden transition", map[string]any{"state": "terminated", "reason": "测试"}},
		{"bad transition", map[string]any{"state": "zz_9", "level": "zz_9"}},
		{"bad response", map[string]any{"level": "zz_9"}},
		{"bad checklist", map[string]any{"status": "zz_9"}},
		{"orange warning", map[string]any{"level": "orange", "category": "fire", "area": point(87, 43), "onset": "zz_9", "items": []string{}}},
		{"bad warning", map[string]any{"level": "zz_9", "expires": "2000-01-01T00:00:00Z", "area": map[string]any{"type": "Polygon",
			"coordinates": []any{[]any{[]float64{87, 43}, []float64{88, 43}, []float64{87, 43}}}}}},
		{"bad model", map[string]any{"model": "zz_9", "inputs": map[string]any{}}},
		{"bad plume", map[string]any{"model": "plume", "inputs": map[string]any{"windFromDeg": 400, "windSpeedMS": 3, "releaseRateGS": 0,
			"levels": []any{map[string]any{"name": "x_1", "value": 1, "unit": "ppm"}}}}},
		{"calm plume", map[string]any{"model": "plume", "inputs": map[string]any{"windSpeedMS": 0.2, "releaseRateGS": 10, "terrain": "rural",
			"levels": []any{map[string]any{"name": "x_1", "value": 1, "unit": "mg/m3"}}}}},
		{"bad explosion", map[string]any{"model": "explosion", "inputs": map[string]any{"flammableMassKg": -1}}},
		{"bad fireball", map[string]any{"model": "fireball", "inputs": map[string]any{"fuelMassKg": 1e9}}},
		{"bad protective", map[string]any{"model": "protective", "inputs": map[string]any{"key": "zz_9", "case": "zz_9"}}},
		{"bad time", map[string]any{"model": "protective", "inputs": map[string]any{"key": "chlorine", "case": "small", "time": "zz_9"}}},
		{"bad dispatch", map[string]any{"team_ids": []int{0, 987654, 987654}}},
		{"bad status", map[string]any{"status": "dispatched"}},
		{"bad fixes", []any{map[string]any{"team_id": 0, "lon": 500, "observed_at": "2999-01-01T00:00:00Z", "heading": 400}}},
		{"bad confirmation", map[string]any{"shelters": []any{map[string]any{"id": 1, "people": 0}, map[string]any{"id": 1, "people": 1}}}},
		{"bad user", map[string]any{"name": "Zed Smith", "role": "zz_9", "password": "short"}},
		{"login", map[string]any{"name": "viewer", "password": "wrong-wrong-wrong"}},
		{"bad import", "zz_9,yy_8\n1,2\n"},
	}
	for _, b := range bodies {
		add(b.name, good, auth.Admin, b.body, "If-Match", `"1"`)
	}
	add("duty officer", good, auth.DutyOfficer, map[string]any{"level": "orange", "category": "fire"}, "If-Match", `"1"`)
	add("no If-Match", good, auth.Admin, map[string]any{})
	add("bad If-Match", good, auth.Admin, map[string]any{}, "If-Match", `"x_1"`)
	add("stale If-Match", good, auth.Admin, map[string]any{"active": true, "reason": "测试"}, "If-Match", `"99"`)
	add("plain text", good, auth.Admin, "x_1", "Content-Type", "text/plain", "If-Match", `"1"`)
	add("bad GeoJSON file", good, auth.Admin, `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}}],"zz_9":1}`,
		"Content-Type", "application/geo+json")
	add("bad CSV file", good, auth.Admin, "name,name\n", "Content-Type", "text/csv")
	add("CSV with bad rows", good, auth.Admin, "name,kind,lon,lat\n甲,zz_9,87.4,95\n乙,school,x_1,43\n", "Content-Type", "text/csv")
	return out
}

// knownCodes gathers what may appear in a Chinese text as a code: every
// property, parameter and enum value the OpenAPI document names (not its own
// keywords: "required" is no code) and every vocabulary code.
func knownCodes(t *testing.T, e *apitest.Env) map[string]bool {
	t.Helper()
	codes := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "properties":
					if props, ok := x.(map[string]any); ok {
						for name := range props {
							codes[name] = true
						}
					}
				case "name", "const", "x-vocabulary":
					if s, ok := x.(string); ok {
						codes[s] = true
					}
				case "enum", "x-order", "required":
					for _, s := range asStrings(x) {
						codes[s] = true
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var doc, vocab any
	e.Do("GET", "/api/openapi.json", "", nil).JSON(t, &doc)
	walk(doc)
	e.Do("GET", "/api/v1/vocabulary", auth.Viewer, nil).JSON(t, &vocab)
	for _, v := range vocab.(map[string]any)["vocabularies"].(map[string]any) {
		for _, term := range v.(map[string]any)["terms"].([]any) {
			codes[term.(map[string]any)["code"].(string)] = true
		}
	}
	// The OGC collections' properties (zones, incidents, warnings are not
	// registry schemas in the OpenAPI document).
	var cols struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	e.Do("GET", "/ogc/collections?f=json", auth.Viewer, nil).JSON(t, &cols)
	for _, c := range cols.Collections {
		codes[c.ID] = true // a collection's id is a code, like a layer's name
		var q struct{ Properties map[string]any }
		e.Do("GET", "/ogc/collections/"+c.ID+"/queryables", auth.Viewer, nil).JSON(t, &q)
		for name := range q.Properties {
			codes[name] = true
		}
	}
	for _, w := range strings.Fields(`id lon lat wkt bbox minLon minLat maxLon maxLat json html geojson csv q f k z x y
		true false null m km kg mg ppm kPa psi s Feature FeatureCollection Point Polygon MultiPolygon LineString GeoJSON
		Bearer Origin If Match Content Type Authorization ETag Sitrep OGC API CRS Alert Update Cancel active adjusted lifted
		seq subscribe application text geo next self alternate service-desc conformance data items collection
		string number boolean date timestamp Features coordinates type area`) {
		codes[w] = true
	}
	return codes
}

func asStrings(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

var wordRE = regexp.MustCompile(`[A-Za-z/{][A-Za-z0-9{}]*(?:[-_./:{}]+[A-Za-z0-9{}]+)*`)

// englishWords lists the words of s that read as English: not a known
// code, not an identifier, not an acronym.
func englishWords(s string, codes map[string]bool) []string {
	var out []string
	for _, w := range wordRE.FindAllString(s, -1) {
		switch {
		case codes[w], len(w) == 1:
		case strings.ContainsAny(w, "0123456789_-./:{}"):
		case strings.IndexFunc(w[1:], unicode.IsUpper) >= 0: // GeoJSON, WGS, MiB
		default:
			out = append(out, w)
		}
	}
	return out
}
