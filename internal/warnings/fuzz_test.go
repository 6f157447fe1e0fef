package warnings

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// FuzzWarningBody: no body of an issue (POST) or adjust (PUT) makes the
// handlers' decoding and the rules panic; a refusal is a client problem
// naming fields by JSON Pointer (403 for a level the role may not publish);
// what is accepted has the area the body drew and publishes as CAP 1.2.
func FuzzWarningBody(f *testing.F) {
	ring := `[[87.4,43.5],[87.5,43.5],[87.5,43.6],[87.4,43.6],[87.4,43.5]]`
	good := `{"level":"yellow","category":"hazardous_chemicals","event":"液氨储罐泄漏风险","description":"储罐区可能泄漏",` +
		`"area":{"type":"Polygon","coordinates":[` + ring + `]},"area_desc":"板房沟镇某化工企业及周边1公里",` +
		`"onset":"2025-06-01T10:00:00+08:00","expires":"2025-06-02T10:00:00+08:00",` +
		`"items":["周边1公里内人员做好疏散准备","禁止无关车辆进入"]}`
	for _, s := range []string{
		good,
		strings.Replace(good, `"level":"yellow"`, `"level":"red","drill":true,"authority":"乌鲁木齐县人民政府","incident_id":7`, 1),
		strings.Replace(good, `{"type":"Polygon","coordinates":[`+ring+`]}`, `{"type":"MultiPolygon","coordinates":[[`+ring+`],[`+ring+`]]}`, 1),
		strings.Replace(good, ring, ring+`,[[87.41,43.51],[87.42,43.51],[87.42,43.52],[87.41,43.51]]`, 1),
		strings.Replace(good, ring, `[[87.4,43.5],[87.5,43.5],[87.5,43.6],[87.4,43.5]]`, 1),
		strings.Replace(good, ring, `[[87.4,43.5,900],[87.5,43.5,900],[87.5,43.6,900],[87.4,43.5,900]]`, 1),
		strings.Replace(good, `"coordinates":[`+ring+`]`, `"coordinates":null`, 1),
		strings.Replace(good, `"type":"Polygon"`, `"type":"Point"`, 1),
		strings.Replace(good, `"level":"yellow"`, `"level":"purple"`, 1),
		strings.Replace(good, `"onset":"2025-06-01T10:00:00+08:00"`, `"onset":"2025-06-01 10:00"`, 1),
		strings.Replace(good, `"event":"液氨储罐泄漏风险"`, `"event":"液氨\u0000"`, 1),
		strings.Replace(good, `"event":"液氨储罐泄漏风险"`, `"event":"液氨\u0007\ufffe"`, 1),
		strings.Replace(good, `"event":"液氨储罐泄漏风险"`, "\"event\":\"\xff\xfe\"", 1),
		strings.Replace(good, ring, `[[1e400,43.5],[87.5,43.5],[87.5,43.6],[87.4,43.5]]`, 1),
		strings.Replace(good, `"items":[`, `"items":[1,`, 1),
		strings.Replace(good, `"level"`, `"colour":"red","level"`, 1),
		`{"level":"blue"}`, `{}`, `null`, `[]`, ``, `{"level":'blue'}`, `{"area":` + strings.Repeat("[", 10001) + `}`,
	} {
		f.Add([]byte(s))
	}
	base, issued := fuzzBase(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, role := range []string{"duty_officer", "commander"} {
			for _, adjust := range []bool{false, true} {
				w, err := fuzzWarning(role, body, base, issued, adjust)
				if err != nil {
					inputtest.RefusedBody(t, body, err)
					continue
				}
				checkPublishable(t, body, w)
			}
		}
	})
}

// fuzzBase is the active warning an adjustment changes, and the stamp of
// the new version.
func fuzzBase(f *testing.F) (Warning, Stamp) {
	base, err := New("commander", draft(f))
	if err != nil {
		f.Fatal(err)
	}
	return base, stamp(f, t0.Add(time.Hour), 1)
}

// fuzzWarning does what the issue (or adjust) handler and the store do
// with a body before the database: decode, turn into a Warning, stamp it,
// and check it by the rules, every error mapped as the handler maps it.
func fuzzWarning(role string, body []byte, base Warning, st Stamp, adjust bool) (Warning, error) {
	var b issueBody
	if err := api.DecodeJSONBytes(body, &b); err != nil {
		return Warning{}, err
	}
	next, ptrs, err := b.warning()
	if err != nil {
		if l, perr := ParseLevel(b.Level); perr == nil && !adjust {
			if ferr := CheckIssue(role, l); ferr != nil {
				return Warning{}, problemOf(ferr, nil)
			}
		}
		return Warning{}, problemOf(err, nil)
	}
	var w Warning
	if adjust {
		if b.Drill == nil {
			next.Drill = base.Drill
		}
		next.Identifier, next.IssuedAt = st.Identifier, st.IssuedAt
		w, _, err = base.Adjust(role, next)
	} else {
		w, err = New(role, withStamp(next, st))
	}
	if err != nil {
		return Warning{}, problemOf(err, ptrs)
	}
	return w, nil
}

// capTime is CAP 1.2's dateTime; XML Schema has no year 0.
var capTime = regexp.MustCompile(`^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`)

// checkPublishable fails t unless w holds the area body drew, position by
// position, and is a well-formed CAP 1.2 document whose times the schema
// takes.
func checkPublishable(t *testing.T, body []byte, w Warning) {
	t.Helper()
	var b issueBody
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("%q: accepted, but is not JSON: %v", body, err)
	}
	area, err := w.Area.GeoJSON()
	if err != nil {
		t.Fatal(err)
	}
	inputtest.SameGeometry(t, body, b.Area, string(area))
	doc, err := w.CAP()
	if err != nil {
		t.Fatalf("%q: accepted, but CAP: %v", body, err)
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var elem string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%q: CAP is not well-formed XML: %v\n%s", body, err, doc)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			elem = x.Name.Local
		case xml.CharData:
			switch elem {
			case "sent", "effective", "onset", "expires":
				m := capTime.FindStringSubmatch(string(x))
				if m == nil || m[1] == "0000" {
					t.Fatalf("%q: CAP <%s> %q is not an XML Schema dateTime", body, elem, x)
				}
			}
		case xml.EndElement:
			elem = ""
		}
	}
}
