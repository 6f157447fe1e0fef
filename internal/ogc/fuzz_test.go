package ogc

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sitrep/internal/api"
	"sitrep/internal/inputtest"
)

// FuzzParseItems: no query string of …/items makes parseItems panic; a
// refusal is a 400 naming a parameter sent; an accepted query is within
// its bounds, carries the input into SQL only as bound values (finite
// numbers, text PostgreSQL can hold), with one value per placeholder.
func FuzzParseItems(f *testing.F) {
	for _, s := range []string{
		"", "f=json&limit=5&after=3", "limit=100000", "limit=0", "after=-1", "limit=99999999999999999999",
		"bbox=87.299,43.399,87.351,43.431", "bbox=87,43,0,88,44,100", "bbox=1,2,3",
		"bbox=-Inf,-90,Inf,90", "bbox=88,43,87,44", "bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84", "crs=EPSG:3857",
		"datetime=2024-05-01T00:00:00Z", "datetime=2024-05-01", "datetime=2024-05-01/..", "datetime=../2024-05-02T00:00:00Z",
		"datetime=../..", "datetime=2024-05-02T00:00:00Z/2024-05-01T00:00:00Z", "datetime=a/b/c", "datetime=0000-01-01",
		"filter-lang=cql2-text&filter=" + url.QueryEscape("kind = 'fire' AND deaths >= 3 OR place LIKE '%厂'"),
		"filter=" + url.QueryEscape("occurred_at >= TIMESTAMP('2024-01-01T00:00:00Z') AND NOT drill"),
		"filter=" + url.QueryEscape("status = 'a'; DROP TABLE incidents"), "filter=nope%3D1", "filter-lang=cql2-json&filter=x",
		"filter=" + url.QueryEscape("deaths BETWEEN -1 AND 1e400"), "colour=red", "limit=1&limit=2", "f=%00",
	} {
		f.Add(s)
	}
	c := incidentsCollection()
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as r.URL.Query(): a malformed pair is dropped
		if api.QueryProblem(q) != nil {
			return // the server refuses it before any handler (see server.refuseUnstorableText)
		}
		iq, err := c.parseItems(q)
		if err != nil {
			inputtest.RefusedQuery(t, raw, q, err)
			return
		}
		if iq.limit < 1 || iq.limit > MaxLimit || iq.after < 0 {
			t.Fatalf("%q: limit %d after %d", raw, iq.limit, iq.after)
		}
		sql := strings.Join(iq.where, " AND ")
		if strings.ContainsAny(sql, "';") {
			t.Fatalf("%q produced SQL with input text: %s", raw, sql)
		}
		for n := 1; n <= len(iq.args); n++ {
			if !strings.Contains(sql, "$"+strconv.Itoa(n)) {
				t.Fatalf("%q: $%d of %d args unused: %s", raw, n, len(iq.args), sql)
			}
		}
		if strings.Contains(sql, "$"+strconv.Itoa(len(iq.args)+1)) {
			t.Fatalf("%q: more placeholders than %d args: %s", raw, len(iq.args), sql)
		}
		for _, a := range iq.args {
			switch v := a.(type) {
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%q: binds %v: %s", raw, v, sql)
				}
			case string:
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					t.Fatalf("%q: binds %q, which PostgreSQL text cannot hold: %s", raw, v, sql)
				}
			case time.Time:
				if v.IsZero() {
					t.Fatalf("%q: binds the zero time: %s", raw, sql)
				}
			}
		}
	})
}
