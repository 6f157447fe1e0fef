package server_test

import (
	"net/http"
	"slices"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// PostgreSQL text cannot hold U+0000: it is refused where it enters — a JSON
// body, a query parameter, the path — naming where, and nothing is stored.
// Nor bytes that are not UTF-8: JSON decoding replaces them, a query
// parameter is refused (it once reached a list filter's SQL as a 500).
func TestNULIsRefusedWhereItEnters(t *testing.T) {
	e := apitest.Start(t)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"JSON string", "POST", "/api/v1/tokens", `{"label":"平板\u00003"}`, 422, "/label"},
		{"JSON member name", "POST", "/api/v1/tokens", `{"lab\u0000el":"x"}`, 400, ""},
		{"query value", "GET", "/api/v1/audit?entity=a%00b", nil, 400, "entity"},
		{"query name", "GET", "/api/v1/audit?ent%00ity=x", nil, 400, "ent\x00ity"},
		{"path", "GET", "/api/v1/incidents/1%00", nil, 400, "path"},
		{"query value not UTF-8", "GET", "/api/v1/shelters?facilities=%FF", nil, 400, "facilities"},
		{"query value not UTF-8 in a CQL2 filter", "GET", "/ogc/collections/shelters/items?filter=name%3D%27%FF%27", nil, 400, "filter"},
		{"query name not UTF-8", "GET", "/api/v1/shelters?%FF=x", nil, 400, "\ufffd"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.Count(`SELECT count(*) FROM audit_log`)
			p := apitest.ExpectProblem(t, e.Do(c.method, c.path, auth.Admin, c.body), c.status)
			if c.field != "" && !slices.Contains(apitest.FieldsOf(p), c.field) {
				t.Errorf("fields %q, want %q", apitest.FieldsOf(p), c.field)
			}
			if after := e.Count(`SELECT count(*) FROM audit_log`); after != before {
				t.Errorf("audit rows %d -> %d", before, after)
			}
		})
	}
	if r := e.Do("GET", "/api/v1/auth/me", auth.Viewer, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the server is unwell after NULs: %d", r.StatusCode)
	}
}
