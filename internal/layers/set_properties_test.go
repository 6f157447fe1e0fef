package layers_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/apitest"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/internal/registry"
)

// SetProperties checks the whole resulting Feature under the layer's rules
// and hooks and the version, and writes a version with its history and the
// same change an edit makes; only CreateOnly does not bind it.
func TestSetProperties(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	ctx := context.Background()
	actor := journal.Actor{Name: "test"}
	set := func(l *registry.Layer, id int64, version int, values map[string]any) (*registry.Written, error) {
		var w *registry.Written
		_, err := journal.Write(ctx, e.Pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
			var err error
			if w, err = l.SetProperties(ctx, tx, actor, id, version, values); err != nil {
				return nil, err
			}
			return w.Changes, nil
		})
		return w, err
	}
	refused := func(err error, status int, fields ...string) {
		t.Helper()
		var p *api.Problem
		if !errors.As(err, &p) || p.Status != status {
			t.Fatalf("want a %d problem, got %v", status, err)
		}
		got := make([]string, len(p.Errors))
		for i, fe := range p.Errors {
			got[i] = fe.Field
		}
		if !slices.Equal(got, fields) {
			t.Fatalf("problem names %v, want %v", got, fields)
		}
	}

	s := create(t, e, "shelters", shelter("甲"))
	id, _ := strconv.ParseInt(s.ID, 10, 64)
	_, err := set(layers.Shelters, id, 1, map[string]any{"occupancy": 501})
	refused(err, 422, "/properties/occupancy") // the layer's Check hook: more than the capacity
	_, err = set(layers.Shelters, id, 1, map[string]any{"status": "half"})
	refused(err, 422, "/properties/status")
	_, err = set(layers.Shelters, id, 2, map[string]any{"occupancy": 10})
	refused(err, 412)
	if n := e.Count(`SELECT count(*) FROM registry_history WHERE layer = 'shelters' AND feature_id = $1`, id); n != 1 {
		t.Fatalf("refused writes left %d history rows, want 1", n)
	}

	w, err := set(layers.Shelters, id, 1, map[string]any{"occupancy": 500, "status": "full"})
	if err != nil {
		t.Fatal(err)
	}
	p := props(t, e, "shelters", s.ID)
	if w.Version != 2 || p["occupancy"] != 500.0 || p["status"] != "full" || p["name"] != "甲" || !slices.Equal(p["facilities"].([]any), []any{"water"}) {
		t.Fatalf("version %d, properties %v", w.Version, p)
	}
	c := w.Changes[0]
	if c.Entity != "shelters" || c.EntityID != s.ID || c.Action != "update" || c.Topic != "shelters" {
		t.Fatalf("change %+v", c)
	}
	if before, _ := json.Marshal(c.Before); !sameFeature(t, before, []byte(mustJSON(s.Body))) {
		t.Fatalf("change before %s, want the feature as created", before)
	}
	if after, _ := json.Marshal(c.After); !sameFeature(t, after, w.Feature) || string(c.Event.(json.RawMessage)) != string(w.Feature) {
		t.Fatalf("change after %s, event %v, want the feature as written", after, c.Event)
	}
	if n := e.Count(`SELECT count(*) FROM registry_history WHERE layer = 'shelters' AND feature_id = $1 AND version = 2 AND action = 'update'`, id); n != 1 {
		t.Fatal("no history row for version 2")
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'shelters' AND entity_id = $1 AND action = 'update'`, s.ID); n != 1 {
		t.Fatalf("%d update events, want 1", n)
	}

	// A team's status is CreateOnly for an edit, not for server code.
	team := create(t, e, "rescue_teams", feature(point(seatLon, seatLat), map[string]any{
		"name": "一队", "kind": "hazmat", "headcount": 12, "status": "available"}))
	teamID, _ := strconv.ParseInt(team.ID, 10, 64)
	if _, err := set(layers.RescueTeams, teamID, 1, map[string]any{"status": "off_duty"}); err != nil {
		t.Fatal(err)
	}
	if got := props(t, e, "rescue_teams", team.ID)["status"]; got != "off_duty" {
		t.Fatalf("status %v", got)
	}
}

func sameFeature(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
