// Package areas keeps the administrative boundaries: the county this server
// serves and its neighbours. They draw the map's context and decide whether a
// location lies inside the county.
package areas

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

// Attribution must accompany the OpenStreetMap-derived boundaries wherever
// they are drawn (ODbL 1.0); in Chinese, as the page shows it to people.
const Attribution = "© OpenStreetMap 贡献者（ODbL 1.0）"

// Store reads and writes admin_areas.
type Store struct {
	pool *pgxpool.Pool
	// AfterUpsert, when set, runs inside the load's transaction after the
	// boundaries are stored, and returns further changes: what depends on
	// the county boundary (the registry's outside_county) follows it in the
	// same commit.
	AfterUpsert func(ctx context.Context, tx pgx.Tx, actor journal.Actor) ([]journal.Change, error)
}

// NewStore returns a store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Area is one boundary to load.
type Area struct {
	Code       string
	Name       string
	IsCounty   bool
	Properties map[string]any
	// Geometry is a GeoJSON Polygon or MultiPolygon in WGS 84 lon/lat.
	Geometry json.RawMessage
}

// Upsert stores the areas in one transaction, replacing any with the same code.
// ST_MakeValid repairs the small self-touches that generalised boundaries
// sometimes have, so the stored shape is always valid.
func (s *Store) Upsert(ctx context.Context, actor journal.Actor, areas []Area) error {
	if len(areas) == 0 {
		return errors.New("no areas to load")
	}
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		changes := make([]journal.Change, 0, len(areas))
		for _, a := range areas {
			if a.Properties == nil {
				// Stored as jsonb null, it would turn the served properties
				// (stored || the area's own) into an array.
				a.Properties = map[string]any{}
			}
			props, err := json.Marshal(a.Properties)
			if err != nil {
				return nil, err
			}
			if a.IsCounty {
				// Only one county at a time: a newly loaded one takes over.
				if _, err := tx.Exec(ctx, `UPDATE admin_areas SET is_county = false WHERE is_county AND code <> $1`, a.Code); err != nil {
					return nil, err
				}
			}
			_, err = tx.Exec(ctx, `INSERT INTO admin_areas (code, name, is_county, properties, attribution, geom)
				VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)), 3)))
				ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, is_county = EXCLUDED.is_county,
					properties = EXCLUDED.properties, attribution = EXCLUDED.attribution, geom = EXCLUDED.geom`,
				a.Code, a.Name, a.IsCounty, props, Attribution, string(a.Geometry))
			if err != nil {
				return nil, fmt.Errorf("area %s: %w", a.Code, err)
			}
			changes = append(changes, journal.Change{Entity: "admin_areas", EntityID: a.Code, Action: "upsert",
				After: map[string]any{"code": a.Code, "name": a.Name, "is_county": a.IsCounty}, Topic: "boundaries"})
		}
		// Where the names go depends on the county (neighbours are labelled
		// near it): every area's label point, after every load.
		if _, err := tx.Exec(ctx, `SELECT refresh_admin_area_labels()`); err != nil {
			return nil, err
		}
		if s.AfterUpsert != nil {
			more, err := s.AfterUpsert(ctx, tx, actor)
			if err != nil {
				return nil, err
			}
			changes = append(changes, more...)
		}
		return changes, nil
	})
	return err
}

// InCounty reports whether the WGS 84 point lies inside the county boundary,
// and false with no error when no county is loaded.
func (s *Store) InCounty(ctx context.Context, lon, lat float64) (bool, error) {
	var inside bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admin_areas
		WHERE is_county AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)))`, lon, lat).Scan(&inside)
	return inside, err
}

// OutsideCountySQL is SQL for whether the geometry geom (an SQL expression,
// EPSG:4326) lies wholly outside the county boundary: NULL when no county
// is loaded, so "outside" is never claimed without a boundary to be outside
// of. A shape that touches the county is not outside.
func OutsideCountySQL(geom string) string {
	return `(SELECT NOT bool_or(ST_Intersects(a.geom, ` + geom + `)) FROM admin_areas a WHERE a.is_county)`
}

// Jurisdiction is where an area lies with respect to the county.
type Jurisdiction string

// The jurisdictions of an area.
const (
	Inside  Jurisdiction = "inside"  // wholly inside the county
	Crosses Jurisdiction = "crosses" // partly inside, partly outside
	Outside Jurisdiction = "outside" // wholly outside
	Unknown Jurisdiction = ""        // no county boundary loaded
)

// JurisdictionSQL is SQL for the Jurisdiction of the geometry geom (an SQL
// expression, EPSG:4326), as text; NULL when no county is loaded.
func JurisdictionSQL(geom string) string {
	return `(SELECT CASE WHEN bool_or(ST_Covers(a.geom, ` + geom + `)) THEN 'inside'
		WHEN bool_or(ST_Intersects(a.geom, ` + geom + `)) THEN 'crosses' ELSE 'outside' END
		FROM admin_areas a WHERE a.is_county HAVING count(*) > 0)`
}

// Handler serves the boundaries as a GeoJSON FeatureCollection, county first.
// PostGIS writes the geometry; Go never decodes it.
func (s *Store) Handler() http.Handler {
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var body []byte
		err := s.pool.QueryRow(r.Context(), `SELECT json_build_object(
				'type', 'FeatureCollection',
				'attribution', $1::text,
				'features', coalesce(json_agg(json_build_object(
					'type', 'Feature',
					'id', code,
					'geometry', ST_AsGeoJSON(geom, 6)::json,
					'properties', properties || jsonb_build_object('code', code, 'name', name, 'is_county', is_county,
						'label_point', ST_AsGeoJSON(label, 6)::jsonb)
				) ORDER BY is_county DESC, code), '[]'::json))
			FROM admin_areas`, Attribution).Scan(&body)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/geo+json")
		_, err = w.Write(body)
		return err
	})
}
