package layers_test

import (
	"context"
	"encoding/json"
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

// BenchmarkDecode10k is the Go half of an import: 10,000 sensitive sites
// checked without a database (a dry run's parse and Decode only).
func BenchmarkDecode10k(b *testing.B) {
	features := siteFeatures(10000)
	raws := make([][]byte, len(features))
	for i, f := range features {
		raws[i], _ = json.Marshal(f)
	}
	for b.Loop() {
		for _, raw := range raws {
			if _, err := layers.SensitiveSites.Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	}
}
