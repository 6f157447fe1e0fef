package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Every error, from every layer, is problem+json with a stable type.
func TestErrorsAreProblems(t *testing.T) {
	e := apitest.Start(t)
	big := `{"label":"` + strings.Repeat("x", 2<<20) + `"}`
	cases := []struct {
		name       string
		method     string
		path       string
		role       auth.Role
		body       any
		status     int
		wantField  string
		wantTypeIn string
	}{
		{"unknown route", "GET", "/api/v1/nowhere", auth.Viewer, nil, 404, "", "not-found"},
		{"unknown route without credentials", "GET", "/nowhere/at/all", "", nil, 404, "", "not-found"},
		{"wrong method", "PUT", "/api/v1/auth/me", auth.Viewer, nil, 405, "", "method-not-allowed"},
		{"bad JSON", "POST", "/api/v1/tokens", auth.Viewer, `{"label": `, 400, "", "malformed-request"},
		{"wrong type", "POST", "/api/v1/tokens", auth.Viewer, `{"label": 5}`, 400, "/label", "malformed-request"},
		{"unknown field", "POST", "/api/v1/tokens", auth.Viewer, `{"lable": "x"}`, 400, "/lable", "malformed-request"},
		{"two values", "POST", "/api/v1/tokens", auth.Viewer, `{} {}`, 400, "", "malformed-request"},
		{"too large", "POST", "/api/v1/tokens", auth.Viewer, big, 413, "", "too-large"},
		{"bad role", "POST", "/api/v1/users", auth.Admin, map[string]any{"name": "zed", "role": "king"}, 422, "/role", "invalid-field"},
		{"bad name", "POST", "/api/v1/users", auth.Admin, map[string]any{"name": "Zed Smith", "role": "viewer"}, 422, "/name", "invalid-field"},
		{"short password", "POST", "/api/v1/users", auth.Admin, map[string]any{"name": "zed", "role": "viewer", "password": "short"}, 422, "/password", "invalid-field"},
		{"duplicate", "POST", "/api/v1/users", auth.Admin, map[string]any{"name": "viewer", "role": "viewer"}, 409, "/name", "conflict"},
		{"bad id", "DELETE", "/api/v1/tokens/abc", auth.Viewer, nil, 400, "id", "malformed-request"},
		{"bad audit limit", "GET", "/api/v1/audit?limit=0", auth.Admin, nil, 422, "limit", "invalid-field"},
		{"login missing fields", "POST", "/api/v1/auth/login", "", map[string]any{}, 422, "/name", "invalid-field"},
		{"login wrong password", "POST", "/api/v1/auth/login", "", map[string]any{"name": "viewer", "password": "wrong-wrong-wrong"}, 401, "", "unauthenticated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			auditBefore := e.Count(`SELECT count(*) FROM audit_log`)
			p := apitest.ExpectProblem(t, e.Do(c.method, c.path, c.role, c.body), c.status)
			if !strings.HasSuffix(p["type"].(string), ":"+c.wantTypeIn) {
				t.Errorf("type %q, want ...:%s", p["type"], c.wantTypeIn)
			}
			if c.wantField != "" && !slices.Contains(apitest.FieldsOf(p), c.wantField) {
				t.Errorf("fields %v, want %q", apitest.FieldsOf(p), c.wantField)
			}
			// A failed write leaves no trace.
			if after := e.Count(`SELECT count(*) FROM audit_log`); after != auditBefore {
				t.Errorf("audit rows %d -> %d after a failed request", auditBefore, after)
			}
		})
	}
	// A database error's text never reaches the client: a duplicate user is
	// a 409 in our words, not PostgreSQL's.
	r := e.Do("POST", "/api/v1/users", auth.Admin, map[string]any{"name": "viewer", "role": "viewer"})
	if strings.Contains(string(r.Body), "duplicate key") || strings.Contains(string(r.Body), "SQLSTATE") {
		t.Fatalf("database error leaked: %s", r.Body)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := apitest.Start(t)
	if r := e.Do("GET", "/healthz", "", nil); r.StatusCode != 200 {
		t.Fatalf("healthz %d", r.StatusCode)
	}
	if r := e.Do("GET", "/readyz", "", nil); r.StatusCode != 200 {
		t.Fatalf("readyz %d %s", r.StatusCode, r.Body)
	}
	e.Do("GET", "/api/v1/boundaries", auth.Viewer, nil)
	// Metrics are an operator's: no credentials, no metrics.
	apitest.ExpectProblem(t, e.Do("GET", "/metrics", "", nil), http.StatusUnauthorized)
	apitest.ExpectProblem(t, e.Do("GET", "/metrics", auth.Viewer, nil), http.StatusForbidden)
	r := e.Do("GET", "/metrics", auth.Admin, nil)
	for _, want := range []string{
		`sitrep_http_requests_total{method="GET",route="/api/v1/boundaries",status="200"} 1`,
		`sitrep_http_request_duration_seconds_bucket{method="GET",route="/api/v1/boundaries"`,
	} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Not ready when the schema is behind: roll the version table back.
	if _, err := e.Pool.Exec(t.Context(), `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	apitest.ExpectProblem(t, e.Do("GET", "/readyz", "", nil), http.StatusServiceUnavailable)
}
