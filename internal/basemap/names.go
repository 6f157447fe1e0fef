package basemap

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// nameClusterDeg joins the segments of one road (or river) with one name
// into one search result while they lie within about 2 km of each other; two
// roads of the same name in different villages stay two results.
const nameClusterDeg = 0.02

// namesSQL fills basemap_names from the load: places, roads and railways
// and rivers by name (and route number), named water areas and townships.
// A line's point is the point on it nearest its middle. $1 is
// nameClusterDeg, $2 the classes in order of importance (roads, rivers).
var namesSQL = []struct {
	sql  string
	args []any
}{
	{`INSERT INTO basemap_names (kind, class, name, point, extent)
		SELECT 'place', class, name, geom, geom FROM basemap_places`, nil},
	{`INSERT INTO basemap_names (kind, class, name, ref, point, extent)
		SELECT 'road', (array_agg(class ORDER BY array_position($2::text[], class)))[1], name, ref,
			ST_ClosestPoint(ST_Collect(geom), ST_Centroid(ST_Collect(geom))), ST_Envelope(ST_Collect(geom))
		FROM (SELECT COALESCE(name, ref) AS name, ref, class, geom,
				ST_ClusterDBSCAN(geom, $1, 1) OVER (PARTITION BY COALESCE(name, ref), ref) AS cluster
			FROM basemap_roads WHERE name IS NOT NULL OR ref IS NOT NULL) r
		GROUP BY name, ref, cluster`, []any{nameClusterDeg, RoadClasses}},
	{`INSERT INTO basemap_names (kind, class, name, point, extent)
		SELECT 'railway', min(class), name, ST_ClosestPoint(ST_Collect(geom), ST_Centroid(ST_Collect(geom))), ST_Envelope(ST_Collect(geom))
		FROM (SELECT name, class, geom, ST_ClusterDBSCAN(geom, $1, 1) OVER (PARTITION BY name) AS cluster
			FROM basemap_railways WHERE name IS NOT NULL) r
		GROUP BY name, cluster`, []any{nameClusterDeg}},
	{`INSERT INTO basemap_names (kind, class, name, point, extent)
		SELECT 'water', (array_agg(class ORDER BY array_position($2::text[], class)))[1], name,
			ST_ClosestPoint(ST_Collect(geom), ST_Centroid(ST_Collect(geom))), ST_Envelope(ST_Collect(geom))
		FROM (SELECT name, class, geom, ST_ClusterDBSCAN(geom, $1, 1) OVER (PARTITION BY name) AS cluster
			FROM basemap_waterways WHERE name IS NOT NULL) r
		GROUP BY name, cluster`, []any{nameClusterDeg, WaterwayClasses}},
	{`INSERT INTO basemap_names (kind, class, name, point, extent)
		SELECT 'water', class, name, ST_PointOnSurface(geom), ST_Envelope(geom) FROM basemap_water WHERE name IS NOT NULL`, nil},
	{`INSERT INTO basemap_names (kind, class, name, point, extent)
		SELECT 'township', 'admin_level_8', name, label, ST_Envelope(geom) FROM basemap_boundaries WHERE admin_level = 8`, nil},
}

func fillNames(ctx context.Context, tx pgx.Tx) (int64, error) {
	var n int64
	for _, q := range namesSQL {
		tag, err := tx.Exec(ctx, q.sql, q.args...)
		if err != nil {
			return 0, err
		}
		n += tag.RowsAffected()
	}
	return n, nil
}
