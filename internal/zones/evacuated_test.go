package zones_test

import (
	"fmt"
	"strconv"
	"testing"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

type incidentCounts struct {
	Properties struct {
		Casualties struct {
			Evacuated int `json:"evacuated"`
		} `json:"casualties"`
		AtRisk    bool `json:"at_risk"`
		RiskFlags []struct {
			Criterion string `json:"criterion"`
		} `json:"risk_flags"`
		Version int `json:"version"`
	} `json:"properties"`
}

func (c incidentCounts) flagged(criterion string) bool {
	for _, f := range c.Properties.RiskFlags {
		if f.Criterion == criterion {
			return true
		}
	}
	return false
}

func getIncident(t *testing.T, e *apitest.Env, id int64) incidentCounts {
	t.Helper()
	r := e.Do("GET", fmt.Sprintf("/api/v1/incidents/%d", id), auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("get incident: %d %s", r.StatusCode, r.Body)
	}
	var c incidentCounts
	r.JSON(t, &c)
	return c
}

// Confirming an allocation that places 500 or more people raises the
// incident's evacuated count to the number placed, so the 1.5.2(3) flag
// (紧急疏散500人以上) fires, in the same write, audited and on the stream;
// a later confirmation never lowers a higher count someone entered.
func TestConfirmedAllocationCountsAsEvacuated(t *testing.T) {
	e := apitest.Start(t)
	inc := createIncident(t, e, source)
	run := published(t, e, fmt.Sprintf("/api/v1/incidents/%d/zones", inc), map[string]any{"model": "explosion",
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 20000, "time": midnight.Format("2006-01-02T15:04:05Z")}})
	zone := run.Features[0]
	outer := 0.0
	for _, f := range run.Features {
		outer = max(outer, f.Properties.ExtentM)
	}
	const h = 0.0003
	c := geo.Destination(source, 45, zone.Properties.ExtentM*0.2)
	if _, err := e.Pool.Exec(t.Context(), `INSERT INTO population_cells (geom, night_people, day_people) VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), 600, 0)`,
		c[0]-h, c[1]-h, c[0]+h, c[1]+h); err != nil {
		t.Fatal(err)
	}
	s := geo.Destination(source, 90, outer*2)
	if _, err := e.Pool.Exec(t.Context(), `INSERT INTO shelters (geom, name, class, capacity, status, occupancy) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), 'far shelter', 'emergency', 5000, 'open', 0)`,
		s[0], s[1]); err != nil {
		t.Fatal(err)
	}
	if got := getIncident(t, e, inc); got.Properties.Casualties.Evacuated != 0 || got.flagged("evacuated") {
		t.Fatalf("before: %+v", got.Properties)
	}

	confirm := func(placed int64) proposal {
		t.Helper()
		r := e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation", auth.DutyOfficer, nil)
		if r.StatusCode != 200 {
			t.Fatalf("propose: %d %s", r.StatusCode, r.Body)
		}
		var p proposal
		r.JSON(t, &p)
		if p.Placed != placed || p.Unplaced != 0 {
			t.Fatalf("proposal placed %d, left %d; want %d, 0", p.Placed, p.Unplaced, placed)
		}
		if r := e.Do("POST", "/api/v1/zones/"+zone.ID+"/allocation/confirm", auth.DutyOfficer, map[string]any{"shelters": p.Shelters}); r.StatusCode != 200 {
			t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
		}
		return p
	}
	events := e.Count(`SELECT count(*) FROM events WHERE topic = 'incidents'`)
	confirm(600)
	got := getIncident(t, e, inc)
	if got.Properties.Casualties.Evacuated != 600 || !got.flagged("evacuated") || !got.Properties.AtRisk {
		t.Fatalf("after confirming 600 placed: %+v", got.Properties)
	}
	id := strconv.FormatInt(inc, 10)
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'incidents' AND entity_id = $1 AND action = 'evacuated'`, id); n != 1 {
		t.Fatalf("%d audit rows for the evacuated count, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM events WHERE topic = 'incidents'`); n != events+1 {
		t.Fatalf("%d incident events, want %d", n, events+1)
	}
	if n := e.Count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1 AND data ? 'evacuated_after'`, inc); n != 1 {
		t.Fatalf("%d timeline entries for the evacuated count, want 1", n)
	}

	// Someone knows of more people evacuated than the shelters took.
	r := e.Do("PATCH", "/api/v1/incidents/"+id, auth.DutyOfficer, map[string]any{"casualties": map[string]any{"evacuated": 2000}},
		"If-Match", strconv.Quote(strconv.Itoa(got.Properties.Version)))
	if r.StatusCode != 200 {
		t.Fatalf("patch: %d %s", r.StatusCode, r.Body)
	}
	// 100 more people in the zone: 700 placed in all, below 2000, so the count stays.
	c = geo.Destination(source, 225, zone.Properties.ExtentM*0.2)
	if _, err := e.Pool.Exec(t.Context(), `INSERT INTO population_cells (geom, night_people, day_people) VALUES (ST_MakeEnvelope($1, $2, $3, $4, 4326), 100, 0)`,
		c[0]-h, c[1]-h, c[0]+h, c[1]+h); err != nil {
		t.Fatal(err)
	}
	confirm(100)
	if got := getIncident(t, e, inc); got.Properties.Casualties.Evacuated != 2000 {
		t.Fatalf("a confirmation lowered the evacuated count to %d", got.Properties.Casualties.Evacuated)
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'incidents' AND entity_id = $1 AND action = 'evacuated'`, id); n != 1 {
		t.Fatalf("%d audit rows for the evacuated count, want still 1", n)
	}
}
