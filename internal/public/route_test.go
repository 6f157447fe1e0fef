package public

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"sitrep/geo"
	"sitrep/internal/pgtest"
	"sitrep/internal/warnings"
	"sitrep/routing/routingtest"
)

// routeOrigin is where the test's roads lie, in the county; places are km
// east and north of it.
var routeOrigin = orb.Point{87.5, 43.5}

func km(east, north float64) orb.Point {
	return geo.ToLonLat(routeOrigin, geo.Offset{East: east * 1000, North: north * 1000})
}

// routeEnv is a database with a square county around routeOrigin and four
// shelters, with the public routes served from a Cache on it.
type routeEnv struct {
	t        *testing.T
	pool     *pgxpool.Pool
	cache    *Cache
	live     *fakeLive
	handler  http.Handler
	shelters map[string]int64 // by name
}

func newRouteEnv(t *testing.T) *routeEnv {
	t.Helper()
	pool := pgtest.New(t)
	ctx := t.Context()
	if _, err := pool.Exec(ctx, `INSERT INTO admin_areas (code, name, is_county, attribution, geom)
		VALUES ('650121', '乌鲁木齐县', true, '测试', ST_Multi(ST_MakeEnvelope(87.3, 43.3, 87.7, 43.7, 4326)))`); err != nil {
		t.Fatal(err)
	}
	e := &routeEnv{t: t, pool: pool, live: &fakeLive{ready: true}, shelters: map[string]int64{}}
	for _, s := range []struct {
		name, status     string
		at               orb.Point
		capacity, inside int
	}{
		{"东沟中学", "open", km(4, 0.05), 500, 10},   // by the road's end
		{"孤岛避难点", "open", km(10, 10.05), 100, 0}, // on a road no other reaches
		{"关闭的避难点", "closed", km(2, 0.05), 100, 0},
		{"已满的避难点", "open", km(2, -0.05), 100, 100},
	} {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO shelters (name, class, capacity, status, occupancy, geom)
			VALUES ($1, 'emergency', $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326)) RETURNING id`,
			s.name, s.capacity, s.status, s.inside, s.at.Lon(), s.at.Lat()).Scan(&id); err != nil {
			t.Fatal(err)
		}
		e.shelters[s.name] = id
	}
	e.cache = NewCache(pool, warnings.NewStore(pool), e.live, slog.New(slog.DiscardHandler))
	r := chi.NewRouter()
	e.cache.Routes(r)
	e.handler = r
	return e
}

// loadRoads inserts a residential road from the origin 4 km east and a
// secondary road 10 km north-east that joins nothing, and builds the
// network, as the basemap import does.
func (e *routeEnv) loadRoads() {
	e.t.Helper()
	routingtest.Load(e.t, e.pool,
		routingtest.Road{OSMID: 1, Class: "residential", Line: orb.LineString{km(0, 0), km(2, 0), km(4, 0)}},
		routingtest.Road{OSMID: 2, Class: "secondary", Line: orb.LineString{km(10, 10), km(11, 10)}})
	// The import's commit is on the live stream.
	e.live.send("basemap")
}

// ask requests GET /public/route?query and returns the status, the
// decoded answer or problem, and the header.
func (e *routeEnv) ask(query string) (int, map[string]any, http.Header) {
	e.t.Helper()
	req := httptest.NewRequestWithContext(e.t.Context(), http.MethodGet, RoutePath+"?"+query, nil)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		e.t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
	}
	return rec.Code, body, rec.Header()
}

func (e *routeEnv) to(p orb.Point, shelter string) string {
	return fmt.Sprintf("lon=%.6f&lat=%.6f&shelter=%d", p.Lon(), p.Lat(), e.shelters[shelter])
}

// routeOK asks and fails unless the answer is a 200 whose road is want.
func (e *routeEnv) routeOK(query, want string) map[string]any {
	e.t.Helper()
	code, body, _ := e.ask(query)
	if code != http.StatusOK || body["road"] != want {
		e.t.Fatalf("%s: %d, road %v, want 200 %s: %v", query, code, body["road"], want, body)
	}
	return body
}

// Before roads are loaded the answer says so plainly, with the straight
// line; once they are, it is the road route in minutes and kilometres with
// its line; a shelter no road reaches is said to be so.
func TestPublicRoute(t *testing.T) {
	e := newRouteEnv(t)
	from := km(0, 0.02) // 20 m from the road's start
	none := e.routeOK(e.to(from, "东沟中学"), roadNoNetwork)
	if none["text"] != "未加载道路数据，仅显示直线距离" || none["route"] != nil || none["minutes"] != nil {
		t.Fatalf("no network: %v", none)
	}
	if d := none["straight_m"].(float64); d < 3900 || d > 4100 {
		t.Fatalf("straight line %v m, want about 4 km", d)
	}

	e.loadRoads()
	got := e.routeOK(e.to(from, "东沟中学"), roadRoute)
	if k := got["km"].(float64); k != 4.0 {
		t.Fatalf("km %v, want 4.0: %v", k, got)
	}
	// 4 km of residential road takes minutes, not seconds or hours.
	if m := got["minutes"].(float64); m < 2 || m > 30 {
		t.Fatalf("minutes %v: %v", m, got)
	}
	if got["text"] != fmt.Sprintf("驾车约 %d 分钟，4.0 公里", int(got["minutes"].(float64))) {
		t.Fatalf("text %q", got["text"])
	}
	line := got["route"].(map[string]any)["geometry"].(map[string]any)
	if line["type"] != "LineString" || len(line["coordinates"].([]any)) < 2 {
		t.Fatalf("line: %v", line)
	}

	island := e.routeOK(e.to(from, "孤岛避难点"), roadUnreachable)
	if island["text"] != "没有可通行的道路到达这里（道路封闭或危险区域也会挡住），仅显示直线距离" || island["minutes"] != nil {
		t.Fatalf("unreachable: %v", island)
	}
	// 3 km from every road: the network does not cover the reader.
	off := e.routeOK(e.to(km(2, 3), "东沟中学"), roadOffRoad)
	if off["text"] != "您离最近的道路太远，算不出道路路线，仅显示直线距离" || off["minutes"] != nil {
		t.Fatalf("off the road: %v", off)
	}
}

// A route names the zones the page shows that it drives into, and no
// other: a drill's zone across the same road stays unmentioned, as does
// its incident.
func TestPublicRouteZones(t *testing.T) {
	e := newRouteEnv(t)
	e.loadRoads()
	e.zone(km(1, 0), "东沟村外围区域", false)
	e.zone(km(3, 0), "演练外围区域", true)
	e.live.send("zones")
	got := e.routeOK(e.to(routeOrigin, "东沟中学"), roadRoute)
	zs := got["route"].(map[string]any)["zones"].([]any)
	if len(zs) != 1 || zs[0].(map[string]any)["name"] != "东沟村外围区域" || zs[0].(map[string]any)["entered"] != true {
		t.Fatalf("zones on the way: %v", zs)
	}
	want := fmt.Sprintf("驾车约 %d 分钟，4.0 公里；路线经过危险区域（东沟村外围区域），请听从现场指挥", int(got["minutes"].(float64)))
	if got["text"] != want {
		t.Fatalf("text %q, want %q", got["text"], want)
	}
	b, _ := json.Marshal(got)
	for _, secret := range []string{"演练", "incident_id", "rule"} {
		if strings.Contains(string(b), secret) {
			t.Fatalf("the public route holds %q: %s", secret, b)
		}
	}
}

// zone stores an active outer-level zone (driven through, at a cost) of
// 300 m around centre, of a real incident or a drill.
func (e *routeEnv) zone(centre orb.Point, name string, drill bool) {
	e.t.Helper()
	circle, err := geo.Circle(centre, 300, 32)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx := e.t.Context()
	var incident, run int64
	if err := e.pool.QueryRow(ctx, `INSERT INTO incidents (kind, occurred_at, reported_at, drill, grade, grade_reasons, at_risk, state, state_since)
		VALUES ('hazardous_chemicals', now(), now(), $1, 'IV', '[]', false, 'reported', now()) RETURNING id`, drill).Scan(&incident); err != nil {
		e.t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `INSERT INTO zone_runs (incident_id, what_if, model, model_name, model_version, inputs, result,
			evacuate_levels, at, day, created_by)
		VALUES ($1, false, 'protective', '测试', '1', '{}', '{}', '{1}', now(), true, 'test') RETURNING id`, incident).Scan(&run); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO zones (run_id, incident_id, level, name, threshold, threshold_unit, extent_m, evacuate, active, geom)
		VALUES ($1, $2, 2, $3, 0, 'm', 300, false, true, ST_Multi(ST_GeomFromText($4, 4326)))`,
		run, incident, name, wkt.MarshalString(circle)); err != nil {
		e.t.Fatal(err)
	}
}

// A shelter the page does not list (closed, full, unknown) and a position
// that is no position, or far from the county, are refused naming the
// field; nothing is routed for them.
func TestPublicRouteRefusals(t *testing.T) {
	e := newRouteEnv(t)
	e.loadRoads()
	at := km(0, 0)
	for _, c := range []struct{ query, field string }{
		{e.to(at, "关闭的避难点"), "shelter"},
		{e.to(at, "已满的避难点"), "shelter"},
		{"lon=87.5&lat=43.5&shelter=999999", "shelter"},
		{"lon=87.5&lat=43.5&shelter=abc", "shelter"},
		{"lon=87.5&lat=43.5&shelter=0", "shelter"},
		{"lon=87.5&lat=43.5", "shelter"},
		{fmt.Sprintf("lon=200&lat=43.5&shelter=%d", e.shelters["东沟中学"]), "lon"},
		{fmt.Sprintf("lon=NaN&lat=43.5&shelter=%d", e.shelters["东沟中学"]), "lon"},
		{fmt.Sprintf("lon=87.5&lat=abc&shelter=%d", e.shelters["东沟中学"]), "lat"},
		{fmt.Sprintf("lon=87.5&shelter=%d", e.shelters["东沟中学"]), "lat"},
		{fmt.Sprintf("lon=87.5&lon=87.6&lat=43.5&shelter=%d", e.shelters["东沟中学"]), "lon"},
		{fmt.Sprintf("lon=87.5&lat=43.5&shelter=%d&x=1", e.shelters["东沟中学"]), "x"},
		// Beijing: a valid position, far beyond the county.
		{fmt.Sprintf("lon=116.4&lat=39.9&shelter=%d", e.shelters["东沟中学"]), "lon"},
		{fmt.Sprintf("lon=87.5&lat=46.5&shelter=%d", e.shelters["东沟中学"]), "lat"},
	} {
		code, body, h := e.ask(c.query)
		if code != http.StatusUnprocessableEntity || h.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %v, want a 422 problem", c.query, code, h.Get("Content-Type"), body)
			continue
		}
		named := false
		for _, fe := range body["errors"].([]any) {
			named = named || fe.(map[string]any)["field"] == c.field
		}
		if !named {
			t.Errorf("%s: the problem does not name %s: %v", c.query, c.field, body)
		}
	}
	if n := e.cache.RoutesComputed(); n != 0 {
		t.Fatalf("refused requests computed %d routes", n)
	}
	// 30 km west of the county's edge is near enough to ask (and far from
	// the test's roads).
	e.routeOK(fmt.Sprintf("lon=%.4f&lat=43.5&shelter=%d", geo.ToLonLat(orb.Point{87.3, 43.5}, geo.Offset{East: -30000}).Lon(), e.shelters["东沟中学"]), roadOffRoad)
}

// Readers in one ~100 m cell asking for one shelter share an answer: a
// crowd computes it once, however many ask at the same moment; another
// cell computes its own; a commit that may change routes (a zone) drops
// the answers.
func TestPublicRouteCache(t *testing.T) {
	e := newRouteEnv(t)
	e.loadRoads()
	var wg sync.WaitGroup
	for i := range 20 {
		// Within 30 m of one another, all in the cell of (87.500, 43.500).
		p := geo.ToLonLat(routeOrigin, geo.Offset{East: float64(i), North: float64(i)})
		wg.Go(func() {
			code, body, _ := e.ask(e.to(p, "东沟中学"))
			if code != http.StatusOK || body["road"] != roadRoute {
				t.Errorf("%d %v", code, body)
			}
		})
	}
	wg.Wait()
	if n := e.cache.RoutesComputed(); n != 1 {
		t.Fatalf("20 readers in one cell computed %d routes, want 1", n)
	}
	_, _, h := e.ask(e.to(routeOrigin, "东沟中学"))
	if e.cache.RoutesComputed() != 1 || h.Get("Cache-Control") != cacheControl {
		t.Fatalf("a cached answer: %d routes, Cache-Control %q", e.cache.RoutesComputed(), h.Get("Cache-Control"))
	}
	e.routeOK(e.to(km(1, 0), "东沟中学"), roadRoute)
	if n := e.cache.RoutesComputed(); n != 2 {
		t.Fatalf("another cell: %d routes, want 2", n)
	}
	e.live.send("rescue_teams")
	e.routeOK(e.to(routeOrigin, "东沟中学"), roadRoute)
	if n := e.cache.RoutesComputed(); n != 2 {
		t.Fatalf("a commit no route depends on dropped the answers: %d routes", n)
	}
	for i, topic := range []string{"zones", roadClosuresTopic} {
		e.live.send(topic)
		e.routeOK(e.to(routeOrigin, "东沟中学"), roadRoute)
		if n := e.cache.RoutesComputed(); n != int64(3+i) {
			t.Fatalf("after a %s commit: %d routes, want %d", topic, n, 3+i)
		}
	}
}

// With every route slot taken, a reader is answered at once with the
// straight line and told the road route is busy, not an error, and the
// answer is not kept; once a slot frees, the route is computed.
func TestPublicRouteBusy(t *testing.T) {
	e := newRouteEnv(t)
	e.loadRoads()
	e.cache.routeWait = 0
	for range MaxRouting {
		e.cache.slots <- struct{}{}
	}
	code, body, h := e.ask(e.to(routeOrigin, "东沟中学"))
	if code != http.StatusOK || body["road"] != roadBusy || body["straight_m"].(float64) < 3900 || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("busy: %d %v %v", code, body, h)
	}
	if n := e.cache.RoutesComputed(); n != 0 {
		t.Fatalf("busy computed %d routes", n)
	}
	for range MaxRouting {
		<-e.cache.slots
	}
	e.routeOK(e.to(routeOrigin, "东沟中学"), roadRoute)
	if n := e.cache.RoutesComputed(); n != 1 {
		t.Fatalf("after the slots freed: %d routes, want 1", n)
	}
}

// Without a county to measure from, reach is the listed shelters' extent
// grown by ReachM; with neither, there is none; a margin that would wrap
// round the antimeridian takes the whole way instead.
func TestReachOf(t *testing.T) {
	if reachOf(nil, nil) != nil {
		t.Fatal("a reach with no county and no shelter")
	}
	r := reachOf(nil, []listedShelter{{Lon: 87.5, Lat: 43.5}, {Lon: 87.6, Lat: 43.6}})
	for _, c := range []struct {
		p    orb.Point
		want bool
	}{
		{geo.ToLonLat(orb.Point{87.5, 43.5}, geo.Offset{East: -45000}), true},
		{geo.ToLonLat(orb.Point{87.5, 43.5}, geo.Offset{East: -55000}), false},
		{geo.ToLonLat(orb.Point{87.6, 43.6}, geo.Offset{North: 45000}), true},
		{geo.ToLonLat(orb.Point{87.6, 43.6}, geo.Offset{North: 55000}), false},
		{orb.Point{0, 43.5}, false},
	} {
		if got := r.Contains(c.p); got != c.want {
			t.Errorf("%v in %v: %v, want %v", c.p, r, got, c.want)
		}
	}
	if w := reachOf(&orb.Bound{Min: orb.Point{179.9, 10}, Max: orb.Point{179.95, 10.1}}, nil); w.Max.Lon() != 180 || w.Min.Lon() > 179.9 {
		t.Errorf("by the antimeridian: %v", w)
	}
}
