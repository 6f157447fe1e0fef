package layers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// siteFeatures makes n valid sensitive sites spread over the test county:
// mostly points, every tenth a small square, with text that CSV must quote
// (commas, quotes, a line break) and Chinese names.
func siteFeatures(n int) []map[string]any {
	kinds := []string{"residential", "school", "hospital", "crowded_place", "drinking_water_source"}
	out := make([]map[string]any, n)
	for i := range n {
		lon := 87.0 + float64(i%100)*0.008 + float64(i%7)*0.000013
		lat := 43.1 + float64(i/100)*0.007
		var geom any = point(round6(lon), round6(lat))
		if i%10 == 0 {
			d := 0.0005
			geom = map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
				{round6(lon), round6(lat)}, {round6(lon + d), round6(lat)}, {round6(lon + d), round6(lat + d)}, {round6(lon), round6(lat + d)}, {round6(lon), round6(lat)}}}}
		}
		p := map[string]any{"code": fmt.Sprintf("S%05d", i), "name": fmt.Sprintf("测试点 %d, \"甲\"", i),
			"kind": kinds[i%len(kinds)], "people": i % 500, "synthetic": i%2 == 0}
		if i%3 == 0 {
			p["notes"] = "line one\nline two; 分号"
		}
		if i%4 == 0 {
			p["township_code"] = "650121102"
		}
		out[i] = feature(geom, p)
	}
	return out
}

func round6(x float64) float64 {
	return float64(int64(x*1e6+0.5)) / 1e6
}

// collection writes a FeatureCollection with one feature per line, so the
// feature at index i starts on line i+2.
func collection(features []map[string]any) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range features {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		j, _ := json.Marshal(f)
		b.Write(j)
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}

func importFile(e *apitest.Env, layer, contentType string, body []byte, query string, role auth.Role) *apitest.Response {
	e.T.Helper()
	return e.Do("POST", "/api/v1/"+layer+"/import"+query, role, body, "Content-Type", contentType)
}

type report struct {
	Rows, Valid, Created, Related int
	Events                        string
	Errors                        []rowError
}

type rowError struct {
	Line, Row     int
	Field, Detail string
}

func okImport(t *testing.T, e *apitest.Env, layer, ct string, body []byte, query string) report {
	t.Helper()
	r := importFile(e, layer, ct, body, query, auth.Editor)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("import %s: %d %.2000s", layer, r.StatusCode, r.Body)
	}
	var rep report
	r.JSON(t, &rep)
	return rep
}

func export(t *testing.T, e *apitest.Env, layer, format string) []byte {
	t.Helper()
	r := e.Do("GET", "/api/v1/"+layer+"/export?format="+format, auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("export %s %s: %d %s", layer, format, r.StatusCode, r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="`+layer+"-") || !strings.HasSuffix(cd, "."+format+`"`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	return r.Body
}

// comparable turns an export into code → feature without what the server
// assigns (id, version, updated_at).
func comparable(t *testing.T, geojson []byte) map[string]map[string]any {
	t.Helper()
	var fc struct {
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal(geojson, &fc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	out := map[string]map[string]any{}
	for _, f := range fc.Features {
		p := f["properties"].(map[string]any)
		delete(p, "version")
		delete(p, "updated_at")
		delete(f, "id")
		out[p["code"].(string)] = f
	}
	return out
}

func sameFeatures(t *testing.T, what string, want, got map[string]map[string]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d features, want %d", what, len(got), len(want))
	}
	var bad []string
	for code, w := range want {
		if !reflect.DeepEqual(w, got[code]) {
			bad = append(bad, code)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		w, _ := json.Marshal(want[bad[0]])
		g, _ := json.Marshal(got[bad[0]])
		t.Fatalf("%s: %d features differ, e.g. %s:\nwant %s\ngot  %s", what, len(bad), bad[0], w, g)
	}
}

// 10,000 features in, out as GeoJSON and as CSV, and each export into a
// fresh database gives the same features back.
func TestImportExportRoundTrip10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000-row round trip")
	}
	const n = 10000
	e := apitest.Start(t)
	loadTestCounty(t, e)
	start := time.Now()
	rep := okImport(t, e, "sensitive_sites", "application/geo+json", collection(siteFeatures(n)), "")
	t.Logf("imported %d features (GeoJSON, %d with polygons) in %s", rep.Created, n/10, time.Since(start))
	if rep.Created != n || rep.Rows != n || rep.Events != "reload" || len(rep.Errors) != 0 {
		t.Fatalf("report %+v", rep)
	}
	if got := e.Count(`SELECT count(*) FROM sensitive_sites`); got != n {
		t.Fatalf("%d stored", got)
	}
	// Every feature is audited under the editor's name; the live stream gets
	// one reload event instead of ten thousand creates.
	if got := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'sensitive_sites' AND action = 'create' AND actor_name = 'editor'`); got != n {
		t.Fatalf("%d audit rows", got)
	}
	if got := e.Count(`SELECT count(*) FROM events WHERE topic = 'sensitive_sites' AND action = 'reload' AND data->>'created' = '10000'`); got != 1 {
		t.Fatalf("%d reload events", got)
	}
	if got := e.Count(`SELECT count(*) FROM events WHERE topic = 'sensitive_sites'`); got != 1 {
		t.Fatalf("%d events in all", got)
	}

	start = time.Now()
	gj := export(t, e, "sensitive_sites", "geojson")
	csvFile := export(t, e, "sensitive_sites", "csv")
	t.Logf("exported GeoJSON (%d bytes) and CSV (%d bytes) in %s", len(gj), len(csvFile), time.Since(start))
	if !bytes.HasPrefix(csvFile, []byte("\xEF\xBB\xBFid,wkt,code,name,kind")) {
		t.Fatalf("CSV header: %.80q", csvFile)
	}
	want := comparable(t, gj)

	for _, c := range []struct {
		format, ct string
		body       []byte
	}{{"geojson", "application/geo+json", gj}, {"csv", "text/csv", csvFile}} {
		fresh := apitest.Start(t)
		loadTestCounty(t, fresh)
		start := time.Now()
		rep := okImport(t, fresh, "sensitive_sites", c.ct, c.body, "")
		t.Logf("re-imported the %s export in %s", c.format, time.Since(start))
		if rep.Created != n {
			t.Fatalf("%s re-import: %+v", c.format, rep)
		}
		sameFeatures(t, c.format+" round trip", want, comparable(t, export(t, fresh, "sensitive_sites", "geojson")))
		if c.format == "csv" {
			if again := export(t, fresh, "sensitive_sites", "csv"); !bytes.Equal(dropServerColumns(t, again), dropServerColumns(t, csvFile)) {
				t.Fatal("the CSV export of the re-imported layer differs from the original CSV")
			}
		}
	}
}

// dropServerColumns blanks id, version and updated_at in a CSV export.
func dropServerColumns(t *testing.T, b []byte) []byte {
	t.Helper()
	// id is the first column, version and updated_at the last two; none of
	// them is quoted, but other cells may span lines, so go through csv.
	rows := readCSV(t, b)
	var out bytes.Buffer
	for _, r := range rows {
		r[0], r[len(r)-2], r[len(r)-1] = "", "", ""
		j, _ := json.Marshal(r)
		out.Write(j)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func errorsAt(errs []rowError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%d:%d:%s", e.Line, e.Row, e.Field)
	}
	return out
}

// A dry run checks every row, the database checks included, and lists
// every fault with its line; a real run of the same file is a 422 with the
// same list; neither stores, audits or publishes anything.
func TestImportReportsEveryBadRowWithItsLine(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	stored := hazardProps(line("氯", 1))
	stored["code"] = "HZ-STORED"
	create(t, e, "hazard_sources", feature(point(seatLon, seatLat), stored))
	counts := func() [3]int {
		return [3]int{e.Count(`SELECT count(*) FROM hazard_sources`), e.Count(`SELECT count(*) FROM audit_log`), e.Count(`SELECT count(*) FROM events`)}
	}
	before := counts()

	hz := func(i int, geom any, mutate func(p map[string]any)) map[string]any {
		p := hazardProps(line("氯", 1))
		p["name"] = fmt.Sprintf("单元%d", i)
		p["code"] = fmt.Sprintf("HZ-%d", i)
		if mutate != nil {
			mutate(p)
		}
		return feature(geom, p)
	}
	site := point(seatLon, seatLat)
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.47}, {87.41, 43.48}, {87.41, 43.47}, {87.40, 43.48}, {87.40, 43.47}}}}
	features := []map[string]any{
		hz(0, site, nil),
		hz(1, site, func(p map[string]any) { p["name"] = 42 }),                             // a number for a string
		hz(2, site, func(p map[string]any) { delete(p, "enterprise") }),                    // missing
		hz(3, point(87.41, 95.0), nil),                                                     // latitude out of range
		hz(4, bowtie, nil),                                                                 // self-intersecting
		hz(5, site, func(p map[string]any) { p["code"] = "HZ-0" }),                         // same code as row 0
		hz(6, site, func(p map[string]any) { p["code"] = "HZ-STORED" }),                    // already stored
		hz(7, site, func(p map[string]any) { p["inventory"] = []any{line("不存在的化学品", 1)} }), // unknown chemical
		hz(8, site, nil),
	}
	body := collection(features)
	want := []string{
		"3:1:/features/1/properties/name",
		"4:2:/features/2/properties/enterprise",
		"5:3:/features/3/geometry/coordinates/1",
		"6:4:/features/4/geometry",
		"7:5:/features/5/properties/code",
		"8:6:/features/6/properties/code",
		"9:7:/features/7/properties/inventory/0/chemical",
	}

	rep := okImport(t, e, "hazard_sources", "application/geo+json", body, "?dry_run=true")
	if got := errorsAt(rep.Errors); !reflect.DeepEqual(got, want) {
		t.Fatalf("dry run errors\n got %v\nwant %v\n%+v", got, want, rep.Errors)
	}
	if rep.Rows != 9 || rep.Valid != 2 || rep.Created != 0 {
		t.Fatalf("dry run report %+v", rep)
	}
	if !strings.Contains(rep.Errors[4].Detail, "第 2 行") {
		t.Fatalf("in-file duplicate does not name the first line: %q", rep.Errors[4].Detail)
	}
	if counts() != before {
		t.Fatalf("dry run changed something: %v → %v", before, counts())
	}

	r := importFile(e, "hazard_sources", "application/geo+json", body, "", auth.Editor)
	p := apitest.ExpectProblem(t, r, 422)
	var prob struct{ Rows []rowError }
	r.JSON(t, &prob)
	if got := errorsAt(prob.Rows); !reflect.DeepEqual(got, want) {
		t.Fatalf("422 rows\n got %v\nwant %v", got, want)
	}
	if !strings.Contains(p["detail"].(string), "未保存任何数据") {
		t.Fatalf("detail %q", p["detail"])
	}
	if counts() != before {
		t.Fatalf("failed import changed something: %v → %v", before, counts())
	}

	// CSV: lines are physical lines, a quoted cell spanning two lines included.
	csvBody := "\xEF\xBB\xBFcode,name,kind,lon,lat,notes\n" +
		"A1,甲,school,87.41,43.47,\n" + // line 2
		"A2,乙,school,87.42,43.47,\"two\nlines\"\n" + // lines 3-4
		"A3,丙,castle,87.43,43.47,\n" + // line 5: bad kind
		"A4,丁,school,abc,43.47,\n" + // line 6: lon not a number
		"A5,戊,school,87.44,95,\n" + // line 7: latitude out of range
		"A6,己,school,87.45,43.47\n" + // line 8: a cell short
		"A1,庚,school,87.46,43.47,\n" // line 9: same code as line 2
	rep = okImport(t, e, "sensitive_sites", "text/csv", []byte(csvBody), "?dry_run=true")
	wantCSV := []string{"5:3:kind", "6:4:lon", "7:5:lat", "8:6:", "9:7:code"}
	if got := errorsAt(rep.Errors); !reflect.DeepEqual(got, wantCSV) {
		t.Fatalf("CSV errors\n got %v\nwant %v\n%+v", got, wantCSV, rep.Errors)
	}
	for _, re := range rep.Errors {
		// A CSV has lon and lat columns: no words about GeoJSON's order.
		if strings.Contains(re.Detail, "GeoJSON") {
			t.Errorf("CSV line %d: %q", re.Line, re.Detail)
		}
	}
	if e.Count(`SELECT count(*) FROM sensitive_sites`) != 0 {
		t.Fatal("dry run stored sites")
	}
}

// One bad row among a thousand: nothing stored, audited or published; the
// same file with the row fixed goes in whole.
func TestImportIsAllOrNothing(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	features := siteFeatures(1000)
	features[500]["properties"].(map[string]any)["people"] = -3
	var b strings.Builder
	b.WriteString("code,name,kind,people,lon,lat\n")
	for _, f := range features {
		p := f["properties"].(map[string]any)
		lon, lat := 87.2, 43.3
		if g, ok := f["geometry"].(map[string]any); ok && g["type"] == "Point" {
			c := g["coordinates"].([]float64)
			lon, lat = c[0], c[1]
		}
		fmt.Fprintf(&b, "%s,%s,%s,%v,%v,%v\n", p["code"], strings.ReplaceAll(strings.ReplaceAll(p["name"].(string), ",", ""), `"`, ""), p["kind"], p["people"], lon, lat)
	}
	audit, events := e.Count(`SELECT count(*) FROM audit_log`), e.Count(`SELECT count(*) FROM events`)
	r := importFile(e, "sensitive_sites", "text/csv", []byte(b.String()), "", auth.Editor)
	apitest.ExpectProblem(t, r, 422)
	var prob struct{ Rows []rowError }
	r.JSON(t, &prob)
	if got := errorsAt(prob.Rows); !reflect.DeepEqual(got, []string{"502:501:people"}) {
		t.Fatalf("rows %v", got)
	}
	if n := e.Count(`SELECT count(*) FROM sensitive_sites`); n != 0 {
		t.Fatalf("%d sites stored", n)
	}
	if e.Count(`SELECT count(*) FROM registry_history`) != 0 || e.Count(`SELECT count(*) FROM audit_log`) != audit || e.Count(`SELECT count(*) FROM events`) != events {
		t.Fatal("history, audit or events changed")
	}
	fixed := strings.Replace(b.String(), ",-3,", ",3,", 1)
	rep := okImport(t, e, "sensitive_sites", "text/csv", []byte(fixed), "")
	if rep.Created != 1000 || rep.Events != "reload" {
		t.Fatalf("report %+v", rep)
	}
	if n := e.Count(`SELECT count(*) FROM sensitive_sites`); n != 1000 {
		t.Fatalf("%d sites stored", n)
	}
}

// CSV with lon/lat (shelters: tags ;-separated) and with WKT (sites:
// polygons, EWKT; teams: a point property as WKT and a JSON line list).
// A small import streams one create event per feature.
func TestImportCSVLonLatAndWKT(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	shelters := "code,name,class,capacity,status,occupancy,facilities,lat,lon\n" +
		"SH1,一号避难所,emergency,500,open,20,water; power ;toilets,43.474,87.41\n" +
		`SH2,二号避难所,long_term,100,closed,0,"[""water;filtered""]",43.48,87.42` + "\n"
	rep := okImport(t, e, "shelters", "text/csv; charset=utf-8", []byte(shelters), "")
	if rep.Created != 2 || rep.Events != "per-feature" {
		t.Fatalf("shelters %+v", rep)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters' AND action = 'create' AND data->>'type' = 'Feature'`); n != 2 {
		t.Fatalf("%d create events", n)
	}
	if n := e.Count(`SELECT count(*) FROM shelters WHERE code = 'SH1' AND facilities = '{water,power,toilets}' AND ST_Equals(geom, ST_SetSRID(ST_MakePoint(87.41, 43.474), 4326))`); n != 1 {
		t.Fatal("SH1 not stored as sent")
	}
	if n := e.Count(`SELECT count(*) FROM shelters WHERE code = 'SH2' AND facilities = '{water;filtered}'`); n != 1 {
		t.Fatal("SH2's JSON tags not stored as sent")
	}

	sites := "wkt,code,name,kind\n" +
		"\"POLYGON((87.40 43.47,87.401 43.47,87.401 43.471,87.40 43.471,87.40 43.47))\",W1,村,residential\n" +
		"SRID=4326;POINT(87.42 43.48),W2,校,school\n" +
		"SRID=3857;POINT(9730000 5380000),W3,站,station\n" +
		"POINT(87.42,W4,站,station\n"
	rep = okImport(t, e, "sensitive_sites", "text/csv", []byte(sites), "?dry_run=true")
	if got := errorsAt(rep.Errors); !reflect.DeepEqual(got, []string{"4:3:wkt", "5:4:wkt"}) {
		t.Fatalf("WKT errors %v %+v", got, rep.Errors)
	}
	sites = strings.Join(strings.Split(sites, "\n")[:3], "\n") + "\n"
	if rep = okImport(t, e, "sensitive_sites", "text/csv", []byte(sites), ""); rep.Created != 2 {
		t.Fatalf("sites %+v", rep)
	}
	if n := e.Count(`SELECT count(*) FROM sensitive_sites WHERE code = 'W1' AND GeometryType(geom) = 'POLYGON'`); n != 1 {
		t.Fatal("W1 polygon not stored")
	}

	teams := "lon,lat,code,name,kind,headcount,status,equipment,last_position,observed_at,capabilities\n" +
		`87.41,43.47,T1,消防一队,fire_rescue,30,available,"[{""item"":""水罐车"",""quantity"":2,""unit"":""辆""}]",POINT(87.5 43.6),2024-05-01T08:00:00+08:00,hazmat;rope_rescue` + "\n"
	if rep = okImport(t, e, "rescue_teams", "text/csv", []byte(teams), ""); rep.Created != 1 {
		t.Fatalf("teams %+v", rep)
	}
	out := readCSV(t, export(t, e, "rescue_teams", "csv"))
	got := map[string]string{}
	for i, h := range out[0] {
		got[h] = out[1][i]
	}
	if got["last_position"] != "POINT(87.5 43.6)" || got["capabilities"] != "hazmat;rope_rescue" ||
		got["equipment"] != `[{"item": "水罐车", "unit": "辆", "quantity": 2}]` || !strings.HasPrefix(got["observed_at"], "2024-05-01T00:00:00") {
		t.Fatalf("team export %v", got)
	}
}

// A population import re-grades each nearby hazard source once, against
// all the new cells, not once per cell.
func TestPopulationImportRegradesOnce(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	src := create(t, e, "hazard_sources", feature(point(seatLon, seatLat), hazardProps(line("氯", 10))))
	var cells []map[string]any
	for i := range 40 {
		cells = append(cells, feature(square(float64(i%8)*60-210, 50), map[string]any{
			"code": fmt.Sprintf("C%d", i), "night_people": 3}))
		// Spread the cells north too, all within 500 m of the source.
		g := cells[i]["geometry"].(map[string]any)["coordinates"].([][][]float64)
		for _, p := range g[0] {
			p[1] += float64(i/8) * 60 / mLat
		}
	}
	rep := okImport(t, e, "population_cells", "application/geo+json", collection(cells), "")
	if rep.Created != 40 || rep.Related != 1 {
		t.Fatalf("report %+v", rep)
	}
	p := props(t, e, "hazard_sources", src.ID)
	if p["version"].(float64) != 2 || p["people_within_500m"].(float64) != 120 {
		t.Fatalf("source after import: version %v, people %v", p["version"], p["people_within_500m"])
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'hazard_sources' AND action = 'update'`); n != 1 {
		t.Fatalf("%d re-grade audit rows", n)
	}
}

func TestImportExportPermissionsAndParameters(t *testing.T) {
	e := apitest.Start(t)
	body := []byte(`{"type":"FeatureCollection","features":[]}`)
	apitest.ExpectProblem(t, importFile(e, "shelters", "application/geo+json", body, "", auth.Viewer), 403)
	apitest.ExpectProblem(t, importFile(e, "shelters", "application/geo+json", body, "", ""), 401)
	apitest.ExpectProblem(t, importFile(e, "shelters", "application/xml", body, "", auth.Editor), 415)
	apitest.ExpectProblem(t, importFile(e, "shelters", "application/geo+json", body, "?dry_run=maybe", auth.Editor), 400)
	apitest.ExpectProblem(t, importFile(e, "shelters", "application/geo+json", []byte(`{"type":"Feature"}`), "", auth.Editor), 400)
	apitest.ExpectProblem(t, importFile(e, "shelters", "text/csv", []byte("name,colour\n"), "", auth.Editor), 400)
	apitest.ExpectProblem(t, importFile(e, "shelters", "text/csv", []byte("name,lon,lat\n\xB1\xB1\xBE\xA9,87,43\n"), "", auth.Editor), 400)
	if rep := okImport(t, e, "shelters", "application/geo+json", body, ""); rep.Created != 0 {
		t.Fatalf("empty import %+v", rep)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/shelters/export?format=xml", auth.Viewer, nil), 400)
	apitest.ExpectProblem(t, e.Do("GET", "/api/v1/shelters/export", "", nil), 401)
	if r := e.Do("GET", "/api/v1/shelters/export", auth.Viewer, nil); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/geo+json" ||
		string(r.Body) != "{\"type\":\"FeatureCollection\",\"name\":\"shelters\",\"features\":[\n]}\n" {
		t.Fatalf("empty export: %d %q", r.StatusCode, r.Body)
	}
}
