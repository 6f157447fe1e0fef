package layers_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Create, read, replace, patch and delete with optimistic concurrency; the
// history keeps every version, the deleted one too; every write is audited
// and published.
func TestLifecycleAndConcurrency(t *testing.T) {
	e := apitest.Start(t)
	c := create(t, e, "shelters", shelter("一中操场〔测试〕"))
	if c.ETag != `"1"` {
		t.Fatalf("ETag %q", c.ETag)
	}
	r := e.Do("GET", "/api/v1/shelters/"+c.ID, auth.Viewer, nil)
	if r.Header.Get("ETag") != `"1"` || r.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("GET headers %v", r.Header)
	}
	upd := shelter("一中操场〔测试〕")
	upd["properties"].(map[string]any)["occupancy"] = 120
	apitest.ExpectProblem(t, e.Do("PUT", "/api/v1/shelters/"+c.ID, auth.Editor, upd), http.StatusPreconditionRequired)
	apitest.ExpectProblem(t, e.Do("PUT", "/api/v1/shelters/"+c.ID, auth.Editor, upd, "If-Match", `"7"`), http.StatusPreconditionFailed)
	r = e.Do("PUT", "/api/v1/shelters/"+c.ID, auth.Editor, upd, "If-Match", `"1"`)
	if r.StatusCode != 200 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("PUT: %d %s %s", r.StatusCode, r.Header.Get("ETag"), r.Body)
	}
	// The first editor's version is now stale.
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/shelters/"+c.ID, auth.Editor, `{"properties":{"status":"full"}}`, "If-Match", `"1"`), http.StatusPreconditionFailed)
	r = e.Do("PATCH", "/api/v1/shelters/"+c.ID, auth.Editor, `{"properties":{"status":"full","occupancy":500}}`,
		"If-Match", `"2"`, "Content-Type", "application/merge-patch+json")
	if r.StatusCode != 200 {
		t.Fatalf("PATCH: %d %s", r.StatusCode, r.Body)
	}
	p := props(t, e, "shelters", c.ID)
	if p["status"] != "full" || p["occupancy"].(float64) != 500 || p["capacity"].(float64) != 500 || p["version"].(float64) != 3 {
		t.Fatalf("after patch: %v", p)
	}
	// A patch that breaks a rule is refused whole.
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/shelters/"+c.ID, auth.Editor, `{"properties":{"occupancy":501}}`, "If-Match", `"3"`), 422)
	apitest.ExpectProblem(t, e.Do("DELETE", "/api/v1/shelters/"+c.ID, auth.Editor, nil), http.StatusPreconditionRequired)
	apitest.ExpectProblem(t, e.Do("DELETE", "/api/v1/shelters/"+c.ID, auth.Editor, nil, "If-Match", `"2"`), http.StatusPreconditionFailed)
	if r := e.Do("DELETE", "/api/v1/shelters/"+c.ID, auth.Editor, nil, "If-Match", `"3"`); r.StatusCode != 204 {
		t.Fatalf("DELETE: %d %s", r.StatusCode, r.Body)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/shelters/"+c.ID, auth.Viewer, nil), 404)
	var h struct {
		Versions []struct {
			Version int
			Action  string
			Feature map[string]any
		}
	}
	e.Do("GET", "/api/v1/shelters/"+c.ID+"/history", auth.Viewer, nil).JSON(t, &h)
	var actions []string
	for _, v := range h.Versions {
		actions = append(actions, fmt.Sprint(v.Version, v.Action))
	}
	if strings.Join(actions, ",") != "1create,2update,3update,4delete" {
		t.Fatalf("history %v", actions)
	}
	if h.Versions[3].Feature["properties"].(map[string]any)["status"] != "full" {
		t.Fatal("the delete row does not keep the last state")
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'shelters' AND entity_id = $1`, c.ID); n != 4 {
		t.Fatalf("%d audit rows, want 4", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters' AND entity_id = $1`, c.ID); n != 4 {
		t.Fatalf("%d events, want 4", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters' AND action = 'delete' AND data = jsonb_build_object('id', $1::text)`, c.ID); n != 1 {
		t.Fatal("delete event is not {id}")
	}
}

// Each bad input gets the right status naming the field, and stores nothing.
func TestBadInputStoresNothing(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	create(t, e, "hazard_sources", feature(point(seatLon, seatLat), hazardProps(line("氯", 1))))
	create(t, e, "shelters", func() map[string]any {
		f := shelter("甲〔测试〕")
		f["properties"].(map[string]any)["code"] = "S1"
		return f
	}())
	audit := e.Count(`SELECT count(*) FROM audit_log`)
	events := e.Count(`SELECT count(*) FROM events`)

	hz := func(geom any, mutate func(p map[string]any)) map[string]any {
		p := hazardProps(line("氯", 1))
		p["name"] = "另一单元〔测试〕"
		if mutate != nil {
			mutate(p)
		}
		return feature(geom, p)
	}
	site := point(seatLon, seatLat)
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.47}, {87.41, 43.48}, {87.41, 43.47}, {87.40, 43.48}, {87.40, 43.47}}}}
	cases := []struct {
		name   string
		layer  string
		body   any
		status int
		field  string
	}{
		{"invalid JSON", "hazard_sources", `{"type":"Feature",`, 400, ""},
		{"unknown property", "hazard_sources", hz(site, func(p map[string]any) { p["colour"] = "red" }), 400, "/properties/colour"},
		{"unknown member", "hazard_sources", `{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{},"extra":1}`, 400, "/extra"},
		{"unknown line field", "hazard_sources", hz(site, func(p map[string]any) {
			p["inventory"] = []any{map[string]any{"chemical": "氯", "max_tonnes": 1, "qty": 2}}
		}), 400, "/properties/inventory/0/qty"},
		{"missing field", "hazard_sources", hz(site, func(p map[string]any) { delete(p, "enterprise") }), 422, "/properties/enterprise"},
		{"missing geometry", "hazard_sources", hz(nil, nil), 422, "/geometry"},
		{"not a Feature", "hazard_sources", map[string]any{"type": "FeatureCollection", "geometry": site, "properties": map[string]any{}}, 422, "/type"},
		{"self-intersecting polygon", "hazard_sources", hz(bowtie, nil), 422, "/geometry"},
		{"unclosed ring", "hazard_sources", hz(map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.47}, {87.41, 43.47}, {87.41, 43.48}, {87.40, 43.48}}}}, nil), 422, "/geometry/coordinates/0"},
		{"geometry type not allowed", "shelters", map[string]any{"type": "Feature", "geometry": bowtie, "properties": shelter("x")["properties"]}, 422, "/geometry/type"},
		{"latitude out of range", "hazard_sources", hz(point(43.47, 91.0), nil), 422, "/geometry/coordinates/1"},
		{"longitude out of range", "hazard_sources", hz(point(187.4, 43.47), nil), 422, "/geometry/coordinates/0"},
		{"swapped lon/lat", "hazard_sources", hz(point(seatLat, seatLon), nil), 422, "/geometry/coordinates"},
		{"altitude", "hazard_sources", hz(map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47, 900}}, nil), 422, "/geometry/coordinates"},
		{"non-WGS 84 crs", "hazard_sources", func() map[string]any {
			f := hz(site, nil)
			f["crs"] = map[string]any{"type": "name", "properties": map[string]any{"name": "urn:ogc:def:crs:EPSG::4490"}}
			return f
		}(), 422, "/crs"},
		{"negative quantity", "hazard_sources", hz(site, func(p map[string]any) { p["inventory"] = []any{line("氯", -1)} }), 422, "/properties/inventory/0/max_tonnes"},
		{"unknown chemical", "hazard_sources", hz(site, func(p map[string]any) { p["inventory"] = []any{line("不存在的化学品", 1)} }), 422, "/properties/inventory/0/chemical"},
		{"CAS of another chemical", "hazard_sources", hz(site, func(p map[string]any) {
			p["inventory"] = []any{map[string]any{"chemical": "氯", "cas": "7664-41-7", "max_tonnes": 1}}
		}), 422, "/properties/inventory/0/cas"},
		{"bad enum", "hazard_sources", hz(site, func(p map[string]any) { p["filing_status"] = "lost" }), 422, "/properties/filing_status"},
		{"bad date", "hazard_sources", hz(site, func(p map[string]any) { p["last_inspection"] = "2024-13-40" }), 422, "/properties/last_inspection"},
		// PostgreSQL has no year 0: this was a 500 from the insert.
		{"date in year 0", "hazard_sources", hz(site, func(p map[string]any) { p["last_inspection"] = "0000-06-01" }), 422, "/properties/last_inspection"},
		{"wrong type", "shelters", feature(site, map[string]any{"name": "x", "class": "emergency", "capacity": "many", "status": "open", "occupancy": 0}), 422, "/properties/capacity"},
		{"negative capacity", "shelters", feature(site, map[string]any{"name": "x", "class": "emergency", "capacity": -5, "status": "open", "occupancy": 0}), 422, "/properties/capacity"},
		{"occupancy over capacity", "shelters", feature(site, map[string]any{"name": "x", "class": "emergency", "capacity": 5, "status": "open", "occupancy": 6}), 422, "/properties/occupancy"},
		{"id on create", "shelters", func() map[string]any { f := shelter("y"); f["id"] = "9"; return f }(), 422, "/id"},
		{"duplicate enterprise+name", "hazard_sources", hz(site, func(p map[string]any) { p["name"] = "液氯库〔测试〕" }), 409, "/properties/name"},
		{"duplicate code", "shelters", func() map[string]any {
			f := shelter("乙〔测试〕")
			f["properties"].(map[string]any)["code"] = "S1"
			return f
		}(), 409, "/properties/code"},
		{"negative stock", "supply_depots", feature(site, map[string]any{"name": "库〔测试〕", "stock": []any{map[string]any{"item": "沙袋", "unit": "个", "quantity": -1}}}), 422, "/properties/stock/0/quantity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/"+c.layer, auth.Editor, c.body), c.status)
			fields := apitest.FieldsOf(p)
			if c.field != "" && !slices.Contains(fields, c.field) {
				t.Fatalf("fields %v, want %s\n%v", fields, c.field, p)
			}
		})
	}
	if n := e.Count(`SELECT count(*) FROM hazard_sources`); n != 1 {
		t.Errorf("%d hazard sources stored, want 1", n)
	}
	if n := e.Count(`SELECT (SELECT count(*) FROM shelters) + (SELECT count(*) FROM supply_depots)`); n != 1 {
		t.Errorf("%d shelters/depots stored, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM audit_log`); n != audit {
		t.Errorf("audit rows %d → %d", audit, n)
	}
	if n := e.Count(`SELECT count(*) FROM events`); n != events {
		t.Errorf("events %d → %d", events, n)
	}
	// Bad query parameters name the parameter.
	for q, field := range map[string]string{"bbox=1,2,3": "bbox", "bbox=87.5,43,87.4,44": "bbox", "stauts=open": "stauts", "status=ajar": "status", "limit=0": "limit",
		"bbox=NaN,NaN,NaN,NaN": "bbox"} {
		p := apitest.ExpectProblem(t, e.Do("GET", "/api/v1/shelters?"+q, auth.Viewer, nil), 400)
		if !slices.Contains(apitest.FieldsOf(p), field) {
			t.Errorf("%s: fields %v", q, apitest.FieldsOf(p))
		}
	}
}

// Viewers read and cannot write; editors write; strangers do neither.
func TestRoles(t *testing.T) {
	e := apitest.Start(t)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/shelters", auth.Viewer, shelter("x")), 403)
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/shelters", auth.Dispatcher, shelter("x")), 403)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/shelters", "", nil), 401)
	c := create(t, e, "shelters", shelter("x"))
	apitest.ExpectProblem(t, e.Do("DELETE", "/api/v1/shelters/"+c.ID, auth.Viewer, nil, "If-Match", c.ETag), 403)
	apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/shelters/"+c.ID, auth.Viewer, `{}`, "If-Match", c.ETag), 403)
	if r := e.Do("GET", "/api/v1/shelters/"+c.ID, auth.Viewer, nil); r.StatusCode != 200 {
		t.Fatal(r.StatusCode)
	}
	if n := e.Count(`SELECT count(*) FROM shelters`); n != 1 {
		t.Fatal(n)
	}
}

// bbox includes what meets the box and leaves out a feature just outside;
// filters combine; paging returns every feature exactly once, in id order.
func TestListBBoxFiltersPaging(t *testing.T) {
	e := apitest.Start(t)
	var ids []string
	for i := 0; i < 23; i++ {
		f := shelter(fmt.Sprintf("避难点%02d〔测试〕", i))
		p := f["properties"].(map[string]any)
		if i%3 == 0 {
			p["status"] = "closed"
		}
		if i%2 == 0 {
			p["facilities"] = []string{"water", "power"}
		}
		// 0.001° apart eastwards from the seat.
		f["geometry"] = point(seatLon+float64(i)*0.001, seatLat)
		ids = append(ids, create(t, e, "shelters", f).ID)
	}
	list := func(q string) (got []string, next string) {
		t.Helper()
		var fc struct {
			Type     string
			Features []struct{ ID string }
			Links    []struct{ Rel, Href string }
		}
		r := e.Do("GET", "/api/v1/shelters?"+q, auth.Viewer, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, r.StatusCode, r.Body)
		}
		r.JSON(t, &fc)
		if fc.Type != "FeatureCollection" {
			t.Fatal(fc.Type)
		}
		for _, f := range fc.Features {
			got = append(got, f.ID)
		}
		for _, l := range fc.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
		return got, next
	}
	// Box from feature 5 to feature 9 (edges between features); feature 10
	// lies 0.0005° (about 40 m) outside.
	got, _ := list(fmt.Sprintf("bbox=%f,%f,%f,%f", seatLon+0.0045, seatLat-0.001, seatLon+0.0095, seatLat+0.001))
	if !slices.Equal(got, ids[5:10]) {
		t.Fatalf("bbox: %v, want %v", got, ids[5:10])
	}
	got, _ = list("status=closed&facilities=power")
	var want []string
	for i := 0; i < 23; i++ {
		if i%3 == 0 && i%2 == 0 {
			want = append(want, ids[i])
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("filters: %v, want %v", got, want)
	}
	got, _ = list("status=open,full")
	if len(got) != 23-8 {
		t.Fatalf("status=open,full: %d", len(got))
	}
	// Paging.
	var all []string
	q := "limit=5"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page, next := list(q)
		all = append(all, page...)
		if next == "" {
			break
		}
		q = next[strings.Index(next, "?")+1:]
	}
	if !slices.Equal(all, ids) {
		t.Fatalf("paging: %v, want %v", all, ids)
	}
}
