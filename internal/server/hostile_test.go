package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sitrep/internal/apitest"
	"sitrep/internal/auth"
)

// TestHostileRoutes walks every operation of the server's own OpenAPI
// document (but /metrics, /healthz and /ws) and sends it hostile input: odd
// path parameters, query values and headers, broken and extreme bodies,
// broken import files, each spoiling one thing of a request that is
// otherwise valid (real ids, the current If-Match, a body built from the
// operation's schema), as admin and, for reads, as a viewer too. Whatever
// comes in, the server must answer below 500; every 4xx is a problem+json;
// and a refused request leaves audit_log and events as they were. Every
// failure is collected and reported at the end, one line per distinct
// failure with the server's log line for a 500.
//
// Caps per operation keep the sweep to about 10,000 requests. To look at
// some routes only: HOSTILE_ONLY='<regexp on "METHOD /pattern">'; to see
// every request and answer: HOSTILE_TRACE=1 (with -v).
func TestHostileRoutes(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile-input sweep of every route")
	}
	logs := &logCapture{}
	logger := slog.New(logs)
	prevLogger, prevOut, prevFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(logger) // "request failed" lines go to the default logger
	t.Cleanup(func() {
		slog.SetDefault(prevLogger)
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
	})
	e := apitest.StartLogged(t, logger)
	start := time.Now()

	var doc oaDoc
	e.Do("GET", "/api/openapi.json", "", nil).JSON(t, &doc)
	ops, err := doc.operations()
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{t: t, e: e, logs: logs, client: &http.Client{Timeout: 15 * time.Second},
		etags: map[string]string{}, freshIDs: map[string]string{}, dirtyLayers: map[string]bool{}, dirtyPaths: map[string]bool{},
		failures: map[string]*failure{}}
	h.g = &gen{schemas: doc.Components.Schemas, ids: map[string]any{}}
	var todo []*operation
	for _, op := range ops {
		switch op.Pattern {
		case "/metrics", "/healthz", "/ws":
			continue
		}
		todo = append(todo, op)
	}
	sort.SliceStable(todo, func(i, j int) bool { return phase(todo[i]) < phase(todo[j]) })
	h.ops = todo
	h.buildWorld()
	t.Logf("world built in %s", time.Since(start).Round(time.Millisecond))
	only := regexp.MustCompile(os.Getenv("HOSTILE_ONLY")) // e.g. HOSTILE_ONLY='^POST /api/v1/shelters'
	for _, op := range todo {
		if !only.MatchString(op.key()) {
			continue
		}
		opStart := time.Now()
		n := h.nreq
		h.runOp(op)
		h.tidy()
		if d := time.Since(opStart); d > 5*time.Second && testing.Verbose() {
			t.Logf("slow: %s took %s for %d requests", op.key(), d.Round(time.Millisecond), h.nreq-n)
		}
	}
	t.Logf("%d operations, %d hostile requests in %s", len(todo), h.nreq, time.Since(start).Round(time.Millisecond))
	t.Logf("time in requests %s, counting rows %s, undoing %s", h.tReq.Round(time.Millisecond), h.tCounts.Round(time.Millisecond), h.tUndo.Round(time.Millisecond))
	if len(h.slow) > 0 && !testing.Verbose() {
		t.Logf("%d requests took over two seconds:\n%s", len(h.slow), strings.Join(h.slow, "\n"))
	}
	h.report()
}

// phase orders operations so that state-changing ones run after the rest
// has used the world: reads, then registry writes, other writes, lifecycle
// moves, deletes.
func phase(op *operation) int {
	switch {
	case op.Method == "GET":
		return 0
	case op.Method == "DELETE":
		return 4
	case strings.HasSuffix(op.Pattern, "/transitions"), strings.HasSuffix(op.Pattern, "/response"),
		strings.HasSuffix(op.Pattern, "/lift"), strings.HasSuffix(op.Pattern, "/dispatch"),
		strings.HasSuffix(op.Pattern, "/status"), strings.HasSuffix(op.Pattern, "/confirm"):
		return 3
	case registryLayer.MatchString(op.Pattern):
		// What registry writes change is undone (tidy); most other
		// writes (incidents, warnings) leave their results behind.
		return 1
	}
	return 2
}

var registryLayer = regexp.MustCompile(`^/api/v1/(hazard_sources|sensitive_sites|shelters|rescue_teams|supply_depots|medical_facilities|experts|population_cells|sensors|weather_stations|road_closures)(/|$)`)

// Caps per operation and category keep the sweep bounded (reads are cheap,
// writes are not); the cases in a category are ordered so that a cap drops
// the least likely breakers.
type caps struct{ path, query, header, body, imports, viewerPath, viewerQuery int }

var (
	readCaps  = caps{path: 40, query: 240, header: 20, viewerPath: 8, viewerQuery: 6}
	writeCaps = caps{path: 14, query: 8, header: 12, body: 70, imports: 100}
)

// ---------------------------------------------------------------------------
// The log, captured.

// logCapture keeps the server's warnings and errors (not the request lines)
// so that a 500 can be reported with its cause.
type logCapture struct {
	mu   sync.Mutex
	recs []string
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCapture) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logCapture) WithGroup(string) slog.Handler            { return l }

func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "request" || r.Level < slog.LevelWarn {
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "path":
			return true
		case "stack":
			b.WriteString(" at " + productFrames(a.Value.String()))
			return true
		}
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	l.mu.Lock()
	l.recs = append(l.recs, b.String())
	l.mu.Unlock()
	return nil
}

// productFrames picks the first frames of a panic's stack in Sitrep's own
// code (after the runtime and the recovering middleware).
func productFrames(stack string) string {
	var out []string
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "sitrep/") && i+1 < len(lines) && !strings.Contains(lines[i+1], "internal/server/middleware.go") {
			loc := strings.TrimSpace(lines[i+1])
			if j := strings.LastIndex(loc, "/sitrep/"); j >= 0 {
				loc = loc[j+len("/sitrep/"):]
			} else if j := strings.LastIndex(loc, "/"); j >= 0 {
				loc = loc[j+1:]
			}
			if k := strings.Index(loc, " +0x"); k >= 0 {
				loc = loc[:k]
			}
			out = append(out, loc)
			if len(out) == 2 {
				break
			}
		}
	}
	return strings.Join(out, " < ")
}

func (l *logCapture) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recs)
}

func (l *logCapture) since(m int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.recs[m:])
}

// ---------------------------------------------------------------------------
// The world the {id} paths hit.

type world struct {
	layers   []string            // registry layers
	ids      map[string][]string // layer → feature ids
	spare    map[string]string   // layer → a feature for DELETE
	incA     string              // located incident with zones, a warning, dispatches
	incB     string              // for transitions
	incC     string              // verified, response active: a checklist
	item     string              // a checklist item of incC
	zone     string              // an active zone of incA
	whatIf   string              // a what-if zone
	warning  string              // for reads and adjustments
	warnLift string              // for lifts
	warnCAP  string              // warning's CAP identifier
	team     string              // rescue team for status moves
	teamDisp string              // rescue team for dispatch
	token    string              // a spare API token id
	colls    []string            // OGC collection ids
	queryabl map[string][]string // OGC collection → queryable properties
	orig     map[string]any      // world feature or incident path → the body it was made from
	high     map[string]int64    // layer → its highest world id
}

func plumeInputs() map[string]any {
	return map[string]any{"substance": "chlorine", "molecularWeight": 70.9, "releaseRateGS": 2000, "releaseHeightM": 0,
		"levels":      []any{map[string]any{"name": "AEGL-2", "value": 2.0, "unit": "ppm"}, map[string]any{"name": "AEGL-1", "value": 0.5, "unit": "ppm"}},
		"windFromDeg": 270, "windSpeedMS": 3, "cloudOktas": 2, "terrain": "rural", "time": time.Now().UTC().Format(time.RFC3339)}
}

func warningBody(level string) map[string]any {
	c := hostCenter
	return map[string]any{"level": level, "category": "hazardous_chemicals", "event": "液氨储罐泄漏",
		"area": gjSquare(c[0]-0.02, c[1]-0.02, 0.04), "area_desc": "板房沟镇东沟村及周边3公里",
		"onset": time.Now().UTC().Format(time.RFC3339), "items": []any{"关闭门窗", "听从疏散指挥"}}
}

func incidentBody() map[string]any {
	return map[string]any{"kind": "hazardous_chemicals", "place": "板房沟镇某化工厂", "township": "板房沟镇",
		"occurred_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"reported_at": time.Now().Add(-50 * time.Minute).UTC().Format(time.RFC3339),
		"location":    gjPoint(hostCenter[0], hostCenter[1])}
}

// must sends a setup request as admin and fails the test unless it gets want.
func (h *hostile) must(method, path string, body any, want int, headers ...string) map[string]any {
	h.t.Helper()
	r := h.e.Do(method, path, auth.Admin, body, headers...)
	if r.StatusCode != want {
		h.t.Fatalf("setup %s %s: %d, want %d: %.500s", method, path, r.StatusCode, want, r.Body)
	}
	var out map[string]any
	if len(r.Body) > 0 && r.Body[0] == '{' {
		r.JSON(h.t, &out)
	}
	return out
}

func idOf(m map[string]any) string {
	switch v := m["id"].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	}
	return ""
}

func (h *hostile) buildWorld() {
	w := &world{ids: map[string][]string{}, spare: map[string]string{}, queryabl: map[string][]string{},
		orig: map[string]any{}, high: map[string]int64{}}
	h.w = w
	c := hostCenter
	f := func(geom any, props map[string]any) map[string]any {
		return map[string]any{"type": "Feature", "geometry": geom, "properties": props}
	}
	feats := map[string][]map[string]any{
		"hazard_sources": {
			f(gjPoint(c[0]+0.004, c[1]+0.004), map[string]any{"name": "液氯库", "enterprise": "县自来水厂", "filing_status": "filed",
				"township_code": "650121102", "inventory": []any{map[string]any{"chemical": "氯", "max_tonnes": 10}}}),
			f(gjSquare(c[0]-0.01, c[1]+0.01, 0.003), map[string]any{"name": "液氨罐区", "enterprise": "某化工厂", "filing_status": "registered",
				"inventory": []any{map[string]any{"chemical": "氨", "max_tonnes": 20}}}),
		},
		"sensitive_sites": {
			f(gjPoint(c[0]+0.01, c[1]), map[string]any{"name": "东沟小学", "kind": "school", "people": 300}),
			f(gjSquare(c[0]+0.015, c[1]-0.005, 0.004), map[string]any{"name": "东沟村", "kind": "residential", "people": 800}),
		},
		"shelters": {
			f(gjPoint(c[0]-0.05, c[1]+0.05), map[string]any{"name": "一中操场", "class": "emergency", "capacity": 2000, "status": "open", "occupancy": 0, "facilities": []any{"water"}}),
			f(gjPoint(c[0]-0.06, c[1]-0.04), map[string]any{"name": "体育馆", "class": "short_term", "capacity": 1000, "status": "open", "occupancy": 0}),
		},
		"rescue_teams": {
			f(gjPoint(c[0]-0.02, c[1]), map[string]any{"name": "消防一队", "kind": "fire_rescue", "headcount": 30, "status": "available", "capabilities": []any{"hazmat"}}),
			f(gjPoint(c[0]-0.03, c[1]), map[string]any{"name": "危化救援队", "kind": "hazmat", "headcount": 12, "status": "available"}),
			f(gjPoint(c[0]-0.04, c[1]), map[string]any{"name": "矿山救护队", "kind": "mine_rescue", "headcount": 20, "status": "available"}),
		},
		"supply_depots": {
			f(gjPoint(c[0]-0.03, c[1]+0.02), map[string]any{"name": "县物资库", "stock": []any{map[string]any{"item": "沙袋", "unit": "个", "quantity": 1000}}}),
			f(gjPoint(c[0]-0.035, c[1]+0.025), map[string]any{"name": "镇物资点"}),
		},
		"medical_facilities": {
			f(gjPoint(c[0]-0.04, c[1]+0.03), map[string]any{"name": "县人民医院", "kind": "hospital", "beds": 300, "specialties": []any{"burns"}}),
			f(gjPoint(c[0]-0.045, c[1]+0.03), map[string]any{"name": "镇卫生院", "kind": "township_health_centre"}),
		},
		"experts": {
			f(gjPoint(c[0]-0.05, c[1]+0.03), map[string]any{"name": "张工", "field": "hazardous_chemicals"}),
			f(gjPoint(c[0]-0.055, c[1]+0.03), map[string]any{"name": "李工", "field": "fire"}),
		},
		"population_cells": {
			f(gjSquare(c[0]+0.005, c[1]-0.003, 0.006), map[string]any{"code": "P1", "night_people": 400, "day_people": 600}),
			f(gjSquare(c[0]+0.012, c[1]-0.003, 0.006), map[string]any{"code": "P2", "night_people": 300}),
		},
		"weather_stations": {
			f(gjPoint(c[0]-0.01, c[1]-0.01), map[string]any{"code": "51463", "name": "乌鲁木齐县气象站"}),
			f(gjPoint(c[0]+0.02, c[1]-0.02), map[string]any{"name": "厂区气象站"}),
		},
		"road_closures": {
			f(map[string]any{"type": "LineString", "coordinates": []any{[]any{c[0] + 0.03, c[1] - 0.002}, []any{c[0] + 0.03, c[1] + 0.002}}},
				map[string]any{"name": "县道封闭", "reason": "危化品泄漏", "ordered_by": "县交警大队"}),
			f(gjSquare(c[0]+0.04, c[1], 0.004), map[string]any{"name": "厂区周边道路封闭", "status": "closed"}),
		},
	}
	// A sensor belongs to a hazard source made above.
	sensorsOf := func(hs int64) []map[string]any {
		return []map[string]any{
			f(gjPoint(c[0]+0.0041, c[1]+0.0041), map[string]any{"code": "GT-101", "name": "液氯库有毒气体检测器", "hazard_source_id": hs,
				"kind": "toxic_gas", "unit": "ppm", "range_max": 10, "warn_high": 0.5, "alarm_high": 1, "hold_s": 10}),
			f(gjPoint(c[0]+0.0042, c[1]+0.0042), map[string]any{"name": "液氯储罐液位", "hazard_source_id": hs,
				"kind": "tank_level", "unit": "%", "range_max": 100, "warn_high": 85, "alarm_high": 90, "warn_low": 10}),
		}
	}
	for _, l := range []string{"hazard_sources", "sensitive_sites", "shelters", "rescue_teams", "supply_depots", "medical_facilities", "experts", "population_cells", "sensors", "weather_stations", "road_closures"} {
		if l == "sensors" {
			hs, _ := strconv.ParseInt(w.ids["hazard_sources"][0], 10, 64)
			feats[l] = sensorsOf(hs)
		}
		w.layers = append(w.layers, l)
		for _, ft := range feats[l] {
			id := idOf(h.must("POST", "/api/v1/"+l, ft, 201))
			w.ids[l] = append(w.ids[l], id)
			w.orig["/api/v1/"+l+"/"+id] = ft
		}
		spare := deepCopy(feats[l][0]).(map[string]any)
		p := spare["properties"].(map[string]any)
		if _, ok := p["name"]; ok {
			p["name"] = p["name"].(string) + "（备用）"
		}
		if _, ok := p["code"]; ok {
			p["code"] = "SPARE"
		}
		w.spare[l] = idOf(h.must("POST", "/api/v1/"+l, spare, 201))
		w.high[l], _ = strconv.ParseInt(w.spare[l], 10, 64)
	}
	w.team, w.teamDisp = w.ids["rescue_teams"][0], w.ids["rescue_teams"][1]
	num := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	h.g.ids = map[string]any{
		"team_id": num(w.team), "team_ids": num(w.teamDisp), "incident_id": nil, "hazard_source_id": num(w.ids["hazard_sources"][0]),
	}

	// Incidents: A located, with zones and a warning; B for transitions;
	// C verified with a response (a checklist).
	w.incA = idOf(h.must("POST", "/api/v1/incidents", incidentBody(), 201))
	w.orig["/api/v1/incidents/"+w.incA] = incidentBody()
	h.g.ids["incident_id"] = num(w.incA)
	w.incB = idOf(h.must("POST", "/api/v1/incidents", incidentBody(), 201))
	w.incC = idOf(h.must("POST", "/api/v1/incidents", incidentBody(), 201))
	w.orig["/api/v1/incidents/"+w.incC] = incidentBody()
	h.must("POST", "/api/v1/incidents/"+w.incC+"/transitions", map[string]any{"state": "verified", "reason": "核实"}, 200)
	resp := h.must("POST", "/api/v1/incidents/"+w.incC+"/response", map[string]any{"level": "III", "reason": "较大"}, 200)
	if r, ok := resp["properties"].(map[string]any)["response"].(map[string]any); ok {
		if cl, ok := r["checklist"].([]any); ok && len(cl) > 0 {
			w.item = cl[0].(map[string]any)["id"].(string)
		}
	}
	if w.item == "" {
		h.t.Fatalf("no checklist item in %v", resp)
	}
	run := h.must("POST", "/api/v1/incidents/"+w.incA+"/zones", map[string]any{"model": "plume", "inputs": plumeInputs()}, 201)
	w.zone = idOf(run["features"].([]any)[0].(map[string]any))
	wi := h.must("POST", "/api/v1/zones/what-if", map[string]any{"model": "explosion", "hazard_source_id": h.g.ids["hazard_source_id"],
		"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000}}, 201)
	w.whatIf = idOf(wi["features"].([]any)[0].(map[string]any))
	wb := warningBody("blue")
	wb["incident_id"] = num(w.incA)
	wf := h.must("POST", "/api/v1/warnings", wb, 201)
	w.warning = idOf(wf)
	w.warnCAP, _ = wf["properties"].(map[string]any)["identifier"].(string)
	w.warnLift = idOf(h.must("POST", "/api/v1/warnings", warningBody("yellow"), 201))
	w.token = idOf(h.must("POST", "/api/v1/tokens", map[string]any{"label": "spare"}, 201))
	h.must("POST", "/api/v1/positions", []any{map[string]any{"team_id": num(w.team), "lon": c[0] - 0.01, "lat": c[1],
		"observed_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}}, 200)

	// What tidy writes back: each world feature as stored now (with what
	// only its creation or the positions route set), without what the
	// server computes.
	for _, l := range w.layers {
		for _, id := range w.ids[l] {
			path := "/api/v1/" + l + "/" + id
			var f map[string]any
			h.e.Do("GET", path, auth.Admin, nil).JSON(h.t, &f)
			w.orig[path] = h.writable(l, f)
		}
	}

	// OGC collections and their queryables.
	var colls struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	h.e.Do("GET", "/ogc/collections?f=json", auth.Admin, nil).JSON(h.t, &colls)
	for _, c := range colls.Collections {
		w.colls = append(w.colls, c.ID)
		var q struct {
			Properties map[string]any `json:"properties"`
		}
		r := h.e.Do("GET", "/ogc/collections/"+c.ID+"/queryables", auth.Admin, nil)
		if r.StatusCode == 200 {
			_ = json.Unmarshal(r.Body, &q)
		}
		var names []string
		for n := range q.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		// A text property first, then a numeric one, where there are.
		sort.SliceStable(names, func(i, j int) bool { return names[i] == "name" && names[j] != "name" })
		w.queryabl[c.ID] = names
	}
	if len(w.colls) == 0 {
		h.t.Fatal("no OGC collections")
	}
}

// writable is a feature as read, less what a write may not send: its id
// and the read-only properties.
func (h *hostile) writable(layer string, f map[string]any) map[string]any {
	out := deepCopy(f).(map[string]any)
	delete(out, "id")
	props := h.g.schemaAt(h.opFor("POST", "/api/v1/"+layer).Body, []string{"properties"})
	if p, ok := out["properties"].(map[string]any); ok && props != nil {
		for k := range p {
			if ps, ok := props.Properties[k]; !ok || h.g.resolve(ps).ReadOnly {
				delete(p, k)
			}
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Sending and checking.

type hostile struct {
	t      *testing.T
	e      *apitest.Env
	g      *gen
	w      *world
	logs   *logCapture
	client *http.Client
	ops    []*operation

	etags    map[string]string // resource path → current ETag
	audit    int               // audit_log rows, as last counted
	events   int               // events rows, as last counted
	countsOK bool              // audit and events are still current
	freshIDs map[string]string // operation → its fresh resource, until a case moves it
	// What successful cases changed, for tidy.
	dirtyLayers, dirtyPaths map[string]bool

	failures map[string]*failure
	slow     []string // requests that took over two seconds
	nreq     int
	seq      int
	// Where the time goes: in requests, in counting rows, in undoing.
	tReq, tCounts, tUndo time.Duration
}

type failure struct {
	method, route, kind, what string
	status                    int
	body                      string   // its first 200 bytes
	example                   string   // the first request that failed so (method, path and query, shortened)
	logs                      []string // the server's warnings and errors while it ran
	n                         int      // how many requests failed so
}

// hcase is one hostile request.
type hcase struct {
	cat     string // path, query, header, body, import
	kind    string
	role    auth.Role
	path    string // escaped; "{fresh}" is replaced by a fresh resource's id
	query   string // raw, without '?'
	body    []byte
	bodyFn  func() []byte // if set, makes body when the case is sent
	hasBody bool
	ctype   string
	headers []string
	ifMatch string // "" none; "current": the resource's ETag; else as is
	etagOf  string // the resource whose ETag "current" means
}

func (h *hostile) counts() (int, int) {
	var a, ev int
	if err := h.e.Pool.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM events)`).Scan(&a, &ev); err != nil {
		h.t.Fatal(err)
	}
	return a, ev
}

// etag reads a resource's current ETag (cached until the next successful
// write); "1" quoted if it has none.
func (h *hostile) etag(path string) string {
	if v, ok := h.etags[path]; ok {
		return v
	}
	v := `"1"`
	req, err := http.NewRequest("GET", h.e.URL+path, nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+h.e.Tokens[auth.Admin])
		if resp, err := h.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if et := resp.Header.Get("ETag"); resp.StatusCode == 200 && et != "" {
				v = et
			}
		}
	}
	h.etags[path] = v
	return v
}

func (h *hostile) do(op *operation, c hcase) {
	path := c.path
	if strings.Contains(path, "{fresh}") {
		id := h.freshIDs[op.key()]
		if id == "" {
			id = h.fresh(op)
			h.freshIDs[op.key()] = id
		}
		path = strings.ReplaceAll(path, "{fresh}", id)
		c.etagOf = strings.ReplaceAll(c.etagOf, "{fresh}", id)
	}
	target := h.e.URL + path
	if c.query != "" {
		target += "?" + c.query
	}
	var rd io.Reader
	if c.bodyFn != nil {
		c.body = c.bodyFn()
	}
	if c.hasBody {
		rd = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(op.Method, target, rd)
	if err != nil {
		// Not a server failure: the client cannot even say it.
		h.t.Logf("skipped %s %s (%s): %v", op.Method, op.Pattern, c.kind, err)
		return
	}
	if c.role != "" {
		req.Header.Set("Authorization", "Bearer "+h.e.Tokens[c.role])
	}
	if c.hasBody && c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	switch c.ifMatch {
	case "":
	case "current":
		req.Header.Set("If-Match", h.etag(c.etagOf))
	default:
		req.Header.Set("If-Match", c.ifMatch)
	}
	for i := 0; i+1 < len(c.headers); i += 2 {
		req.Header.Set(c.headers[i], c.headers[i+1])
	}
	kind := c.cat + " " + c.kind
	if c.role == auth.Viewer {
		kind += " [viewer]"
	}
	tc := time.Now()
	if !h.countsOK {
		h.audit, h.events = h.counts()
		h.countsOK = true
	}
	audit0, events0 := h.audit, h.events
	h.tCounts += time.Since(tc)
	mark := h.logs.mark()
	h.nreq++
	t0 := time.Now()
	resp, err := h.client.Do(req)
	h.tReq += time.Since(t0)
	if d := time.Since(t0); d > 2*time.Second {
		line := fmt.Sprintf("%s %s [%s %s] %s", op.Method, op.Pattern, c.cat, c.kind, d.Round(time.Millisecond))
		if err == nil {
			line += " → " + strconv.Itoa(resp.StatusCode)
		}
		h.slow = append(h.slow, line)
		if testing.Verbose() {
			h.t.Log("slow request: " + line)
		}
	}
	if err != nil {
		h.fail(op, req, kind, 0, "no response: "+err.Error(), "", h.logs.since(mark))
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	st := resp.StatusCode
	if trace {
		h.t.Logf("trace: %s %s [%s] → %d %.200s", op.Method, op.Pattern, kind, st, body)
	}
	if op.Method != "GET" && st < 400 {
		delete(h.freshIDs, op.key()) // it moved on; the next case gets a new one
		h.countsOK = false
		clear(h.etags) // something changed; versions may have moved
		tu := time.Now()
		h.undo(op, path, body, len(c.body) > 64<<10)
		h.tUndo += time.Since(tu)
	}
	if st >= 500 {
		h.fail(op, req, kind, st, "5xx", string(body), h.logs.since(mark))
	}
	if st >= 400 && st < 500 {
		if why := notProblem(resp, body); why != "" {
			h.fail(op, req, kind, st, "4xx not a problem: "+why, string(body), nil)
		}
	}
	if st >= 400 {
		// The counts before are those after the last request that could
		// have written (GETs do not; any successful write re-reads them).
		tc := time.Now()
		audit1, events1 := h.counts()
		h.tCounts += time.Since(tc)
		h.audit, h.events, h.countsOK = audit1, events1, true
		if audit1 != audit0 || events1 != events0 {
			h.fail(op, req, kind, st, fmt.Sprintf("refused request wrote: audit_log %d→%d, events %d→%d", audit0, audit1, events0, events1),
				string(body), nil)
		}
	}
}

// undo puts the world back after a hostile write succeeded, so that one
// case's 40,000-vertex site or 10,000-line inventory does not slow down or
// change what later cases meet: the zones a case computed are switched off
// at once; registry features made by cases are deleted and world features
// and incidents they changed are written back at once after a big body,
// else when the operation is done (tidy).
func (h *hostile) undo(op *operation, path string, body []byte, big bool) {
	defer clear(h.etags)
	if op.Method == "POST" && op.Pattern == "/api/v1/incidents/{id}/zones" {
		var run struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		_ = json.Unmarshal(body, &run)
		for _, f := range run.Features {
			zp := "/api/v1/zones/" + f.ID
			h.e.Do("PATCH", zp, auth.Admin, map[string]any{"active": false}, "If-Match", h.etag(zp))
			delete(h.etags, zp)
		}
		return
	}
	if layer := h.layerOf(op.Pattern); layer != "" && op.Method == "POST" {
		h.dirtyLayers[layer] = true
	}
	if _, ok := h.w.orig[path]; ok && (op.Method == "PUT" || op.Method == "PATCH") {
		h.dirtyPaths[path] = true
	}
	if big {
		h.tidy()
	}
}

// tidy deletes the registry features cases made and writes back the world
// features and incidents they changed.
func (h *hostile) tidy() {
	defer clear(h.etags)
	h.countsOK = false
	for layer := range h.dirtyLayers {
		var fc struct {
			Features []struct {
				ID         string         `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		r := h.e.Do("GET", fmt.Sprintf("/api/v1/%s?limit=5000&after=%d", layer, h.w.high[layer]), auth.Admin, nil)
		if r.StatusCode == 200 {
			_ = json.Unmarshal(r.Body, &fc)
		}
		for _, f := range fc.Features {
			v, _ := f.Properties["version"].(float64)
			h.e.Do("DELETE", "/api/v1/"+layer+"/"+f.ID, auth.Admin, nil, "If-Match", fmt.Sprintf(`"%d"`, int64(v)))
		}
	}
	clear(h.dirtyLayers)
	for path := range h.dirtyPaths {
		orig := h.w.orig[path]
		if strings.HasPrefix(path, "/api/v1/incidents/") {
			b := deepCopy(orig).(map[string]any)
			delete(b, "reported_at")
			b["area"] = nil
			b["casualties"] = map[string]any{"deaths": 0, "serious_injuries": 0, "trapped": 0, "missing": 0, "endangered": 0, "evacuated": 0, "direct_loss_yuan": 0}
			h.e.Do("PATCH", path, auth.Admin, b, "If-Match", h.etag(path))
		} else {
			h.e.Do("PUT", path, auth.Admin, orig, "If-Match", h.etag(path))
		}
		delete(h.etags, path)
	}
	clear(h.dirtyPaths)
}

// notProblem says why a 4xx is not a proper problem+json ("" if it is).
func notProblem(resp *http.Response, body []byte) string {
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || mt != "application/problem+json" {
		return fmt.Sprintf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		return "body is not JSON"
	}
	for _, k := range []string{"type", "title"} {
		if s, ok := p[k].(string); !ok || s == "" {
			return "no " + k
		}
	}
	if s, ok := p["status"].(float64); !ok || int(s) != resp.StatusCode {
		return fmt.Sprintf("status member %v", p["status"])
	}
	return ""
}

func (h *hostile) fail(op *operation, req *http.Request, kind string, status int, what, body string, logs []string) {
	if len(body) > 200 {
		body = body[:200]
	}
	key := strings.Join([]string{op.Method, op.Pattern, kind, strconv.Itoa(status), what, body}, "\x00")
	if f, ok := h.failures[key]; ok {
		f.n++
		return
	}
	h.failures[key] = &failure{method: op.Method, route: op.Pattern, kind: kind, what: what, status: status, body: body, logs: logs, n: 1,
		example: op.Method + " " + shorten(req.URL.RequestURI())}
}

func (h *hostile) report() {
	fs := make([]*failure, 0, len(h.failures))
	for _, f := range h.failures {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		if a.what != b.what {
			return a.what < b.what
		}
		return a.kind < b.kind
	})
	// By cause: the first server log line of each 5xx, with how many
	// distinct failures share it.
	causes := map[string]int{}
	for _, f := range fs {
		cause := f.what
		if len(f.logs) > 0 {
			cause = f.what + ": " + cut(f.logs[0], 220)
		}
		causes[cause]++
	}
	var cs []string
	for c, n := range causes {
		cs = append(cs, fmt.Sprintf("%4d × %s", n, c))
	}
	sort.Strings(cs)
	for _, f := range fs {
		logLine := ""
		if len(f.logs) > 0 {
			logLine = " | log: " + cut(strings.Join(f.logs, " ; "), 600)
		}
		h.t.Errorf("%s %s [%s] → %d %s: %q (e.g. %s)%s", f.method, f.route, f.kind, f.status, f.what, f.body, f.example, logLine)
	}
	if len(cs) > 0 {
		h.t.Logf("%d distinct failures; by cause (the server's log line):\n%s", len(fs), strings.Join(cs, "\n"))
	}
}

// cut shortens s to at most n bytes.
func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ---------------------------------------------------------------------------
// Real values for path parameters.

// idResource is the path segment before {id}: which kind of thing it names.
func idResource(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if s == "{id}" && i > 0 {
			return segs[i-1]
		}
	}
	return ""
}

func tileXY(z int, lon, lat float64) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Asinh(math.Tan(r))/math.Pi) / 2 * n)
	return x, y
}

// realValues lists the real values of a path parameter, the main one first.
func (h *hostile) realValues(op *operation, name string) []string {
	w := h.w
	switch name {
	case "collectionId":
		return w.colls
	case "featureId":
		if ids, ok := w.ids[w.colls[0]]; ok {
			return ids
		}
		return []string{w.ids["shelters"][0]}
	case "layer":
		return []string{"shelters", "hazard_sources", "population_cells", "incidents", "warnings", "zones"}
	case "z":
		return []string{"10"}
	case "x":
		x, _ := tileXY(10, hostCenter[0], hostCenter[1])
		return []string{strconv.Itoa(x)}
	case "y":
		_, y := tileXY(10, hostCenter[0], hostCenter[1])
		return []string{strconv.Itoa(y)}
	case "item":
		return []string{w.item}
	case "id":
	default:
		return []string{"1"}
	}
	p := op.Pattern
	switch res := idResource(p); res {
	case "incidents":
		switch {
		case strings.HasSuffix(p, "/transitions"):
			return []string{w.incB}
		case strings.HasSuffix(p, "/response"), strings.Contains(p, "/checklist/"):
			return []string{w.incC}
		}
		return []string{w.incA, w.incC}
	case "zones":
		return []string{w.zone, w.whatIf}
	case "warnings":
		if strings.HasSuffix(p, "/lift") {
			return []string{w.warnLift}
		}
		return []string{w.warning}
	case "teams":
		return []string{w.team}
	case "tokens":
		return []string{w.token}
	default:
		if op.Method == "DELETE" {
			return []string{w.spare[res]}
		}
		if ids, ok := w.ids[res]; ok {
			return ids
		}
	}
	return []string{"1"}
}

// fill puts values into the pattern: the given ones, else the main real one.
func (h *hostile) fill(op *operation, pattern string, vals map[string]string) string {
	out := pattern
	for _, p := range op.params("path") {
		v, ok := vals[p.Name]
		if !ok {
			v = h.realValues(op, p.Name)[0]
		}
		out = strings.Replace(out, "{"+p.Name+"}", v, 1)
	}
	return out
}

// etagPattern is the resource an If-Match refers to: the path up to {id}.
func etagPattern(pattern string) string {
	if i := strings.Index(pattern, "{id}"); i >= 0 {
		return pattern[:i+len("{id}")]
	}
	return pattern
}

// fresh makes a new resource for operations that move it through a one-way
// lifecycle, so that every body case meets a resource in its starting state
// (a refused case leaves it there, so it serves until a case succeeds).
func (h *hostile) fresh(op *operation) string {
	defer func() {
		clear(h.etags)
		h.countsOK = false
	}()
	switch {
	case strings.HasSuffix(op.Pattern, "/lift"):
		// Ten warnings a second at most (GB/T 35965.1 numbering).
		for try := 0; ; try++ {
			r := h.e.Do("POST", "/api/v1/warnings", auth.Admin, warningBody("yellow"))
			if r.StatusCode == http.StatusCreated {
				var f map[string]any
				r.JSON(h.t, &f)
				return idOf(f)
			}
			if r.StatusCode != http.StatusTooManyRequests || try == 5 {
				h.t.Fatalf("setup: issue a warning: %d %s", r.StatusCode, r.Body)
			}
			time.Sleep(time.Second)
		}
	case strings.HasSuffix(op.Pattern, "/status"):
		c := hostCenter
		h.seq++
		return idOf(h.must("POST", "/api/v1/rescue_teams", map[string]any{"type": "Feature", "geometry": gjPoint(c[0]-0.025, c[1]),
			"properties": map[string]any{"name": fmt.Sprintf("备勤队 %d", h.seq), "kind": "fire_rescue", "headcount": 8, "status": "available"}}, 201))
	}
	id := idOf(h.must("POST", "/api/v1/incidents", incidentBody(), 201))
	if strings.HasSuffix(op.Pattern, "/response") {
		h.must("POST", "/api/v1/incidents/"+id+"/transitions", map[string]any{"state": "verified", "reason": "核实"}, 200)
	}
	return id
}

func usesFresh(op *operation) bool {
	if op.Method != "POST" {
		return false
	}
	for _, s := range []string{"/transitions", "/response", "/lift", "/status"} {
		if strings.HasSuffix(op.Pattern, s) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Bases: the valid request each case spoils one thing of.

// layerOf names the registry layer of a /api/v1/{layer}... pattern.
func (h *hostile) layerOf(pattern string) string {
	segs := strings.Split(strings.TrimPrefix(pattern, "/api/v1/"), "/")
	if slices.Contains(h.w.layers, segs[0]) {
		return segs[0]
	}
	return ""
}

func (h *hostile) opFor(method, pattern string) *operation {
	for _, op := range h.ops {
		if op.Method == method && op.Pattern == pattern {
			return op
		}
	}
	return nil
}

// bodyBase is a valid body for the operation and the schema that describes
// it (for a merge patch or an import, the layer's Feature).
func (h *hostile) bodyBase(op *operation) (any, *schema) {
	w, g := h.w, h.g
	p := op.Pattern
	if layer := h.layerOf(p); layer != "" {
		post := h.opFor("POST", "/api/v1/"+layer)
		feature := g.value("", post.Body, 0)
		switch {
		case strings.HasSuffix(p, "/import"):
			return map[string]any{"type": "FeatureCollection", "features": []any{feature}}, post.Body
		case op.Method == "PATCH":
			return map[string]any{"properties": map[string]any{}}, post.Body
		case op.Method == "PUT":
			// The feature as stored: a replacement must echo what only its
			// creation sets (a team's status and last position).
			if orig, ok := w.orig["/api/v1/"+layer+"/"+w.ids[layer][0]]; ok {
				return orig, post.Body
			}
		}
		return feature, post.Body
	}
	k := op.Method + " " + p
	var base any
	switch k {
	case "POST /api/v1/incidents":
		base = incidentBody()
	case "PATCH /api/v1/incidents/{id}":
		base = map[string]any{"place": "板房沟镇某化工厂二号罐区"}
	case "POST /api/v1/incidents/{id}/reports":
		base = map[string]any{"kind": "follow_up", "tier": "county", "content": map[string]any{"unit": "某化工厂"}, "counts": map[string]any{"deaths": 0}}
	case "POST /api/v1/incidents/{id}/transitions":
		base = map[string]any{"state": "verified", "reason": "核实"}
	case "POST /api/v1/incidents/{id}/response":
		base = map[string]any{"level": "IV", "reason": "启动"}
	case "PATCH /api/v1/incidents/{id}/checklist/{item}":
		base = map[string]any{"status": "done", "note": "已完成"}
	case "POST /api/v1/incidents/{id}/zones":
		base = map[string]any{"model": "plume", "inputs": plumeInputs()}
	case "POST /api/v1/zones/what-if":
		base = map[string]any{"model": "explosion", "hazard_source_id": g.ids["hazard_source_id"],
			"inputs": map[string]any{"substance": "propane", "tntMassKg": 1000}}
	case "PATCH /api/v1/zones/{id}":
		base = map[string]any{"active": true}
	case "POST /api/v1/zones/{id}/allocation/confirm":
		var prop struct {
			Shelters []any `json:"shelters"`
		}
		r := h.e.Do("POST", "/api/v1/zones/"+w.zone+"/allocation", auth.Admin, nil)
		_ = json.Unmarshal(r.Body, &prop)
		if prop.Shelters == nil {
			prop.Shelters = []any{}
		}
		base = map[string]any{"shelters": prop.Shelters}
	case "POST /api/v1/warnings":
		b := warningBody("blue")
		b["incident_id"] = g.ids["incident_id"]
		base = b
	case "PUT /api/v1/warnings/{id}":
		base = warningBody("blue")
	case "POST /api/v1/warnings/{id}/lift":
		base = map[string]any{"reason": "泄漏已控制"}
	case "POST /api/v1/incidents/{id}/dispatch":
		base = map[string]any{"team_ids": []any{g.ids["team_ids"]}}
	case "POST /api/v1/dispatch/teams/{id}/status":
		base = map[string]any{"status": "off_duty"}
	case "POST /api/v1/positions":
		base = []any{map[string]any{"team_id": g.ids["team_id"], "lon": hostCenter[0] - 0.012, "lat": hostCenter[1],
			"observed_at": time.Now().UTC().Format(time.RFC3339)}}
	case "POST /api/v1/users":
		base = map[string]any{"name": "hostile0", "role": "viewer"}
	case "POST /api/v1/auth/login":
		base = map[string]any{"name": "viewer", "password": "wrong-password-1"}
	case "POST /api/v1/tokens":
		base = map[string]any{"label": "hostile"}
	default:
		if op.Body == nil {
			return nil, nil
		}
		base = g.value("", op.Body, 0)
	}
	return base, op.Body
}

// baseQuery is a query that makes the operation do real work, with param
// left out (the one a case spoils).
func (h *hostile) baseQuery(op *operation, param string) string {
	if op.Pattern == "/public/route" {
		// From the world's middle to its first shelter, which is open.
		var q []string
		for _, kv := range [][2]string{{"lon", "87.5"}, {"lat", "43.5"}, {"shelter", h.w.ids["shelters"][0]}} {
			if kv[0] != param {
				q = append(q, kv[0]+"="+kv[1])
			}
		}
		return strings.Join(q, "&")
	}
	if op.Pattern != "/api/v1/nearest" {
		return ""
	}
	layer := map[string]string{"status": "rescue_teams", "kind": "rescue_teams", "capability": "rescue_teams", "max_age_s": "rescue_teams",
		"min_free": "shelters", "item": "supply_depots", "min_quantity": "supply_depots", "specialty": "medical_facilities",
		"field": "experts"}[param]
	if layer == "" {
		layer = "shelters"
	}
	q := []string{}
	if param != "layer" {
		q = append(q, "layer="+layer)
	}
	if param == "incident" {
		return strings.Join(q, "&")
	}
	if param != "lon" {
		q = append(q, "lon=87.5")
	}
	if param != "lat" {
		q = append(q, "lat=43.5")
	}
	return strings.Join(q, "&")
}

// ---------------------------------------------------------------------------
// Cases.

var hostilePathValues = []string{"0", "-1", "abc", "1%00", "%00", "99999999999999999999",
	strings.Repeat("9", 400), "1.5", "2147483648", "9223372036854775808", "1e3", "0x10", "+1", "%20", "%2F", "%25", "'%20OR%201=1--", "%E4%B8%AD"}

func (h *hostile) runOp(op *operation) {
	base, root := h.bodyBase(op)
	hasBody := op.Body != nil
	ctype := ""
	if hasBody {
		ctype = "application/json"
		if !slices.Contains(op.ContentTypes, "application/json") {
			ctype = op.ContentTypes[0]
		}
	}
	var baseBody []byte
	if hasBody {
		baseBody = encode(base)
	}
	realPath := h.fill(op, op.Pattern, nil)
	etagOf := h.fill(op, etagPattern(op.Pattern), nil)
	ifm := ""
	if op.NeedsIfMatch {
		ifm = "current"
	}
	mk := func(cat, kind string) hcase {
		return hcase{cat: cat, kind: kind, role: auth.Admin, path: realPath, query: h.baseQuery(op, ""), body: baseBody,
			hasBody: hasBody, ctype: ctype, ifMatch: ifm, etagOf: etagOf}
	}
	isImport := strings.HasSuffix(op.Pattern, "/import")
	if isImport {
		mkCSV := mk
		mk = func(cat, kind string) hcase {
			c := mkCSV(cat, kind)
			c.ctype = "application/geo+json"
			return c
		}
	}

	// Path parameters: hostile values one parameter at a time, then the
	// real ones.
	var pathCases []hcase
	for _, p := range op.params("path") {
		for _, v := range h.realValues(op, p.Name) {
			c := mk("path", p.Name+"=real "+v)
			c.path = h.fill(op, op.Pattern, map[string]string{p.Name: v})
			c.etagOf = h.fill(op, etagPattern(op.Pattern), map[string]string{p.Name: v})
			pathCases = append(pathCases, c)
		}
	}
	var perPath [][]hcase
	for _, p := range op.params("path") {
		var cs []hcase
		for _, v := range hostilePathValues {
			c := mk("path", p.Name+"="+v)
			c.path = h.fill(op, op.Pattern, map[string]string{p.Name: v})
			c.etagOf = h.fill(op, etagPattern(op.Pattern), map[string]string{p.Name: v})
			cs = append(cs, c)
		}
		perPath = append(perPath, cs)
	}
	pathCases = append(pathCases, interleave(perPath)...)

	// Query parameters, documented and not: each value on each parameter,
	// value-major so that a cap keeps every parameter.
	var perParam [][]hcase
	documented := op.params("query")
	names := []string{}
	for _, p := range documented {
		names = append(names, p.Name)
	}
	for _, p := range documented {
		var vals []qv
		switch {
		case p.Name == "bbox":
			vals = append(vals, bboxValues...)
		case p.Name == "datetime":
			vals = append(vals, dateTimeValues...)
		case p.Name == "filter":
			coll := h.fill(op, "{collectionId}", nil)
			if !strings.Contains(op.Pattern, "{collectionId}") {
				coll = ""
			}
			vals = append(vals, cqlValues(h.w.queryabl[coll])...)
		case p.Schema != nil && p.Schema.Format == "date-time":
			vals = append(vals, dateTimeValues...)
		case p.Name == "identifier":
			vals = append(vals, qv{"real identifier", h.w.warnCAP}, qv{"identifier of another warning's shape", "65012100000001_20240101000000_0"})
		}
		vals = append(vals, queryValuesFor(p.Schema)...)
		var cs []hcase
		for _, v := range vals {
			c := mk("query", p.Name+"="+v.label)
			q := h.baseQuery(op, p.Name)
			if p.Name == "filter" {
				q = joinQ(q, "filter-lang=cql2-text")
			}
			c.query = joinQ(q, p.Name+"="+queryEscape(v.value))
			cs = append(cs, c)
		}
		// Repeated: a good-looking value then a bad one.
		c := mk("query", p.Name+" repeated")
		c.query = joinQ(h.baseQuery(op, p.Name), p.Name+"=1&"+p.Name+"=%00&"+p.Name+"=2")
		cs = append(cs, c)
		perParam = append(perParam, cs)
	}
	for _, u := range []string{"zz_unknown", "sort", "q", "f", "limit"} {
		if slices.Contains(names, u) {
			continue
		}
		var cs []hcase
		for _, v := range []qv{{"NUL", "\x00"}, {"SQL ' OR 1=1 --", "' OR 1=1 --"}, {"10000 chars", strings.Repeat("x", 10000)}} {
			c := mk("query", "undocumented "+u+"="+v.label)
			c.query = joinQ(h.baseQuery(op, ""), u+"="+queryEscape(v.value))
			cs = append(cs, c)
		}
		perParam = append(perParam, cs)
	}
	queryCases := interleave(perParam)
	rawQ := mk("query", "raw bad escape %zz")
	rawQ.query = joinQ(h.baseQuery(op, ""), "a=%zz&%00=1&=&&")
	queryCases = append([]hcase{rawQ}, queryCases...)

	// Headers.
	var headerCases []hcase
	for _, v := range []string{"xx-XX;q=abc", strings.Repeat("en,", 2000) + "zh"} {
		c := mk("header", "Accept-Language: "+shorten(v))
		c.headers = []string{"Accept-Language", v}
		headerCases = append(headerCases, c)
	}
	if op.NeedsIfMatch {
		c := mk("header", "If-Match absent")
		c.ifMatch = ""
		headerCases = append(headerCases, c)
		for _, v := range []string{"garbage", `"999999999999999999999"`, `W/"1"`, "*", `""`, `"1", "2"`, `"-1"`, "W/" + h.etag(etagOf),
			`"` + strings.Repeat("9", 5000) + `"`, `"' OR 1=1 --"`, "1", `"`, `"0"`, `"1.5"`} {
			c := mk("header", "If-Match: "+shorten(v))
			c.ifMatch = v
			headerCases = append(headerCases, c)
		}
	}
	for _, v := range []string{"zh-CN,zh;q=0.9,en;q=0.8", "en-US", "*", "zh-Hant-TW-u-nu-hanidec"} {
		c := mk("header", "Accept-Language: "+shorten(v))
		c.headers = []string{"Accept-Language", v}
		headerCases = append(headerCases, c)
	}
	if op.Method == "GET" {
		for _, v := range []string{"application/xml", "text/html", "*/*;q=0", "application/geo+json;q=abc", "text/csv"} {
			c := mk("header", "Accept: "+v)
			c.headers = []string{"Accept", v}
			headerCases = append(headerCases, c)
		}
		for _, v := range []string{`"garbage"`, "*", `W/"1"`, `"` + strings.Repeat("9", 3000) + `"`} {
			c := mk("header", "If-None-Match: "+shorten(v))
			c.headers = []string{"If-None-Match", v}
			headerCases = append(headerCases, c)
		}
	}

	// Bodies.
	var bodyCases []hcase
	if hasBody && !isImport {
		var bcs []bodyCase
		bcs = append(bcs, wholeBodyCases(base)...)
		// The slow giants (a 40,000-vertex polygon, 10,000 inventory
		// lines, 100,000-element lists) go to POST only; PUT and PATCH
		// check a feature the same way.
		bigArray := 10000
		if op.Method == "POST" {
			bigArray = 100000
		}
		bcs = append(bcs, h.g.fieldCases(root, base, nil, caseOpts{bigArray: bigArray, bigGeometry: op.Method == "POST"})...)
		sort.SliceStable(bcs, func(i, j int) bool { return bcs[i].prio < bcs[j].prio })
		for _, b := range bcs {
			c := mk("body", b.kind)
			c.bodyFn = func() []byte { return h.unique(b.bytes(), base) }
			bodyCases = append(bodyCases, c)
		}
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data; boundary=x", "application/json; charset=utf-16"} {
			c := mk("body", "Content-Type lies: "+strconv.Quote(ct))
			c.ctype = ct
			bodyCases = append(bodyCases, c)
		}
		if usesFresh(op) {
			for i := range bodyCases {
				bodyCases[i].path = strings.Replace(op.Pattern, "{id}", "{fresh}", 1)
				bodyCases[i].etagOf = strings.Replace(etagPattern(op.Pattern), "{id}", "{fresh}", 1)
			}
		}
	}

	var importCases []hcase
	if isImport {
		importCases = h.importCases(op, base, root, mk)
	}

	cp := writeCaps
	if op.Method == "GET" {
		cp = readCaps
	}
	// Bodies first: where a route allows only a few tries (five logins a
	// client), those go to the body cases.
	var all []hcase
	// The valid body goes last of all, whatever the cap: on a one-way
	// route it moves the resource on.
	var valid []hcase
	bodyCases = slices.DeleteFunc(bodyCases, func(c hcase) bool {
		if c.kind == "valid base" {
			valid = append(valid, c)
			return true
		}
		return false
	})
	all = append(all, capped(bodyCases, cp.body)...)
	all = append(all, capped(importCases, cp.imports)...)
	all = append(all, capped(pathCases, cp.path)...)
	all = append(all, capped(queryCases, cp.query)...)
	all = append(all, capped(headerCases, cp.header)...)
	all = append(all, valid...)
	if op.Method == "GET" {
		var viewer []hcase
		for _, c := range capped(pathCases, cp.viewerPath) {
			c.role = auth.Viewer
			viewer = append(viewer, c)
		}
		for _, c := range capped(queryCases, cp.viewerQuery) {
			c.role = auth.Viewer
			viewer = append(viewer, c)
		}
		all = append(all, viewer...)
	}
	// Within an operation, DELETE's real-id cases last (they succeed once).
	if op.Method == "DELETE" {
		sort.SliceStable(all, func(i, j int) bool {
			return !strings.Contains(all[i].kind, "=real") && strings.Contains(all[j].kind, "=real")
		})
	}
	for _, c := range all {
		h.do(op, c)
	}
}

// interleave takes the first case of each list, then the second, ...
func interleave(lists [][]hcase) []hcase {
	var out []hcase
	for i := 0; ; i++ {
		added := false
		for _, cs := range lists {
			if i < len(cs) {
				out = append(out, cs[i])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

func capped(cs []hcase, n int) []hcase {
	if len(cs) > n {
		return cs[:n]
	}
	return cs
}

func joinQ(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "&" + b
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:60] + fmt.Sprintf("…(%d chars)", len(s))
	}
	return s
}

// unique gives a created thing a name and code of its own, so that one
// case's success does not turn every later one into a conflict.
func (h *hostile) unique(body []byte, _ any) []byte {
	h.seq++
	suffix := []byte("-" + strconv.Itoa(h.seq))
	return generatedName.ReplaceAllFunc(body, func(m []byte) []byte { return append(slices.Clip(m), suffix...) })
}

// trace logs every hostile request and its answer (HOSTILE_TRACE=1).
var trace = os.Getenv("HOSTILE_TRACE") != ""

// generatedName is a name or code gen made up.
var generatedName = regexp.MustCompile(`hostile[0-9]+`)

// ---------------------------------------------------------------------------
// Imports.

// csvOf writes the feature as a CSV header and row: geometry as WKT,
// string lists ;-separated, other lists as JSON.
func csvOf(feature map[string]any) (header, row []string) {
	header = append(header, "wkt")
	row = append(row, wktOf(feature["geometry"]))
	props, _ := feature["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		header = append(header, n)
		switch v := props[n].(type) {
		case string:
			row = append(row, v)
		case []any:
			strs := true
			var ss []string
			for _, e := range v {
				s, ok := e.(string)
				strs = strs && ok
				ss = append(ss, s)
			}
			if strs {
				row = append(row, strings.Join(ss, ";"))
			} else {
				b, _ := json.Marshal(v)
				row = append(row, string(b))
			}
		case nil:
			row = append(row, "")
		case map[string]any:
			row = append(row, wktOf(v))
		default:
			row = append(row, fmt.Sprint(v))
		}
	}
	return header, row
}

func wktOf(g any) string {
	m, _ := g.(map[string]any)
	coords := func(c any) string {
		var parts []string
		for _, p := range c.([]any) {
			xy := p.([]any)
			parts = append(parts, fmt.Sprint(xy[0])+" "+fmt.Sprint(xy[1]))
		}
		return strings.Join(parts, ",")
	}
	switch m["type"] {
	case "Point":
		xy := m["coordinates"].([]any)
		return fmt.Sprintf("POINT(%v %v)", xy[0], xy[1])
	case "LineString":
		return "LINESTRING(" + coords(m["coordinates"]) + ")"
	case "Polygon":
		var rings []string
		for _, r := range m["coordinates"].([]any) {
			rings = append(rings, "("+coords(r)+")")
		}
		return "POLYGON(" + strings.Join(rings, ",") + ")"
	}
	return ""
}

// csvLine is one CSV record, quoted as needed, without its line end.
func csvLine(cells []string) string {
	return strings.TrimSuffix(string(writeCSV(cells)), "\n")
}

func writeCSV(rows ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range rows {
		_ = w.Write(r)
	}
	w.Flush()
	return b.Bytes()
}

func (h *hostile) importCases(op *operation, base any, root *schema, mk func(cat, kind string) hcase) []hcase {
	fc := base.(map[string]any)
	feature := fc["features"].([]any)[0].(map[string]any)
	var out []hcase
	add := func(kind, ctype string, body []byte, dry bool) {
		c := mk("import", kind)
		c.ctype = ctype
		c.body = h.unique(body, fc)
		if dry {
			c.kind += " (dry run)"
			c.query = "dry_run=true"
		}
		out = append(out, c)
	}
	addLazy := func(kind, ctype string, b bodyCase) {
		c := mk("import", kind)
		c.ctype = ctype
		c.bodyFn = func() []byte { return h.unique(b.bytes(), fc) }
		out = append(out, c)
	}
	layer := h.layerOf(op.Pattern)
	full := h.g.fullValue("", h.opFor("POST", "/api/v1/"+layer).Body).(map[string]any)
	header, row := csvOf(full)
	// The free-text properties (no enum, no format): where a NUL gets
	// past validation.
	var free []string
	props := h.g.schemaAt(root, []string{"properties"})
	for _, n := range header {
		if ps := h.g.resolve(props.Properties[n]); ps != nil && ps.kind() == "string" && len(ps.Enum) == 0 && ps.Format == "" {
			free = append(free, n)
		}
	}
	nulCol := header[len(header)-1]
	if len(free) > 0 {
		nulCol = free[0]
	}
	withRow := func(r []string) []byte { return writeCSV(header, r) }
	setCell := func(col, v string) []string {
		r := slices.Clone(row)
		for i, hname := range header {
			if hname == col {
				r[i] = v
			}
		}
		return r
	}
	bad := func(n int, cell string) []byte {
		rows := [][]string{header}
		for range n {
			rows = append(rows, setCell(nulCol, cell))
		}
		return writeCSV(rows...)
	}
	hdr := strings.Join(header, ",") + "\n"
	csvCases := []struct {
		kind string
		body []byte
	}{
		{"csv quote error a,\"b", []byte(hdr + "a,\"b\n")},
		{"csv quote error \"a\"b\"", []byte(hdr + "\"a\"b\"," + csvLine(row[1:]) + "\n")},
		{"csv NUL in a cell", withRow(setCell(nulCol, nul))},
		{"csv NUL in the header", []byte(strings.Replace(hdr, "wkt", "w\x00kt", 1) + csvLine(row) + "\n")},
		{"csv BOM only", []byte("\xEF\xBB\xBF")},
		{"csv header only", []byte(hdr)},
		{"csv empty", []byte("")},
		{"csv 10000 bad rows (NUL)", bad(10000, nul)},
		{"csv 10000 bad rows (bad WKT)", func() []byte {
			rows := [][]string{header}
			for range 10000 {
				rows = append(rows, setCell("wkt", "POINT(x y)"))
			}
			return writeCSV(rows...)
		}()},
		{"csv valid row", withRow(row)},
		{"csv duplicate column", []byte("wkt," + hdr + "POINT(87.5 43.5)," + csvLine(row) + "\n")},
		{"csv unknown column", []byte("zz_unknown," + hdr + "x," + csvLine(row) + "\n")},
		{"csv row too long", []byte(hdr + csvLine(row) + ",extra,extra\n")},
		{"csv CR line endings", []byte(strings.ReplaceAll(string(withRow(row)), "\n", "\r"))},
		{"csv invalid UTF-8", []byte(hdr + strings.Replace(csvLine(row), "POINT", "\xff\xfePOINT", 1) + "\n")},
		{"csv 100000-char header", []byte(strings.Repeat("x", 100000) + "\n1\n")},
		{"csv lon/lat NaN", writeCSV([]string{"lon", "lat", header[len(header)-1]}, []string{"NaN", "NaN", row[len(row)-1]})},
		{"csv lon/lat 1e400", writeCSV([]string{"lon", "lat", header[len(header)-1]}, []string{"1e400", "43.5", row[len(row)-1]})},
		{"csv lon/lat NUL", writeCSV([]string{"lon", "lat", header[len(header)-1]}, []string{nul, "43.5", row[len(row)-1]})},
	}
	for i, cc := range csvCases {
		add(cc.kind, "text/csv", cc.body, false)
		if i < 10 {
			add(cc.kind, "text/csv", cc.body, true)
		}
	}
	// Content-Type lies.
	csvBody, gjBody := withRow(row), encode(fc)
	for _, l := range []struct {
		kind, ctype string
		body        []byte
	}{
		{"CSV sent as application/geo+json", "application/geo+json", csvBody},
		{"GeoJSON sent as text/csv", "text/csv", gjBody},
		{"GeoJSON sent as text/plain", "text/plain", gjBody},
		{"GeoJSON without Content-Type", "", gjBody},
		{"CSV as text/csv; charset=gbk", "text/csv; charset=gbk", csvBody},
		{"GeoJSON as multipart/form-data", "multipart/form-data; boundary=x", gjBody},
		{"CSV as application/json", "application/json", csvBody},
		{"Content-Type garbage", "a/b/c; ;=", gjBody},
	} {
		add("content-type lie: "+l.kind, l.ctype, l.body, false)
	}

	// GeoJSON: the collection as a whole.
	fcCases := []struct {
		kind string
		body any
	}{
		{"geojson features null", map[string]any{"type": "FeatureCollection", "features": nil}},
		{"geojson features a string", map[string]any{"type": "FeatureCollection", "features": "x"}},
		{"geojson features [null]", map[string]any{"type": "FeatureCollection", "features": []any{nil}}},
		{"geojson features [[]]", map[string]any{"type": "FeatureCollection", "features": []any{[]any{}}}},
		{"geojson a single Feature", feature},
		{"geojson type NUL", map[string]any{"type": "Feature\x00Collection", "features": []any{feature}}},
		{"geojson 2000 features with NUL", func() any {
			fs := make([]any, 0, 2000)
			for range 2000 {
				f := deepCopy(full).(map[string]any)
				p := f["properties"].(map[string]any)
				for _, k := range free {
					p[k] = nul
				}
				fs = append(fs, f)
			}
			return map[string]any{"type": "FeatureCollection", "features": fs}
		}()},
		{"geojson crs garbage", map[string]any{"type": "FeatureCollection", "features": []any{feature}, "crs": map[string]any{"type": "name", "properties": map[string]any{"name": nul}}}},
	}
	for _, fcc := range fcCases {
		add(fcc.kind, "application/geo+json", encode(fcc.body), false)
	}
	for _, b := range wholeBodyCases(fc) {
		addLazy("geojson "+b.kind, "application/geo+json", b)
	}

	// WKT cells.
	wktVals := []qv{{"bow-tie", "POLYGON((87.5 43.5,87.51 43.51,87.51 43.5,87.5 43.51,87.5 43.5))"},
		{"unclosed", "POLYGON((87.5 43.5,87.51 43.5,87.51 43.51,87.5 43.51))"}, {"POINT(NaN NaN)", "POINT(NaN NaN)"},
		{"POINT(1000 1000)", "POINT(1000 1000)"}, {"SRID=abc", "SRID=abc;POINT(87.5 43.5)"}, {"SRID=999999", "SRID=999999;POINT(87.5 43.5)"},
		{"POINT EMPTY", "POINT EMPTY"}, {"GEOMETRYCOLLECTION EMPTY", "GEOMETRYCOLLECTION EMPTY"},
		{"POINT Z", "POINT Z (87.5 43.5 1e308)"}, {"NUL", "POINT(87.5 43.5)\x00"}, {"hex EWKB garbage", "0101000020E6100000"}}
	for _, v := range wktVals {
		add("csv wkt="+v.label, "text/csv", withRow(setCell("wkt", v.value)), false)
	}

	// The long tail, interleaved: the feature's fields in GeoJSON and the
	// row's cells in CSV.
	var gj, cells []hcase
	wrap := func(f any) any { return map[string]any{"type": "FeatureCollection", "features": []any{f}} }
	// In a file (64 MiB allowed) a 100,000-line list takes the server
	// seconds per feature; 10,000 lines is hostile enough for the sweep.
	fcs := h.g.fieldCases(root, feature, wrap, caseOpts{bigArray: 10000, bigGeometry: true})
	sort.SliceStable(fcs, func(i, j int) bool { return fcs[i].prio < fcs[j].prio })
	n := len(out)
	for _, b := range fcs {
		addLazy("geojson feature "+b.kind, "application/geo+json", b)
	}
	gj, out = slices.Clone(out[n:]), out[:n]
	cellVals := []qv{{"NUL", nul}, {"100000 chars", long100k}, {"2147483648", "2147483648"}, {"1e308", "1e308"}, {"NaN", "NaN"},
		{"-1", "-1"}, {"9999-99-99", "9999-99-99"}, {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"}}
	// Each value into every column of the kind it may break (NUL into
	// text, overflow into integers, 1e308 into numbers), else into two.
	kindOf := func(col string) string {
		if ps := h.g.resolve(props.Properties[col]); ps != nil {
			return ps.kind()
		}
		return ""
	}
	everywhere := map[string]string{"NUL": "string", "2147483648": "integer", "1e308": "number"}
	for _, v := range cellVals {
		n := 0
		for _, col := range header[1:] {
			if k, ok := everywhere[v.label]; ok && kindOf(col) == k || n < 2 {
				add("csv "+col+"="+v.label, "text/csv", withRow(setCell(col, v.value)), false)
				n++
			}
		}
	}
	cells, out = slices.Clone(out[n:]), out[:n]
	for i := 0; i < len(gj) || i < len(cells); i++ {
		if i < len(gj) {
			out = append(out, gj[i])
		}
		if i < len(cells) {
			out = append(out, cells[i])
		}
	}
	return out
}
