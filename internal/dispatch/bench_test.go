package dispatch_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"sitrep/internal/dispatch"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

// Benchmarks run only with -bench; each sits beside the raw PostGIS query
// for the same question (report ns/op ratios).
//
//	go test -run '^$' -bench . -benchtime 200x ./dispatch/
func BenchmarkNearest(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		pool := pgtest.New(b)
		ctx := context.Background()
		// Generated in SQL (a million rows in seconds), in chunks that each
		// fit the pool's statement timeout.
		for lo := 1; lo <= n; lo += 100_000 {
			if _, err := pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status, capabilities, last_position, observed_at)
			SELECT ST_SetSRID(ST_MakePoint(86.9 + random(), 43.0 + random()), 4326), 't' || g, 'fire_rescue', 5,
			       (ARRAY['available', 'dispatched', 'on_scene'])[1 + g % 3], CASE WHEN g % 2 = 0 THEN ARRAY['hazmat'] ELSE '{}' END,
			       CASE WHEN g % 4 <> 0 THEN ST_SetSRID(ST_MakePoint(86.9 + random(), 43.0 + random()), 4326) END,
			       CASE WHEN g % 4 <> 0 THEN now() - g % 7200 * interval '1 second' END
			FROM generate_series($1::int, $2::int) g`, lo, min(n, lo+99_999)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := pool.Exec(ctx, `ANALYZE rescue_teams`); err != nil {
			b.Fatal(err)
		}
		q := dispatch.NearestQuery{Layer: "rescue_teams", Lon: 87.4, Lat: 43.5, K: 10, Values: url.Values{"status": {"available"}}}
		b.Run(fmt.Sprintf("sitrep/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := dispatch.Nearest(ctx, pool, q); err != nil {
					b.Fatal(err)
				}
			}
		})
		// Raw PostGIS: KNN on geography (sphere distance order, index-assisted).
		b.Run(fmt.Sprintf("raw-geography-knn/%d", n), func(b *testing.B) {
			for b.Loop() {
				rows, err := pool.Query(ctx, `SELECT id, ST_Distance(COALESCE(last_position, geom)::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)
					FROM rescue_teams WHERE status = 'available'
					ORDER BY COALESCE(last_position, geom)::geography <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT 10`, 87.4, 43.5)
				if err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
		})
	}
}

// BenchmarkIngest posts batches of 100 fixes (100 teams, one each).
func BenchmarkIngest(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		SELECT ST_SetSRID(ST_MakePoint(86.9 + random(), 43.0 + random()), 4326), 't' || g, 'fire_rescue', 5, 'en_route'
		FROM generate_series(1, 100) g`); err != nil {
		b.Fatal(err)
	}
	s := dispatch.NewStore(pool)
	t0 := time.Now().Add(-24 * time.Hour)
	batch := func(i int) []dispatch.Fix {
		out := make([]dispatch.Fix, 100)
		for j := range out {
			lon, lat := 87.0+float64(j)/100, 43.5+float64(i%100)/1000
			out[j] = dispatch.Fix{TeamID: int64(j + 1), Lon: &lon, Lat: &lat, ObservedAt: t0.Add(time.Duration(i) * time.Second)}
		}
		return out
	}
	b.Run("sitrep/100-fixes", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := s.Ingest(ctx, journal.Actor{Name: "bench"}, batch(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Raw PostGIS: the same fixes inserted and the teams updated, no journal,
	// no fences.
	b.Run("raw-insert-update/100-fixes", func(b *testing.B) {
		i := 1 << 20
		for b.Loop() {
			i++
			fx := batch(i)
			ids, lons, lats, ts := make([]int64, 100), make([]float64, 100), make([]float64, 100), make([]time.Time, 100)
			for j, f := range fx {
				ids[j], lons[j], lats[j], ts[j] = f.TeamID, *f.Lon, *f.Lat, f.ObservedAt
			}
			if _, err := pool.Exec(ctx, `WITH f AS (SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS f(id, t, lon, lat)),
				ins AS (INSERT INTO team_positions (team_id, observed_at, geom) SELECT id, t, ST_SetSRID(ST_MakePoint(lon, lat), 4326) FROM f ON CONFLICT DO NOTHING)
				UPDATE rescue_teams r SET last_position = ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), observed_at = f.t FROM f WHERE r.id = f.id`,
				ids, ts, lons, lats); err != nil {
				b.Fatal(err)
			}
		}
	})
}
