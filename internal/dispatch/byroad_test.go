package dispatch_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/routing/routingtest"
)

// km places a point km east and north of the centre.
func km(east, north float64) orb.Point {
	return geo.ToLonLat(centre, geo.Offset{East: east * 1000, North: north * 1000})
}

type roadResp struct {
	By      string `json:"by"`
	Ranking string `json:"ranking"`
	Results []struct {
		ID        int64   `json:"id"`
		Name      string  `json:"name"`
		DistanceM float64 `json:"distance_m"`
		Road      *struct {
			Reachable bool            `json:"reachable"`
			OffRoad   bool            `json:"off_road"`
			ETAMin    float64         `json:"eta_min"`
			DistanceM float64         `json:"distance_m"`
			Geometry  json.RawMessage `json:"geometry"`
		} `json:"road"`
	} `json:"results"`
}

func (r roadResp) names() []string {
	var out []string
	for _, x := range r.Results {
		out = append(out, x.Name)
	}
	return out
}

// valleyAndRidge loads a hand-made network around the centre (I, the
// incident's place, at km 0, 0):
//
//	R (0,8) ── track ──────────────────────────── (30,8)
//	                                                 │ track
//	I (0,0) ═══ valley road ═══ V (15,0) ═══════ (30,0)
//	     U (3,3) ─ (4,3)   a road joined to nothing
//
// and four available teams at R, V, U and W (5, -5), 5 km from any road.
// As the crow flies U (4.2 km) is nearest, then W (7.1 km), R (8 km) and V
// (15 km); by road V is 15 minutes away, R over an hour round the ridge,
// no road reaches U, and W is off the network.
func valleyAndRidge(t *testing.T, e *apitest.Env) {
	t.Helper()
	routingtest.Load(t, e.Pool,
		routingtest.Road{OSMID: 1, Class: "primary", Line: orb.LineString{km(0, 0), km(15, 0), km(30, 0)}},
		routingtest.Road{OSMID: 2, Class: "track", Line: orb.LineString{km(0, 8), km(30, 8), km(30, 0)}},
		routingtest.Road{OSMID: 3, Class: "unclassified", Line: orb.LineString{km(3, 3), km(4, 3)}})
	ctx := context.Background()
	for name, p := range map[string]orb.Point{"山梁队": km(0, 8), "河谷队": km(15, 0), "孤路队": km(3, 3), "荒野队": km(5, -5)} {
		if _, err := e.Pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status, capabilities)
			VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, 'fire_rescue', 10, 'available', '{}')`, p[0], p[1], name); err != nil {
			t.Fatal(err)
		}
	}
	announceTeams(t, e)
	waitIndexed(t, e)
}

func nearestByRoad(t *testing.T, e *apitest.Env, query string) roadResp {
	t.Helper()
	r := e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon="+strconv.FormatFloat(centre[0], 'f', -1, 64)+"&lat="+strconv.FormatFloat(centre[1], 'f', -1, 64)+query, auth.Viewer, nil)
	if r.StatusCode != 200 {
		t.Fatalf("nearest%s: %d %s", query, r.StatusCode, r.Body)
	}
	var got roadResp
	r.JSON(t, &got)
	return got
}

// The valley team beats the one nearer across the ridge; the team no road
// reaches, nearest as the crow flies, is listed last and said so.
func TestNearestByRoad(t *testing.T) {
	e := apitest.Start(t)
	valleyAndRidge(t, e)

	got := nearestByRoad(t, e, "&k=2")
	if got.By != "road" || len(got.Results) != 4 {
		t.Fatalf("by road, k=2: %s %v, want road: 河谷队, 山梁队, then 孤路队 and 荒野队 unreachable", got.By, got.names())
	}
	valley, ridge, cut, wild := got.Results[0], got.Results[1], got.Results[2], got.Results[3]
	if valley.Name != "河谷队" || ridge.Name != "山梁队" || cut.Name != "孤路队" || wild.Name != "荒野队" {
		t.Fatalf("order %v, want 河谷队, 山梁队, 孤路队, 荒野队", got.names())
	}
	if cut.Road.OffRoad || !wild.Road.OffRoad || wild.Road.Reachable {
		t.Fatalf("孤路队 %+v, 荒野队 %+v: want the first on a road no route reaches, the second off the network", cut.Road, wild.Road)
	}
	// 15 km of primary road at 60 km/h; 38 km of track at 15 and 30 km of
	// primary for the ridge team.
	if !valley.Road.Reachable || valley.Road.ETAMin != 15 || valley.Road.DistanceM < 14900 || valley.Road.DistanceM > 15100 {
		t.Fatalf("valley team's road %+v, want 15 min over 15 km", valley.Road)
	}
	if ridge.Road.ETAMin < 150 || ridge.DistanceM > 8100 {
		t.Fatalf("ridge team %+v road %+v, want 8 km away and over 150 min by road", ridge, ridge.Road)
	}
	if cut.Road.Reachable || string(cut.Road.Geometry) != "null" {
		t.Fatalf("cut-off team's road %+v, want unreachable", cut.Road)
	}

	// Asked for straight-line, the crow's order, and no road.
	got = nearestByRoad(t, e, "&k=2&by=straight_line")
	if got.By != "straight_line" || len(got.Results) != 2 || got.Results[0].Name != "孤路队" || got.Results[1].Name != "荒野队" ||
		got.Results[0].Road != nil {
		t.Fatalf("straight-line k=2: %s %v, want 孤路队, 荒野队 without road", got.By, got.names())
	}
	// Asked from a place 5 km from any road: no road times at all, so the
	// crow's order, saying why.
	r := e.Do("GET", "/api/v1/nearest?layer=rescue_teams&k=2&lon="+strconv.FormatFloat(km(0, -5)[0], 'f', -1, 64)+
		"&lat="+strconv.FormatFloat(km(0, -5)[1], 'f', -1, 64), auth.Viewer, nil)
	r.JSON(t, &got)
	if got.By != "straight_line" || !strings.Contains(got.Ranking, "超出已加载路网") || got.Results[0].Name != "荒野队" {
		t.Fatalf("from off the network: %s %q %v, want straight-line, saying why", got.By, got.Ranking, got.names())
	}
	p := apitest.ExpectProblem(t, e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&by=car", auth.Viewer, nil), 422)
	if f := apitest.FieldsOf(p); len(f) != 1 || f[0] != "by" {
		t.Fatalf("by=car: fields %v, want by", f)
	}
}

// Without roads the answer is straight-line and says so.
func TestNearestWithoutRoadsSaysStraightLine(t *testing.T) {
	e := apitest.Start(t)
	waitIndexed(t, e)
	got := nearestByRoad(t, e, "&by=road")
	if got.By != "straight_line" || got.Ranking == "" {
		t.Fatalf("no roads: by %q ranking %q, want straight_line and why", got.By, got.Ranking)
	}
}

// A search that fails (here: the closures table gone from under it) does
// not fail the list: it is answered straight-line, saying so.
func TestNearestSurvivesAFailedRoadSearch(t *testing.T) {
	e := apitest.Start(t)
	valleyAndRidge(t, e)
	if _, err := e.Pool.Exec(context.Background(), `ALTER TABLE road_closures RENAME TO road_closures_gone`); err != nil {
		t.Fatal(err)
	}
	got := nearestByRoad(t, e, "&k=2")
	if got.By != "straight_line" || !strings.Contains(got.Ranking, "暂时无法计算") || len(got.Results) != 2 {
		t.Fatalf("after a failed search: %s %q %v, want straight-line, saying why", got.By, got.Ranking, got.names())
	}
}
