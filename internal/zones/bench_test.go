package zones_test

import (
	"context"
	"testing"

	"sitrep/internal/pgtest"
	"sitrep/internal/zones"
)

// BenchmarkImpact: what is inside a 2.3 km-radius zone over a million
// population cells (a 1000 × 1000 grid of ~80 m × 110 m cells), beside the
// raw PostGIS area-weighted sum. Runs only with -bench.
//
//	go test -run '^$' -bench Impact -benchtime 20x ./zones/
func BenchmarkImpact(b *testing.B) {
	pool := pgtest.New(b)
	ctx := context.Background()
	for lo := 0; lo < 1000; lo += 100 { // chunks within the statement timeout
		if _, err := pool.Exec(ctx, `INSERT INTO population_cells (geom, night_people, day_people)
		SELECT ST_MakeEnvelope(86.9 + i * 0.001, 43.0 + j * 0.001, 86.9 + (i + 1) * 0.001, 43.0 + (j + 1) * 0.001, 4326),
		       (i * 7 + j * 13) % 500, (i * 3 + j * 5) % 800
		FROM generate_series($1::int, $1::int + 99) i, generate_series(0, 999) j`, lo); err != nil {
			b.Fatal(err)
		}
	}
	var zoneID int64
	if err := pool.QueryRow(ctx, `WITH r AS (INSERT INTO zone_runs (what_if, model, model_name, model_version, inputs, result, evacuate_levels, at, day, created_by)
			VALUES (true, 'explosion', 'bench', '0', '{}', '{}', '{1}', now(), false, 'bench') RETURNING id)
		INSERT INTO zones (run_id, level, name, threshold, threshold_unit, extent_m, evacuate, active, geom)
		SELECT r.id, 1, 'bench', 0, 'm', 2300, true, false,
		       ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(87.4, 43.5), 4326)::geography, 2300)::geometry) FROM r RETURNING id`).Scan(&zoneID); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE population_cells`); err != nil {
		b.Fatal(err)
	}
	s, err := zones.New(pool, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sitrep/1M-cells", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Impact(ctx, zoneID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("raw-area-weighted-sum/1M-cells", func(b *testing.B) {
		for b.Loop() {
			var n float64
			if err := pool.QueryRow(ctx, `SELECT sum(c.night_people * ST_Area(ST_Intersection(c.geom, z.geom)::geography) / ST_Area(c.geom::geography))
				FROM population_cells c, zones z WHERE z.id = $1 AND ST_Intersects(c.geom, z.geom)`, zoneID).Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
}
