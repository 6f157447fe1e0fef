package layers_test

import (
	"context"
	"testing"

	"sitrep/internal/layers"

	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/internal/registry"
)

// BenchmarkImport10k imports 10,000 sensitive sites (GeoJSON, a tenth of
// them polygons) into a fresh database per iteration, without HTTP.
func BenchmarkImport10k(b *testing.B) {
	body := collection(siteFeatures(10000))
	for b.Loop() {
		b.StopTimer()
		pool := pgtest.New(b)
		b.StartTimer()
		rep, err := layers.SensitiveSites.Import(context.Background(), pool, journal.Actor{Name: "bench"}, "geojson", body, registry.ImportOptions{})
		if err != nil || rep.Created != 10000 {
			b.Fatalf("%v %+v", err, rep)
		}
	}
}
