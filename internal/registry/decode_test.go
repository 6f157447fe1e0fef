package registry

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func site(geometry any, props map[string]any) map[string]any {
	return map[string]any{"type": "Feature", "geometry": geometry, "properties": props}
}

func pt(lon, lat float64) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}
}

// siteProps are valid properties of testSites; each case changes them.
func siteProps() map[string]any {
	return map[string]any{"name": "一中", "kind": "school"}
}

func TestDecodeValidFeatures(t *testing.T) {
	t.Run("every scalar kind", func(t *testing.T) {
		p := siteProps()
		p["name"] = "  一中  "
		p["code"] = ""
		p["people"] = 1200
		p["present"] = 300
		p["area_m2"] = 1.5e3
		p["open"] = true
		p["opened_on"] = "1998-09-01"
		p["checked_at"] = "2024-05-01T08:00:00+08:00"
		p["facilities"] = []string{" water", "power "}
		in, err := testSites.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"code": nil, "name": "一中", "kind": "school", "people": int64(1200), "present": int64(300),
			"area_m2": 1500.0, "open": true, "opened_on": "1998-09-01",
			"checked_at": time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
			"facilities": []string{"water", "power"}, "labels": []string{},
		}
		if !reflect.DeepEqual(in.Values, want) {
			t.Fatalf("values\n got %#v\nwant %#v", in.Values, want)
		}
		if in.Geometry.Type != "Point" || in.Geometry.GeoJSON != `{"type":"Point","coordinates":[87.41,43.47]}` {
			t.Fatalf("geometry %+v", in.Geometry)
		}
		if in.ID != nil {
			t.Fatalf("id %s from a feature without one", in.ID)
		}
	})

	t.Run("absent optional values", func(t *testing.T) {
		in, err := testSites.Decode(mustJSON(t, site(pt(87.41, 43.47), siteProps())))
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]any{"people": nil, "open": false, "labels": []string{}, "checked_at": nil} {
			if got := in.Values[name]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %#v, want %#v", name, got, want)
			}
		}
		if _, ok := in.Values["grade"]; ok {
			t.Error("a read-only field got a value from input")
		}
	})

	t.Run("polygon, with what a GET echoes back", func(t *testing.T) {
		poly := map[string]any{"type": "Polygon", "bbox": []float64{87.4, 43.4, 87.5, 43.5},
			"coordinates": [][][]float64{{{87.4, 43.4}, {87.5, 43.4}, {87.5, 43.5}, {87.4, 43.4}}}}
		p := siteProps()
		p["id"], p["version"], p["updated_at"], p["grade"] = "7", 3, "2024-05-01T00:00:00Z", "一级"
		f := site(poly, p)
		f["id"] = "7"
		f["crs"] = map[string]any{"type": "name", "properties": map[string]any{"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
		in, err := testSites.Decode(mustJSON(t, f))
		if err != nil {
			t.Fatal(err)
		}
		if string(in.ID) != `"7"` {
			t.Errorf("id %s", in.ID)
		}
		if want := `{"type":"Polygon","coordinates":[[[87.4,43.4],[87.5,43.4],[87.5,43.5],[87.4,43.4]]]}`; in.Geometry.GeoJSON != want {
			t.Errorf("geometry %s, want %s (bbox dropped)", in.Geometry.GeoJSON, want)
		}
		if _, ok := in.Values["grade"]; ok {
			t.Error("an echoed read-only value was taken")
		}
	})

	t.Run("lines and a point property", func(t *testing.T) {
		f := site(pt(87.41, 43.47), map[string]any{
			"name":          "库",
			"stock":         []any{map[string]any{"item": "水", "quantity": 10, "unit": "t"}, map[string]any{"item": "帐篷", "quantity": 2.5}},
			"last_position": map[string]any{"type": "Point", "coordinates": []float64{87.5, 43.5}},
		})
		in, err := testDepots.Decode(mustJSON(t, f))
		if err != nil {
			t.Fatal(err)
		}
		wantStock := []Line{{"item": "水", "quantity": 10.0, "unit": "t"}, {"item": "帐篷", "quantity": 2.5, "unit": nil}}
		if !reflect.DeepEqual(in.Values["stock"], wantStock) {
			t.Errorf("stock %#v", in.Values["stock"])
		}
		if got := in.Values["last_position"]; got != `{"type":"Point","coordinates":[87.5,43.5]}` {
			t.Errorf("last_position %#v", got)
		}
	})
}

// Every kind of bad value is a 422 naming the value by its JSON Pointer.
func TestDecodeNamesEachBadValue(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   map[string]any
		field string
		say   string
	}{
		{"text not a string", map[string]any{"name": 42}, "/properties/name", "应为字符串"},
		{"required text blank", map[string]any{"name": "   "}, "/properties/name", "必填"},
		{"text too long", map[string]any{"code": strings.Repeat("长", 9)}, "/properties/code", "最多 8 个字符（收到 9 个）"},
		{"not in the enum", map[string]any{"kind": "castle"}, "/properties/kind", "须为以下之一：school（学校）、hospital（医院）"},
		{"fraction for an integer", map[string]any{"people": 1.5}, "/properties/people", "以内的整数"},
		{"integer beyond int4", map[string]any{"people": 1 << 31}, "/properties/people", "以内的整数"},
		{"negative integer", map[string]any{"people": -1}, "/properties/people", "不能为负数"},
		{"words for a number", map[string]any{"area_m2": "twelve"}, "/properties/area_m2", "应为数字"},
		{"negative number", map[string]any{"area_m2": -0.5}, "/properties/area_m2", "不能为负数"},
		{"string for a boolean", map[string]any{"open": "yes"}, "/properties/open", "true 或 false"},
		{"bad date", map[string]any{"opened_on": "1998-13-01"}, "/properties/opened_on", "YYYY-MM-DD"},
		{"time without a zone", map[string]any{"checked_at": "2024-05-01T08:00:00"}, "/properties/checked_at", "带时区"},
		{"tags not an array", map[string]any{"facilities": "water"}, "/properties/facilities", "字符串数组"},
		{"empty tag", map[string]any{"facilities": []string{"water", " "}}, "/properties/facilities/1", "不能为空"},
		{"tag not in the enum", map[string]any{"facilities": []string{"lift"}}, "/properties/facilities/0", "须为以下之一"},
		{"tag listed twice", map[string]any{"labels": []string{"a", "b", "a"}}, "/properties/labels/2", "重复列出"},
		{"tag too long", map[string]any{"labels": []string{strings.Repeat("x", 101)}}, "/properties/labels/0", "最多 100"},
		{"cross-field rule", map[string]any{"people": 5, "present": 6}, "/properties/present", "exceeds people"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := siteProps()
			for k, v := range c.set {
				p[k] = v
			}
			_, err := testSites.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
			prob := problemOf(t, err, 422)
			if len(prob.Errors) != 1 || prob.Errors[0].Field != c.field || !strings.Contains(prob.Errors[0].Detail, c.say) {
				t.Fatalf("want %s: …%s…, got %+v", c.field, c.say, prob.Errors)
			}
		})
	}
}

func TestDecodeNamesBadLinesAndPoints(t *testing.T) {
	for _, c := range []struct {
		name   string
		set    map[string]any
		fields []string
	}{
		{"lines not an array", map[string]any{"stock": map[string]any{"item": "水"}}, []string{"/properties/stock"}},
		{"a line not an object", map[string]any{"stock": []any{"水"}}, []string{"/properties/stock/0"}},
		{"every bad line member", map[string]any{"stock": []any{
			map[string]any{"item": "水", "quantity": 1},
			map[string]any{"quantity": -1, "unit": "kilograms!!"},
		}}, []string{"/properties/stock/1/item", "/properties/stock/1/quantity", "/properties/stock/1/unit"}},
		{"a point property of another type", map[string]any{"last_position": map[string]any{"type": "LineString", "coordinates": [][]float64{{87, 43}, {88, 44}}}},
			[]string{"/properties/last_position/type"}},
		{"a point property out of range", map[string]any{"last_position": pt(87.5, 143.5)}, []string{"/properties/last_position/coordinates/1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := map[string]any{"name": "库"}
			for k, v := range c.set {
				p[k] = v
			}
			_, err := testDepots.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
			if got := fieldsOf(problemOf(t, err, 422)); !reflect.DeepEqual(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

// Several faults at once are all named, so a form can mark every one.
func TestDecodeListsEveryFault(t *testing.T) {
	p := map[string]any{"kind": "castle", "people": -3, "open": "no"}
	_, err := testSites.Decode(mustJSON(t, site(pt(87.41, 95), p)))
	got := fieldsOf(problemOf(t, err, 422))
	want := []string{"/geometry/coordinates/1", "/properties/kind", "/properties/name", "/properties/open", "/properties/people"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
}

// A member nobody defined is a 400 (a likely typo), never silently dropped;
// a missing one is a 422 "required" (必填).
func TestDecodeUnknownAndMissingMembers(t *testing.T) {
	t.Run("unknown property", func(t *testing.T) {
		p := siteProps()
		p["colour"] = "red"
		_, err := testSites.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
		if got := fieldsOf(problemOf(t, err, 400)); !reflect.DeepEqual(got, []string{"/properties/colour"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("unknown property name escaped as a pointer", func(t *testing.T) {
		p := siteProps()
		p["a/b~c"] = 1
		_, err := testSites.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
		if got := fieldsOf(problemOf(t, err, 400)); !reflect.DeepEqual(got, []string{"/properties/a~1b~0c"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("unknown member of the feature", func(t *testing.T) {
		f := site(pt(87.41, 43.47), siteProps())
		f["propertes"] = map[string]any{}
		_, err := testSites.Decode(mustJSON(t, f))
		if got := fieldsOf(problemOf(t, err, 400)); !reflect.DeepEqual(got, []string{"/propertes"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("unknown member of a line", func(t *testing.T) {
		p := map[string]any{"name": "库", "stock": []any{map[string]any{"item": "水", "quantity": 1, "colour": "red"}}}
		_, err := testDepots.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
		if got := fieldsOf(problemOf(t, err, 400)); !reflect.DeepEqual(got, []string{"/properties/stock/0/colour"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("server-kept names only at the top of properties", func(t *testing.T) {
		p := map[string]any{"name": "库", "stock": []any{map[string]any{"item": "水", "quantity": 1, "version": 2}}}
		_, err := testDepots.Decode(mustJSON(t, site(pt(87.41, 43.47), p)))
		if got := fieldsOf(problemOf(t, err, 400)); !reflect.DeepEqual(got, []string{"/properties/stock/0/version"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("missing required properties and geometry", func(t *testing.T) {
		_, err := testSites.Decode([]byte(`{"type":"Feature","properties":{}}`))
		prob := problemOf(t, err, 422)
		if got := fieldsOf(prob); !reflect.DeepEqual(got, []string{"/geometry", "/properties/kind", "/properties/name"}) {
			t.Fatalf("fields %v", got)
		}
		for _, e := range prob.Errors {
			if !strings.HasPrefix(e.Detail, "必填") {
				t.Errorf("%s: %q", e.Field, e.Detail)
			}
		}
	})
	t.Run("not a feature", func(t *testing.T) {
		_, err := testSites.Decode(mustJSON(t, map[string]any{"type": "FeatureCollection", "geometry": pt(87.41, 43.47), "properties": siteProps()}))
		if got := fieldsOf(problemOf(t, err, 422)); !reflect.DeepEqual(got, []string{"/type"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("a JSON fault", func(t *testing.T) {
		for body, field := range map[string]string{
			`{"type":"Feature",`:                     "",
			`{"type":"Feature"} {}`:                  "",
			`{"type":"Feature","properties":[1]}`:    "/properties",
			`{"type":"Feature","geometry":"point"}`:  "/geometry",
			`{"type":7,"geometry":null}`:             "/type",
			`{"type":"Feature","properties":{"name"`: "",
		} {
			_, err := testSites.Decode([]byte(body))
			prob := problemOf(t, err, 400)
			got := ""
			if len(prob.Errors) > 0 {
				got = prob.Errors[0].Field
			}
			if got != field {
				t.Errorf("%s: field %q, want %q (%s)", body, got, field, prob.Detail)
			}
		}
	})
}

func TestDecodeChecksGeometry(t *testing.T) {
	ring := func(pts ...[]float64) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][]float64{pts}}
	}
	for _, c := range []struct {
		name     string
		geometry any
		status   int
		field    string
		say      string
	}{
		{"a type the layer does not take", map[string]any{"type": "LineString", "coordinates": [][]float64{{87, 43}, {88, 44}}}, 422, "/geometry/type", "请用 Point、Polygon 之一"},
		{"latitude out of range, looks swapped", pt(43.47, 91), 422, "/geometry/coordinates/1", "经纬度写反了"},
		{"latitude below the pole", pt(87.41, -90.5), 422, "/geometry/coordinates/1", "±90° 以内"},
		{"longitude out of range", pt(181, 43), 422, "/geometry/coordinates/0", "±180"},
		{"an altitude", map[string]any{"type": "Point", "coordinates": []float64{87, 43, 900}}, 422, "/geometry/coordinates", "高程"},
		{"a string for a coordinate", map[string]any{"type": "Point", "coordinates": []any{"87", 43}}, 422, "/geometry/coordinates", "两个数字"},
		{"no coordinates", map[string]any{"type": "Point"}, 422, "/geometry/coordinates", "必填"},
		{"a ring too short", ring([]float64{87, 43}, []float64{88, 43}, []float64{87, 43}), 422, "/geometry/coordinates/0", "至少需要 4"},
		{"a ring not closed", ring([]float64{87, 43}, []float64{88, 43}, []float64{88, 44}, []float64{87, 44}), 422, "/geometry/coordinates/0", "终点须与起点相同"},
		{"an empty polygon", map[string]any{"type": "Polygon", "coordinates": []any{}}, 422, "/geometry/coordinates", "不能为空"},
		{"a position where a ring goes", map[string]any{"type": "Polygon", "coordinates": []any{[]any{87}}}, 422, "/geometry/coordinates/0/0", "应为数组"},
		{"another crs", map[string]any{"type": "Point", "coordinates": []float64{87, 43},
			"crs": map[string]any{"type": "name", "properties": map[string]any{"name": "EPSG:3857"}}}, 422, "/geometry/crs", "WGS 84"},
		{"an unknown member", map[string]any{"type": "Point", "coordinates": []float64{87, 43}, "radius": 5}, 400, "/geometry/radius", "未知字段"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := testSites.Decode(mustJSON(t, site(c.geometry, siteProps())))
			prob := problemOf(t, err, c.status)
			if len(prob.Errors) != 1 || prob.Errors[0].Field != c.field || !strings.Contains(prob.Errors[0].Detail, c.say) {
				t.Fatalf("want %s: …%s…, got %+v", c.field, c.say, prob.Errors)
			}
		})
	}

	t.Run("a feature crs other than WGS 84", func(t *testing.T) {
		f := site(pt(87.41, 43.47), siteProps())
		f["crs"] = map[string]any{"type": "name", "properties": map[string]any{"name": "EPSG:4490"}}
		_, err := testSites.Decode(mustJSON(t, f))
		if got := fieldsOf(problemOf(t, err, 422)); !reflect.DeepEqual(got, []string{"/crs"}) {
			t.Fatalf("fields %v", got)
		}
	})
	t.Run("lines", func(t *testing.T) {
		line := map[string]any{"type": "LineString", "coordinates": [][]float64{{87.4, 43.5}, {87.41, 43.5}, {87.41, 43.51}}}
		multi := map[string]any{"type": "MultiLineString", "coordinates": [][][]float64{{{87.4, 43.5}, {87.41, 43.5}}, {{87.42, 43.5}, {87.43, 43.5}}}}
		for _, c := range []struct {
			geometry map[string]any
			vertices int
		}{{line, 3}, {multi, 4}} {
			in, err := testLines.Decode(mustJSON(t, site(c.geometry, map[string]any{"name": "封闭"})))
			if err != nil || in.Geometry.Type != c.geometry["type"] || in.Geometry.Vertices != c.vertices {
				t.Fatalf("%s: %v %+v", c.geometry["type"], err, in)
			}
		}
		for _, c := range []struct {
			name     string
			geometry any
			field    string
			say      string
		}{
			{"a line of one position", map[string]any{"type": "LineString", "coordinates": [][]float64{{87.4, 43.5}}}, "/geometry/coordinates", "至少需要 2"},
			{"a multiline with a part of one position", map[string]any{"type": "MultiLineString",
				"coordinates": [][][]float64{{{87.4, 43.5}, {87.41, 43.5}}, {{87.42, 43.5}}}}, "/geometry/coordinates/1", "至少需要 2"},
			{"an empty line", map[string]any{"type": "LineString", "coordinates": []any{}}, "/geometry/coordinates", "不能为空"},
		} {
			_, err := testLines.Decode(mustJSON(t, site(c.geometry, map[string]any{"name": "封闭"})))
			prob := problemOf(t, err, 422)
			if len(prob.Errors) != 1 || prob.Errors[0].Field != c.field || !strings.Contains(prob.Errors[0].Detail, c.say) {
				t.Fatalf("%s: want %s: …%s…, got %+v", c.name, c.field, c.say, prob.Errors)
			}
		}
	})
	t.Run("a multipolygon on a layer that takes polygons only", func(t *testing.T) {
		mp := map[string]any{"type": "MultiPolygon", "coordinates": [][][][]float64{{{{87, 43}, {88, 43}, {88, 44}, {87, 43}}}}}
		if _, err := testSites.Decode(mustJSON(t, site(mp, siteProps()))); err == nil {
			t.Fatal("testSites took a MultiPolygon")
		}
		in, err := testAreas.Decode(mustJSON(t, site(mp, map[string]any{"name": "区"})))
		if err != nil || in.Geometry.Type != "MultiPolygon" {
			t.Fatalf("testAreas: %v %+v", err, in)
		}
	})
}
