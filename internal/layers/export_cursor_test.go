package layers_test

import (
	"context"
	"io"
	"testing"
	"time"

	"sitrep/internal/db"
	"sitrep/internal/layers"
	"sitrep/internal/pgtest"
)

// Exports of different layers one after another on the same connection:
// each declares the same cursor name with its own columns, so a statement
// cached for one layer's FETCH must not be reused for another's.
func TestExportsOfDifferentLayersShareAConnection(t *testing.T) {
	ctx := context.Background()
	pool, err := db.Open(ctx, pgtest.NewMigratedDatabase(t), db.Options{StatementTimeout: 30 * time.Second, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for round := range 3 {
		for _, l := range layers.All {
			if _, err := l.WriteCSV(ctx, pool, io.Discard); err != nil {
				t.Fatalf("round %d, %s as CSV: %v", round, l.Name, err)
			}
			if _, err := l.WriteGeoJSON(ctx, pool, io.Discard); err != nil {
				t.Fatalf("round %d, %s as GeoJSON: %v", round, l.Name, err)
			}
		}
	}
}
