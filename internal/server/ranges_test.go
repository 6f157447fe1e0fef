package server_test

import (
	"slices"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Numbers beyond what the database stores are refused at the field that
// holds them (422), never passed on to fail inside a write (500).
func TestNumbersOutOfRangeNameTheirField(t *testing.T) {
	e := apitest.Start(t)
	incident := func(deaths any) map[string]any {
		at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		return map[string]any{"kind": "hazardous_chemicals", "place": "测试地点", "drill": true, "occurred_at": at, "reported_at": at,
			"location":   map[string]any{"type": "Point", "coordinates": []float64{87.45, 43.5}},
			"casualties": map[string]any{"deaths": deaths}}
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"deaths of 2^31", "POST", "/api/v1/incidents", incident(2147483648), "/casualties/deaths"},
		{"deaths of 1e20", "POST", "/api/v1/incidents", incident(1e20), "/casualties/deaths"},
		{"max_age_s of 1e20", "GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&max_age_s=1e20", nil, "max_age_s"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.Count(`SELECT count(*) FROM audit_log`)
			r := e.Do(c.method, c.path, auth.Admin, c.body)
			if r.StatusCode != 400 && r.StatusCode != 422 {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			p := apitest.ExpectProblem(t, r, r.StatusCode)
			if !slices.Contains(apitest.FieldsOf(p), c.field) {
				t.Errorf("fields %v, want %q", apitest.FieldsOf(p), c.field)
			}
			if after := e.Count(`SELECT count(*) FROM audit_log`); after != before {
				t.Errorf("audit rows %d -> %d", before, after)
			}
		})
	}
}
