package dispatch_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/dispatch"
	"sitrep/internal/pgtest"
	"sitrep/routing"
)

// gridSide is the synthetic road grid's vertices per side: 224 × 224 over
// the county's extent (86.95–87.85°E, 43.05–43.85°N, ~72 × 89 km), one
// road every ~400 m, 100,352 edges. Synthetic, and stated so: larger than
// a county of mountains and valleys holds in OpenStreetMap, so a fair
// upper bound for the county's own roads.
const gridSide = 224

// roadGrid loads the grid as OSM-like ways (a road per row and per
// column, meeting at shared vertices) and builds the network.
func roadGrid(b *testing.B, pool *pgxpool.Pool) routing.Stats {
	b.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO basemap_roads (osm_id, class, oneway, geom)
		SELECT row_number() OVER (), 'secondary', 0, ST_SetSRID(ST_MakeLine(pt ORDER BY j), 4326)
		FROM (SELECT i, j, horizontal,
				CASE WHEN horizontal THEN ST_MakePoint(86.95 + j * 0.9 / ($1 - 1), 43.05 + i * 0.8 / ($1 - 1))
				     ELSE ST_MakePoint(86.95 + i * 0.9 / ($1 - 1), 43.05 + j * 0.8 / ($1 - 1)) END AS pt
			FROM generate_series(0, $1 - 1) i, generate_series(0, $1 - 1) j, (VALUES (true), (false)) h(horizontal)) p
		GROUP BY i, horizontal`, float64(gridSide)); err != nil {
		b.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	st, err := routing.Build(ctx, tx)
	if err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkNearestByRoad is nearest-by-road, k = 10, on the synthetic grid
// with 2,000 available teams over it: the straight-line candidates
// (dispatch.RoadCandidates(10) = 30) and their re-ranking by driving time
// (snapping, the danger-zone check, one bounded many-to-one search, the
// routes' lines), against the bare pgRouting query alone — pgr_dijkstra
// from the same 30 teams' nearest vertices to the incident's over the
// whole network, with no snapping, no zones and no lines. Ratio the ns/op;
// p50-ms is Sitrep's median per answer.
//
//	go test -run '^$' -bench NearestByRoad -benchtime 200x ./internal/dispatch/
func BenchmarkNearestByRoad(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	st := roadGrid(b, pool)
	b.Logf("synthetic grid: %d vertices, %d edges", st.Vertices, st.Edges)
	if _, err := pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status, capabilities)
		SELECT ST_SetSRID(ST_MakePoint(86.95 + random() * 0.9, 43.05 + random() * 0.8), 4326), 't' || g, 'fire_rescue', 5, 'available', '{}'
		FROM generate_series(1, 2000) g`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	s := dispatch.NewStore(pool)
	s.Router = routing.NewRouter(pool)
	// Incidents at a ring of places, so no answer is the previous one's.
	places := [][2]float64{{87.40, 43.45}, {87.10, 43.20}, {87.70, 43.70}, {87.20, 43.70}, {87.60, 43.20}}
	query := func(i int) dispatch.NearestQuery {
		p := places[i%len(places)]
		return dispatch.NearestQuery{Layer: "rescue_teams", Lon: p[0], Lat: p[1], K: 10, Values: url.Values{"status": {"available"}}}
	}

	b.Run("sitrep", func(b *testing.B) {
		var took []time.Duration
		i := 0
		for b.Loop() {
			start := time.Now()
			q := query(i)
			i++
			wide := q
			wide.K = dispatch.RoadCandidates(q.K)
			cands, _, _, err := s.Nearest(ctx, wide)
			if err != nil {
				b.Fatal(err)
			}
			res, err := s.RankByRoadForTest(ctx, q, cands)
			if err != nil || len(res) < q.K {
				b.Fatalf("%d results: %v", len(res), err)
			}
			took = append(took, time.Since(start))
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	})

	// The bare query's vertices, found once, outside the timing.
	type question struct {
		teams  []int64
		target int64
	}
	var bare []question
	for i := range places {
		q := query(i)
		q.K = dispatch.RoadCandidates(10)
		cands, _, _, err := s.Nearest(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		var qu question
		for _, c := range cands {
			var v int64
			if err := pool.QueryRow(ctx, `SELECT v.id FROM routing_vertices v, rescue_teams t WHERE t.id = $1
				ORDER BY v.geom <-> t.geom LIMIT 1`, c.ID).Scan(&v); err != nil {
				b.Fatal(err)
			}
			qu.teams = append(qu.teams, v)
		}
		if err := pool.QueryRow(ctx, `SELECT id FROM routing_vertices ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1`,
			q.Lon, q.Lat).Scan(&qu.target); err != nil {
			b.Fatal(err)
		}
		bare = append(bare, qu)
	}
	b.Run("bare-pgr_dijkstra", func(b *testing.B) {
		i := 0
		for b.Loop() {
			qu := bare[i%len(bare)]
			i++
			rows, err := pool.Query(ctx, `SELECT end_vid, agg_cost FROM pgr_dijkstra(
				'SELECT id, target AS source, source AS target, cost, reverse_cost FROM routing_edges', $1::bigint, $2::bigint[], true)
				WHERE edge = -1`, qu.target, qu.teams)
			if err != nil {
				b.Fatal(err)
			}
			rows.Close()
			if rows.Err() != nil {
				b.Fatal(rows.Err())
			}
		}
	})
}
