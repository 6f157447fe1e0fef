package zones

// featureSQL writes a zone as the GeoJSON Feature GET, the live stream and
// the snapshot all return; PostGIS writes the geometry.
const featureSQL = `json_build_object('type', 'Feature', 'id', z.id::text,
	'geometry', ST_AsGeoJSON(z.geom)::json,
	'properties', json_build_object(
		'version', z.version, 'updated_at', z.updated_at,
		'run_id', z.run_id, 'incident_id', z.incident_id, 'hazard_source_id', r.hazard_source_id,
		'what_if', r.what_if, 'model', r.model, 'model_name', r.model_name, 'model_version', r.model_version,
		'level', z.level, 'name', z.name, 'threshold', z.threshold, 'threshold_unit', z.threshold_unit,
		'extent_m', z.extent_m, 'note', z.note, 'evacuate', z.evacuate, 'active', z.active,
		'at', r.at, 'day', r.day))`

const fromZones = ` FROM zones z JOIN zone_runs r ON r.id = z.run_id `

// SnapshotSQL is the live stream's snapshot of the "zones" layer: the
// active zones, $1..$4 an optional bounding box.
const SnapshotSQL = `SELECT ` + featureSQL + fromZones +
	`WHERE z.active AND ($1::float8 IS NULL OR z.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY z.id`
