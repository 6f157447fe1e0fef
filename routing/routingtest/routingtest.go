// Package routingtest loads small hand-made road networks for tests: rows
// of basemap_roads, as an OpenStreetMap import would leave them, and the
// network routing.Build makes of them in a transaction of its own, as the
// import does in its.
package routingtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"sitrep/routing"
)

// Road is one OSM way: its id, highway class, oneway (1 along the line,
// -1 against it, 0 both ways), maxspeed in km/h (nil: the class's) and
// line.
type Road struct {
	OSMID    int64
	Class    string
	Oneway   int
	MaxSpeed *int
	Line     orb.LineString
}

// Insert stores the roads in basemap_roads.
func Insert(t testing.TB, pool *pgxpool.Pool, roads ...Road) {
	t.Helper()
	for _, r := range roads {
		if _, err := pool.Exec(context.Background(), `INSERT INTO basemap_roads (osm_id, class, oneway, maxspeed, geom)
			VALUES ($1, $2, $3, $4, ST_GeomFromText($5, 4326))`, r.OSMID, r.Class, r.Oneway, r.MaxSpeed, wkt.MarshalString(r.Line)); err != nil {
			t.Fatal(err)
		}
	}
}

// Build makes the network of the roads stored, in a transaction of its own.
func Build(t testing.TB, pool *pgxpool.Pool) routing.Stats {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
	st, err := routing.Build(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// Load stores the roads and builds their network.
func Load(t testing.TB, pool *pgxpool.Pool, roads ...Road) routing.Stats {
	t.Helper()
	Insert(t, pool, roads...)
	return Build(t, pool)
}

// Lines are roads of one class, both ways, numbered from 1 in order.
func Lines(class string, lines ...orb.LineString) []Road {
	out := make([]Road, len(lines))
	for i, l := range lines {
		out[i] = Road{OSMID: int64(i + 1), Class: class, Line: l}
	}
	return out
}
