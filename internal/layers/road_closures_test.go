package layers_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// closureLine is a roadblock drawn across a road east of the seat.
func closureLine() map[string]any {
	return map[string]any{"type": "LineString", "coordinates": [][]float64{{seatLon + 0.01, seatLat - 0.002}, {seatLon + 0.01, seatLat + 0.002}}}
}

// A dispatcher closes roads with a line or an area, and reopens them; the
// wall hears each change on the live stream, in order; what routing reads
// (status closed) follows.
func TestRoadClosuresLifecycle(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	ws := dialStream(t, e, auth.Viewer, "road_closures")

	r := e.Do("POST", "/api/v1/road_closures", auth.Dispatcher, feature(closureLine(),
		map[string]any{"name": "县道 X101 封闭〔测试〕", "reason": "危化品泄漏", "ordered_by": "县交警大队"}))
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("create line: %d %s", r.StatusCode, r.Body)
	}
	var line struct {
		ID         string
		Geometry   map[string]any
		Properties map[string]any
	}
	r.JSON(t, &line)
	if line.Properties["status"] != "closed" || line.Geometry["type"] != "LineString" || line.Properties["outside_county"] != false {
		t.Fatalf("a closure sent without status is in force, inside the county: %v %v", line.Properties, line.Geometry)
	}
	seqLine := nextEvent(t, ws, line.ID, "create")

	for _, g := range []map[string]any{square(3000, 400), {"type": "MultiLineString", "coordinates": [][][]float64{
		{{seatLon, seatLat}, {seatLon + 0.001, seatLat}}, {{seatLon + 0.002, seatLat}, {seatLon + 0.003, seatLat}}}},
		{"type": "MultiPolygon", "coordinates": [][][][]float64{square(5000, 200)["coordinates"].([][][]float64)}}} {
		r := e.Do("POST", "/api/v1/road_closures", auth.Dispatcher, feature(g, map[string]any{"name": "封闭区〔测试〕", "status": "closed"}))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("create %s: %d %s", g["type"], r.StatusCode, r.Body)
		}
	}

	// Reopened: kept for the record, no longer what routing closes.
	r = e.Do("PATCH", "/api/v1/road_closures/"+line.ID, auth.Dispatcher, `{"properties":{"status":"open"}}`,
		"If-Match", `"1"`, "Content-Type", "application/merge-patch+json")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("reopen: %d %s", r.StatusCode, r.Body)
	}
	for {
		m := readEvent(t, ws)
		if m["id"] != line.ID {
			continue
		}
		if m["action"] != "update" || m["data"].(map[string]any)["properties"].(map[string]any)["status"] != "open" {
			t.Fatalf("reopen event: %v", m)
		}
		if m["seq"].(float64) <= seqLine {
			t.Fatalf("reopen seq %v not after create seq %v", m["seq"], seqLine)
		}
		break
	}
	if n := e.Count(`SELECT count(*) FROM road_closures WHERE status = 'closed'`); n != 3 {
		t.Fatalf("%d closures in force, want 3", n)
	}
	if n := e.Count(`SELECT count(*) FROM road_closures WHERE id = $1 AND status = 'open'`, line.ID); n != 1 {
		t.Fatal("the reopened closure is not kept")
	}
	var list struct{ Features []map[string]any }
	e.Do("GET", "/api/v1/road_closures?status=open", auth.Viewer, nil).JSON(t, &list)
	if len(list.Features) != 1 || list.Features[0]["id"] != line.ID {
		t.Fatalf("?status=open: %v", list.Features)
	}
	if n := e.Count(`SELECT count(*) FROM audit_log WHERE entity = 'road_closures'`); n != 5 {
		t.Fatalf("%d audit rows, want 5", n)
	}
}

// Closing roads is the dispatchers' (and those above them), not the
// registry keepers' or the wall's.
func TestRoadClosuresNeedDispatch(t *testing.T) {
	e := apitest.Start(t)
	body := feature(closureLine(), map[string]any{"name": "封闭〔测试〕"})
	for _, role := range []auth.Role{auth.Viewer, auth.Editor} {
		apitest.ExpectProblem(t, e.Do("POST", "/api/v1/road_closures", role, body), http.StatusForbidden)
		apitest.ExpectProblem(t, e.Do("POST", "/api/v1/road_closures/import", role,
			`{"type":"FeatureCollection","features":[]}`, "Content-Type", "application/geo+json"), http.StatusForbidden)
	}
	for _, role := range []auth.Role{auth.Dispatcher, auth.DutyOfficer, auth.Commander, auth.Admin} {
		if r := e.Do("POST", "/api/v1/road_closures", role, body); r.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", role, r.StatusCode, r.Body)
		}
	}
	// Other layers stay the registry keepers'.
	apitest.ExpectProblem(t, e.Do("POST", "/api/v1/shelters", auth.Dispatcher, shelter("甲〔测试〕")), http.StatusForbidden)
}

// Bad closures are refused whole, naming the field in Chinese, and change
// nothing.
func TestRoadClosuresBadInput(t *testing.T) {
	e := apitest.Start(t)
	loadTestCounty(t, e)
	c := e.Do("POST", "/api/v1/road_closures", auth.Dispatcher, feature(closureLine(), map[string]any{"name": "封闭〔测试〕"}))
	if c.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", c.StatusCode, c.Body)
	}
	var created struct{ ID string }
	c.JSON(t, &created)
	audit, events, rows := e.Count(`SELECT count(*) FROM audit_log`), e.Count(`SELECT count(*) FROM events`), e.Count(`SELECT count(*) FROM road_closures`)
	at := []float64{seatLon, seatLat}
	for _, tc := range []struct {
		name  string
		geom  any
		props map[string]any
		field string
	}{
		{"a point", point(seatLon, seatLat), nil, "/geometry/type"},
		{"a multipoint", map[string]any{"type": "MultiPoint", "coordinates": [][]float64{at}}, nil, "/geometry/type"},
		{"a line of one position", map[string]any{"type": "LineString", "coordinates": [][]float64{at}}, nil, "/geometry/coordinates"},
		{"a line whose positions coincide", map[string]any{"type": "LineString", "coordinates": [][]float64{at, at}}, nil, "/geometry"},
		{"a self-intersecting area", map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.47}, {87.41, 43.48}, {87.41, 43.47}, {87.40, 43.48}, {87.40, 43.47}}}}, nil, "/geometry"},
		{"swapped lon/lat", map[string]any{"type": "LineString", "coordinates": [][]float64{{seatLat, seatLon}, {seatLat + 0.01, seatLon}}}, nil, "/geometry/coordinates"},
		{"no name", closureLine(), map[string]any{"name": nil}, "/properties/name"},
		{"an unknown status", closureLine(), map[string]any{"status": "shut"}, "/properties/status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := map[string]any{"name": "封闭〔测试〕"}
			for k, v := range tc.props {
				p[k] = v
			}
			prob := apitest.ExpectProblem(t, e.Do("POST", "/api/v1/road_closures", auth.Dispatcher, feature(tc.geom, p)), http.StatusUnprocessableEntity)
			if got := apitest.FieldsOf(prob); len(got) != 1 || got[0] != tc.field {
				t.Fatalf("fields %v, want %s: %v", got, tc.field, prob)
			}
			for _, fe := range prob["errors"].([]any) {
				// Geometry type names (CamelCase) and the status codes aside,
				// no English word: PostGIS's own reasons are translated.
				d := fe.(map[string]any)["detail"].(string)
				if englishWord.MatchString(strings.NewReplacer("closed", "", "open", "").Replace(d)) {
					t.Fatalf("detail not in Chinese: %q", d)
				}
			}
			// The same through a merge patch of the stored closure.
			patch := map[string]any{"properties": tc.props}
			if tc.props == nil {
				patch = map[string]any{"geometry": tc.geom}
			}
			prob = apitest.ExpectProblem(t, e.Do("PATCH", "/api/v1/road_closures/"+created.ID, auth.Dispatcher, patch,
				"If-Match", `"1"`, "Content-Type", "application/merge-patch+json"), http.StatusUnprocessableEntity)
			if got := apitest.FieldsOf(prob); len(got) != 1 || got[0] != tc.field {
				t.Fatalf("patch: fields %v, want %s", got, tc.field)
			}
		})
	}
	if a, ev, n := e.Count(`SELECT count(*) FROM audit_log`), e.Count(`SELECT count(*) FROM events`), e.Count(`SELECT count(*) FROM road_closures`); a != audit || ev != events || n != rows {
		t.Fatalf("refused writes changed something: audit %d→%d, events %d→%d, rows %d→%d", audit, a, events, ev, rows, n)
	}
}

var englishWord = regexp.MustCompile(`\b[a-z]{3,}\b`)

// dialStream opens the live stream as role, subscribed to layer, and reads
// past its snapshot.
func dialStream(t *testing.T, e *apitest.Env, role auth.Role, layer string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.URL, "http")+"/ws",
		http.Header{"Authorization": {"Bearer " + e.Tokens[role]}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.Close() })
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "layers": []string{layer}}); err != nil {
		t.Fatal(err)
	}
	if m := readEvent(t, ws); m["type"] != "snapshot" {
		t.Fatalf("first message %v", m)
	}
	return ws
}

// readEvent reads the next message, with a generous bound against a hang.
func readEvent(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(time.Minute))
	_, raw, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// nextEvent reads until the event about id, checks its action and returns
// its sequence number.
func nextEvent(t *testing.T, ws *websocket.Conn, id, action string) float64 {
	t.Helper()
	for {
		m := readEvent(t, ws)
		if m["type"] == "event" && m["id"] == id {
			if m["action"] != action {
				t.Fatalf("event %v, want %s", m, action)
			}
			return m["seq"].(float64)
		}
	}
}
