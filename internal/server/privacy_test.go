package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// dialWall opens the live stream as role and subscribes; it returns the
// connection and the first message the server answers with.
func dialWall(t *testing.T, e *apitest.Env, role auth.Role, sub map[string]any) (*websocket.Conn, map[string]any) {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.URL, "http")+"/ws",
		http.Header{"Authorization": {"Bearer " + e.Tokens[role]}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	if err := ws.WriteJSON(sub); err != nil {
		t.Fatal(err)
	}
	return ws, readMsg(t, ws)
}

func readMsg(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(time.Minute))
	var m map[string]any
	if err := ws.ReadJSON(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Experts' names and private phones are for those who call an expert in,
// on every path: the map wall's viewers get none of them, a dispatcher all.
func TestExpertsAreReadOnlyByThoseWhoCallThem(t *testing.T) {
	e := apitest.Start(t)
	r := e.Do("POST", "/api/v1/experts", auth.Editor, map[string]any{"type": "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{87.41, 43.47}},
		"properties": map[string]any{"name": "张工〔测试〕", "field": "hazardous_chemicals", "contact_phone": "13900000000"}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create expert: %d %s", r.StatusCode, r.Body)
	}
	paths := []string{"/api/v1/experts", "/api/v1/experts/1", "/api/v1/experts/1/history",
		"/api/v1/experts/export?format=csv", "/api/v1/nearest?layer=experts&lon=87.4&lat=43.5",
		"/ogc/collections/experts/items"}
	for _, p := range paths {
		if r := e.Do("GET", p, auth.Viewer, nil); r.StatusCode < 400 || strings.Contains(string(r.Body), "13900000000") {
			t.Errorf("viewer GET %s: %d %s", p, r.StatusCode, r.Body)
		}
		if r := e.Do("GET", p, auth.Dispatcher, nil); r.StatusCode != http.StatusOK {
			t.Errorf("dispatcher GET %s: %d %s", p, r.StatusCode, r.Body)
		}
	}
	if r := e.Do("GET", "/ogc/collections", auth.Viewer, nil); strings.Contains(string(r.Body), `"experts"`) {
		t.Error("the OGC collection list shows experts to a viewer")
	}
	// The live stream: a viewer cannot subscribe to the layer at all.
	_, m := dialWall(t, e, auth.Viewer, map[string]any{"type": "subscribe", "layers": []string{"shelters", "experts"}})
	if m["type"] != "error" || m["field"] != "/layers/1" {
		t.Fatalf("viewer subscribing to experts: %v", m)
	}
	_, m = dialWall(t, e, auth.Dispatcher, map[string]any{"type": "subscribe", "layers": []string{"experts"}})
	if m["type"] != "snapshot" || !strings.Contains(mustMarshal(m), "13900000000") {
		t.Fatalf("dispatcher subscribing to experts: %v", m)
	}
}
