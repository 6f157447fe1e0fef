package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/journal"
	"sitrep/realtime"
)

// writeRaw records one event on topic with data as is.
func (e *env) writeRaw(topic, id, action, data string) int64 {
	e.t.Helper()
	seqs, err := journal.Write(context.Background(), e.pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "rt_" + topic, EntityID: id, Action: action, Topic: topic,
			Event: json.RawMessage(data)}}, nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return seqs[0]
}

// A feature without geometry (an incident reported by place name only) is
// in every box; the connection then holds it, so when it gets a location
// outside the box the client is told to drop it.
func TestUnlocatedFeatureIsHeldUntilItLeavesTheBox(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	c := e.dial(s)
	c.subscribe([]string{"things"}, []float64{87, 43, 88, 44}, nil)
	c.expect("snapshot")

	created := e.writeRaw("things", "inc1", "create", `{"type":"Feature","id":"inc1","geometry":null,"properties":{}}`)
	located := e.writeRaw("things", "inc1", "update", `{"type":"Feature","id":"inc1","geometry":{"type":"Point","coordinates":[100,10]},"properties":{}}`)
	again := e.writeRaw("things", "inc1", "update", `{"type":"Feature","id":"inc1","geometry":{"type":"Point","coordinates":[101,10]},"properties":{}}`)
	last := e.put(thing{ID: "marker", Lon: 87.5, Lat: 43.5})
	got := c.eventsThrough(last)
	want := []struct {
		seq    int64
		action string
	}{{created, "create"}, {located, realtime.ActionLeave}, {last, "update"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want seqs %d (create) %d (leave) %d (marker); %d (moved further out) sends nothing", got, created, located, last, again)
	}
	for i, w := range want {
		if got[i].Seq != w.seq || got[i].Action != w.action {
			t.Fatalf("event %d: seq %d %s, want seq %d %s", i, got[i].Seq, got[i].Action, w.seq, w.action)
		}
	}
}

// The incidents layer's snapshot follows the stream's rule: an incident not
// located yet is on every wall, whatever its box, and a wall that reconnects
// gets it back; once located outside the box, it leaves.
func TestUnlocatedIncidentInEveryBox(t *testing.T) {
	e := apitest.Start(t)
	now := time.Now().UTC()
	r := e.Do("POST", "/api/v1/incidents", auth.DutyOfficer, map[string]any{"kind": "fire", "place": "板房沟镇某村",
		"occurred_at": now.Add(-time.Hour).Format(time.RFC3339), "reported_at": now.Add(-50 * time.Minute).Format(time.RFC3339)})
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var inc struct {
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties struct {
			Version int `json:"version"`
		} `json:"properties"`
	}
	r.JSON(t, &inc)
	if string(inc.Geometry) != "null" {
		t.Fatalf("created with geometry %s", inc.Geometry)
	}
	url := "ws" + strings.TrimPrefix(e.URL, "http") + "/ws"
	conn, _, err := websocket.DefaultDialer.Dial(url, map[string][]string{"Authorization": {"Bearer " + e.Tokens[auth.Viewer]}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &wsClient{t: t, conn: conn}
	c.subscribe([]string{"incidents"}, []float64{87, 43, 88, 44}, nil)
	snap := c.expect("snapshot")
	fs := snap.Layers["incidents"].Features
	if len(fs) != 1 || !strings.Contains(string(fs[0]), fmt.Sprintf(`"id":%q`, inc.ID)) {
		t.Fatalf("snapshot of the box: %s, want the unlocated incident %s", fs, inc.ID)
	}
	r = e.Do("PATCH", "/api/v1/incidents/"+inc.ID, auth.Dispatcher,
		map[string]any{"location": map[string]any{"type": "Point", "coordinates": []float64{80, 40}}},
		"If-Match", fmt.Sprintf(`"%d"`, inc.Properties.Version))
	if r.StatusCode != 200 {
		t.Fatalf("locate: %d %s", r.StatusCode, r.Body)
	}
	for {
		m := c.next()
		if m.Type != "event" || m.ID != inc.ID {
			continue // the incident's other topics or deltas
		}
		if m.Action != realtime.ActionLeave {
			t.Fatalf("located outside the box: action %q, want leave", m.Action)
		}
		break
	}
	// Located outside: no longer in the box's snapshot.
	c.subscribe([]string{"incidents"}, []float64{87, 43, 88, 44}, nil)
	if fs := c.expect("snapshot").Layers["incidents"].Features; len(fs) != 0 {
		t.Fatalf("after locating it outside: %s", fs)
	}
}
