package tiles_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"sitrep/internal/auth"
	"sitrep/internal/pgtest"
	"sitrep/internal/tiles"
)

// BenchmarkTiles renders random z10–z14 tiles over 1,000,000 points
// through the tile service (HTTP handler, cache off so every request
// renders), and the same tiles with the bare ST_AsMVT query alone, and
// reports both and their ratio. The points (random over the county's box)
// are generated only when the benchmark runs.
//
//	go test -run '^$' -bench Tiles -benchtime 300x ./tiles/
func BenchmarkTiles(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	start := time.Now()
	for _, q := range []string{
		`CREATE TABLE bench_points (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			geom geometry(Point, 4326) NOT NULL, name text NOT NULL, people integer NOT NULL)`,
		`INSERT INTO bench_points (geom, name, people)
		 SELECT ST_SetSRID(ST_MakePoint(86.8 + random() * 1.1, 43.0 + random() * 0.9), 4326), 'p' || i, (random() * 1000)::int
		 FROM generate_series(1, 1000000) i`,
		`CREATE INDEX bench_points_geom_idx ON bench_points USING gist (geom)`,
		`ANALYZE bench_points`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("1M points loaded and indexed in %s", time.Since(start).Round(time.Millisecond))
	layer := &tiles.Layer{Name: "bench", Topic: "bench", From: "bench_points t", ID: "t.id", Geom: "t.geom",
		MinZoom: 0, MaxZoom: 22, Permission: auth.ReadMap, Props: []tiles.Prop{{Name: "name", SQL: "t.name", Type: "String"},
			{Name: "people", SQL: "t.people", Type: "Number"}}}
	svc := tiles.NewWith(pool, nil, []*tiles.Layer{layer}, 0)
	r := chi.NewRouter()
	r.Route("/tiles", svc.Routes)
	// The handler checks the permission; a benchmark has no user, so it
	// runs with the permission check satisfied by a wrapper.
	h := withUser(r)

	const raw = `SELECT ST_AsMVT(m.*, 'bench') FROM (
		SELECT ST_AsMVTGeom(ST_Transform(t.geom, 3857), ST_TileEnvelope($1, $2, $3)) AS geom, t.name, t.people
		FROM bench_points t WHERE t.geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) m`

	rng := rand.New(rand.NewPCG(1, 2))
	type tile struct{ z, x, y int }
	ts := make([]tile, b.N)
	for i := range ts {
		z := 10 + rng.IntN(5)
		x, y := tileOf(86.8+rng.Float64()*1.1, 43.0+rng.Float64()*0.9, z)
		ts[i] = tile{z, x, y}
	}
	var svcTime, rawTime time.Duration
	var bytes int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := ts[i]
		s := time.Now()
		req := httptest.NewRequest("GET", "/tiles/bench/"+itoa(t.z)+"/"+itoa(t.x)+"/"+itoa(t.y)+".mvt", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
			b.Fatalf("tile %v: %d %s", t, w.Code, w.Body)
		}
		svcTime += time.Since(s)
		bytes += w.Body.Len()
		s = time.Now()
		var mvt []byte
		if err := pool.QueryRow(ctx, raw, t.z, t.x, t.y).Scan(&mvt); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(s)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(svcTime.Microseconds())/1000/n, "service-ms/tile")
	b.ReportMetric(float64(rawTime.Microseconds())/1000/n, "raw-ms/tile")
	b.ReportMetric(float64(svcTime)/float64(rawTime), "service/raw")
	b.ReportMetric(float64(bytes)/n, "bytes/tile")
}
