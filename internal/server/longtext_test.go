package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sitrep/internal/api"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// Text has a size: a name or a place has a limit of its own, any other text
// in a body at most api.MaxTextRunes characters, and a date a year people
// write. Beyond that a write is refused naming the field, and nothing is
// stored: a megabyte in a note would otherwise be audited, streamed to every
// wall and printed.
func TestOverlongTextIsRefused(t *testing.T) {
	e := apitest.Start(t)
	inc := e.Do("POST", "/api/v1/incidents", auth.Dispatcher, map[string]any{
		"kind": "fire", "place": "县城某仓库", "occurred_at": "2026-06-01T10:00:00+08:00"})
	if inc.StatusCode != 201 {
		t.Fatalf("incident: %d %s", inc.StatusCode, inc.Body)
	}
	var created struct{ ID any }
	inc.JSON(t, &created)
	incPath := fmt.Sprintf("/api/v1/incidents/%v", created.ID)
	long := func(n int) string { return strings.Repeat("长", n) }
	cases := []struct {
		name, method, path string
		role               auth.Role
		body               any
		field              string
	}{
		{"token label", "POST", "/api/v1/tokens", auth.Admin, map[string]any{"label": long(101)}, "/label"},
		{"display name", "POST", "/api/v1/users", auth.Admin,
			map[string]any{"name": "li.lei", "role": "viewer", "display_name": long(101)}, "/display_name"},
		{"incident place", "POST", "/api/v1/incidents", auth.Dispatcher,
			map[string]any{"kind": "fire", "place": long(201), "occurred_at": "2026-06-01T10:00:00+08:00"}, "/place"},
		{"incident unit", "PATCH", incPath, auth.Dispatcher, map[string]any{"unit": long(201)}, "/unit"},
		{"incident in year 0", "POST", "/api/v1/incidents", auth.Dispatcher,
			map[string]any{"kind": "fire", "place": "某地", "occurred_at": "0000-01-01T00:00:00Z"}, "/occurred_at"},
		{"a report's course", "POST", incPath + "/reports", auth.Dispatcher,
			map[string]any{"kind": "first", "tier": "county", "content": map[string]any{"course": long(api.MaxTextRunes + 1)}}, "/content/course"},
		{"a shelter's name", "POST", "/api/v1/shelters", auth.Editor, map[string]any{"type": "Feature",
			"geometry":   map[string]any{"type": "Point", "coordinates": []float64{87.5, 43.5}},
			"properties": map[string]any{"name": long(api.MaxTextRunes + 1), "capacity": 10}}, "/properties/name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.Count(`SELECT count(*) FROM audit_log`)
			headers := []string{}
			if c.method == "PATCH" {
				headers = append(headers, "If-Match", e.Do("GET", c.path, auth.Viewer, nil).Header.Get("ETag"))
			}
			p := apitest.ExpectProblem(t, e.Do(c.method, c.path, c.role, c.body, headers...), 422)
			if !slices.Contains(apitest.FieldsOf(p), c.field) {
				t.Errorf("fields %q, want %q", apitest.FieldsOf(p), c.field)
			}
			if after := e.Count(`SELECT count(*) FROM audit_log`); after != before {
				t.Errorf("audit rows %d -> %d", before, after)
			}
		})
	}
	// At the limit is fine.
	r := e.Do("POST", incPath+"/reports", auth.Dispatcher,
		map[string]any{"kind": "first", "tier": "county", "content": map[string]any{"course": long(api.MaxTextRunes)}})
	if r.StatusCode != 201 {
		t.Errorf("a report of %d characters: %d %s", api.MaxTextRunes, r.StatusCode, r.Body)
	}
}
