package dispatch_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"sitrep/geo"
	"sitrep/internal/apitest"
	"sitrep/internal/auth"
	"sitrep/internal/dispatch"
	"sitrep/internal/journal"
	"sitrep/internal/registry"
)

var centre = orb.Point{87.4, 43.5}

type nearestResp struct {
	Seq     *int64 `json:"seq"`
	Results []struct {
		ID           int64    `json:"id"`
		DistanceM    float64  `json:"distance_m"`
		PositionAgeS *float64 `json:"position_age_s"`
	} `json:"results"`
}

type team struct {
	id     int64
	p      orb.Point
	status string
	caps   []string
	age    *time.Duration
}

// seedTeams inserts n random teams around the county centre: a third with a
// recent position, a third with an old one, a third at their home base.
func seedTeams(t *testing.T, e *apitest.Env, n int, rng *rand.Rand) []team {
	t.Helper()
	statuses := []string{"available", "dispatched", "on_scene"}
	capsets := [][]string{{"hazmat"}, {"rope_rescue"}, {"hazmat", "confined_space"}, {}}
	var out []team
	for i := range n {
		home := orb.Point{centre[0] - 0.5 + rng.Float64(), centre[1] - 0.3 + rng.Float64()*0.6}
		tm := team{p: home, status: statuses[i%3], caps: capsets[i%4]}
		var last *string
		var observed *time.Time
		if i%3 != 2 {
			p := orb.Point{centre[0] - 0.5 + rng.Float64(), centre[1] - 0.3 + rng.Float64()*0.6}
			age := time.Duration(rng.IntN(7200)) * time.Second
			ts := time.Now().Add(-age)
			s := fmt.Sprintf(`{"type":"Point","coordinates":[%v,%v]}`, p[0], p[1])
			last, observed, tm.p, tm.age = &s, &ts, p, &age
		}
		if err := e.Pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status, capabilities, last_position, observed_at)
			VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, 'fire_rescue', 10, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6::text), 4326), $7) RETURNING id`,
			home[0], home[1], "team "+strconv.Itoa(i), tm.status, tm.caps, last, observed).Scan(&tm.id); err != nil {
			t.Fatal(err)
		}
		out = append(out, tm)
	}
	announceTeams(t, e)
	return out
}

// announceTeams says on the event stream that rescue teams were written
// behind the journal's back (the seeds above), as a bulk import does: the
// in-memory team index reloads.
func announceTeams(t *testing.T, e *apitest.Env) {
	t.Helper()
	if _, err := journal.Write(context.Background(), e.Pool, journal.Actor{Name: "test"}, func(pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "rescue_teams", EntityID: "*", Action: registry.ActionReload, Topic: "rescue_teams",
			Event: map[string]any{"layer": "rescue_teams", "reason": "test"}}}, nil
	}); err != nil {
		t.Fatal(err)
	}
}

// Nearest equals the true k nearest (Vincenty in Go over every team) on
// random data, with and without filters, and the query uses the GiST index.
// The HTTP answer comes from the in-memory team index once it has loaded
// (it carries seq); PostgreSQL's query is held to the same trials.
func TestNearestAgainstBruteForce(t *testing.T) {
	e := apitest.Start(t)
	pcg := rand.NewPCG(1, 2)
	rng := rand.New(pcg)
	teams := seedTeams(t, e, 600, rng)
	if _, err := e.Pool.Exec(context.Background(), `ANALYZE rescue_teams`); err != nil {
		t.Fatal(err)
	}
	// Both answers get the same questions.
	state, err := pcg.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	questions := func() *rand.Rand {
		p := &rand.PCG{}
		if err := p.UnmarshalBinary(state); err != nil {
			t.Fatal(err)
		}
		return rand.New(p)
	}
	waitIndexed(t, e)
	bruteForceTrials(t, questions(), teams, func(query string) nearestResp {
		r := e.Do("GET", "/api/v1/nearest?layer=rescue_teams"+query, auth.Viewer, nil)
		if r.StatusCode != 200 {
			t.Fatalf("nearest: %d %s", r.StatusCode, r.Body)
		}
		var got nearestResp
		r.JSON(t, &got)
		if got.Seq == nil {
			t.Fatalf("nearest%s: no seq, so not from the team index", query)
		}
		return got
	})
	bruteForceTrials(t, questions(), teams, func(query string) nearestResp {
		v, err := url.ParseQuery(strings.TrimPrefix(query, "&"))
		if err != nil {
			t.Fatal(err)
		}
		q := dispatch.NearestQuery{Layer: "rescue_teams", K: 5, Values: v}
		q.Lon, _ = strconv.ParseFloat(v.Get("lon"), 64)
		q.Lat, _ = strconv.ParseFloat(v.Get("lat"), 64)
		q.K, _ = strconv.Atoi(v.Get("k"))
		v.Del("lon")
		v.Del("lat")
		v.Del("k")
		res, err := dispatch.Nearest(context.Background(), e.Pool, q)
		if err != nil {
			t.Fatal(err)
		}
		var got nearestResp
		for _, r := range res {
			got.Results = append(got.Results, struct {
				ID           int64    `json:"id"`
				DistanceM    float64  `json:"distance_m"`
				PositionAgeS *float64 `json:"position_age_s"`
			}{r.ID, r.DistanceM, r.PositionAgeS})
		}
		return got
	})
	// max_distance_m cuts the answer.
	var got nearestResp
	e.Do("GET", fmt.Sprintf("/api/v1/nearest?layer=rescue_teams&lon=%v&lat=%v&k=50&max_distance_m=5000", centre[0], centre[1]), auth.Viewer, nil).JSON(t, &got)
	for _, r := range got.Results {
		if r.DistanceM > 5000 {
			t.Fatalf("result at %v m beyond max_distance_m", r.DistanceM)
		}
	}
	// Bad parameters are named.
	p := apitest.ExpectProblem(t, e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon=87&lat=43&k=0&colour=red", auth.Viewer, nil), 422)
	if f := apitest.FieldsOf(p); !slices.Contains(f, "k") || !slices.Contains(f, "colour") {
		t.Fatalf("fields %v", f)
	}
}

// The candidate pass walks the GiST index in distance order (KNN), and the
// exact pass uses the geography index.
func TestNearestUsesIndex(t *testing.T) {
	e := apitest.Start(t)
	rng := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	if _, err := e.Pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		SELECT ST_SetSRID(ST_MakePoint(87 + random(), 43 + random()), 4326), 't' || g, 'fire_rescue', 5, 'available'
		FROM generate_series(1, 20000) g`); err != nil {
		t.Fatal(err)
	}
	_ = rng
	if _, err := e.Pool.Exec(ctx, `ANALYZE rescue_teams`); err != nil {
		t.Fatal(err)
	}
	plan := explainNearest(t, e)
	for _, idx := range []string{"rescue_teams_pos_idx", "rescue_teams_pos_geog_idx"} {
		if !strings.Contains(plan, idx) {
			t.Fatalf("plan does not use %s:\n%s", idx, plan)
		}
	}
	if !strings.Contains(plan, "Order By") {
		t.Fatalf("no KNN ordered index scan:\n%s", plan)
	}
}

func explainNearest(t *testing.T, e *apitest.Env) string {
	t.Helper()
	rows, err := e.Pool.Query(context.Background(), "EXPLAIN "+dispatch.NearestSQLForTest(nil), 87.5, 43.5, 40, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// waitIndexed waits until /nearest answers rescue teams from the team
// index (its answer carries seq).
func waitIndexed(t *testing.T, e *apitest.Env) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var got nearestResp
		e.Do("GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&k=1", auth.Viewer, nil).JSON(t, &got)
		if got.Seq != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the team index did not load within 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bruteForceTrials asks 30 random questions (k 1–12; no filter, status,
// capability, max_age_s with two statuses) and holds each answer to the
// true k nearest by Vincenty over every team.
func bruteForceTrials(t *testing.T, rng *rand.Rand, teams []team, ask func(query string) nearestResp) {
	t.Helper()
	for trial := range 30 {
		q := orb.Point{centre[0] - 0.4 + rng.Float64()*0.8, centre[1] - 0.25 + rng.Float64()*0.5}
		k := 1 + rng.IntN(12)
		var filter func(team) bool
		params := ""
		switch trial % 4 {
		case 1:
			params, filter = "&status=available", func(t team) bool { return t.status == "available" }
		case 2:
			params, filter = "&capability=hazmat", func(t team) bool { return slices.Contains(t.caps, "hazmat") }
		case 3:
			params, filter = "&max_age_s=3600&status=available,on_scene", func(t team) bool {
				return t.age != nil && *t.age < 3590*time.Second && t.status != "dispatched"
			}
		}
		type cand struct {
			id int64
			d  float64
		}
		var all []cand
		for _, tm := range teams {
			if filter == nil || filter(tm) {
				all = append(all, cand{tm.id, geo.Distance(q, tm.p)})
			}
		}
		slices.SortFunc(all, func(a, b cand) int { return int(math.Copysign(1, a.d-b.d)) })
		want := all[:min(k, len(all))]
		got := ask(fmt.Sprintf("&lon=%v&lat=%v&k=%d%s", q[0], q[1], k, params))
		if len(got.Results) != len(want) {
			t.Fatalf("trial %d: %d results, want %d", trial, len(got.Results), len(want))
		}
		for i, w := range want {
			g := got.Results[i]
			if g.ID != w.id || math.Abs(g.DistanceM-w.d) > 0.01 {
				t.Fatalf("trial %d (%s) rank %d: got team %d at %.3f m, want %d at %.3f m", trial, params, i, g.ID, g.DistanceM, w.id, w.d)
			}
		}
	}
}
