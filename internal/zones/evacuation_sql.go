package zones

// evacueesSQL lists what a zone's confirmed allocations evacuate, each with
// the shelter it goes to ($1 the zone), ordered by shelter so one search
// per shelter carries all its places:
//
//   - every population cell the allocations placed people from, once per
//     shelter it sends people to (people summed over the allocations;
//     allocation_id the latest of them). The route starts at a point of the
//     cell's part inside the zone: those are the people leaving, and a start
//     inside lets routing leave the zone the short way.
//   - every sensitive site inside the zone, sent where its cell's people go
//     (the shelter that takes most of the allocated cell holding it), or,
//     when no allocated cell holds it, to the nearest of the allocation's
//     shelters: the allocation places cells' people, and a school or clinic
//     leaves with its neighbourhood.
//
// A cell, site or shelter deleted since the confirmation has nothing to
// route from or to and is left out. kind is FromCell or FromSite.
const evacueesSQL = `WITH z AS (SELECT geom FROM zones WHERE id = $1),
placed AS (
	SELECT ac.cell_id, ac.shelter_id, sum(ac.people)::bigint AS people, max(ac.allocation_id) AS allocation_id
	FROM shelter_allocation_cells ac JOIN shelter_allocations sa ON sa.id = ac.allocation_id
	WHERE sa.zone_id = $1
	GROUP BY ac.cell_id, ac.shelter_id),
cells AS (
	SELECT 'population_cell' AS kind, c.id, '人口网格 ' || coalesce(c.code, '#' || c.id::text) AS name,
		ST_PointOnSurface(CASE WHEN ST_IsEmpty(i.part) THEN c.geom ELSE i.part END) AS p,
		pl.shelter_id, pl.people, pl.allocation_id
	FROM placed pl JOIN population_cells c ON c.id = pl.cell_id CROSS JOIN z
	CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(c.geom, z.geom), 3) AS part) i),
sites AS (
	SELECT 'sensitive_site' AS kind, s.id, s.name,
		ST_PointOnSurface(CASE WHEN GeometryType(s.geom) = 'POINT' OR ST_IsEmpty(i.part) THEN s.geom ELSE i.part END) AS p,
		s.people::bigint AS people
	FROM sensitive_sites s CROSS JOIN z
	CROSS JOIN LATERAL (SELECT CASE WHEN GeometryType(s.geom) = 'POINT' THEN s.geom
		ELSE ST_CollectionExtract(ST_Intersection(s.geom, z.geom), 3) END AS part) i
	WHERE ST_Intersects(s.geom, z.geom)),
site_shelters AS (
	SELECT st.kind, st.id, st.name, st.p, pick.shelter_id, st.people, pick.allocation_id
	FROM sites st CROSS JOIN LATERAL (
		SELECT pl.shelter_id, pl.allocation_id
		FROM placed pl JOIN shelters sh ON sh.id = pl.shelter_id LEFT JOIN population_cells c ON c.id = pl.cell_id
		ORDER BY coalesce(ST_Intersects(c.geom, st.p), false) DESC,
			CASE WHEN coalesce(ST_Intersects(c.geom, st.p), false) THEN -pl.people ELSE 0 END,
			ST_Distance(sh.geom::geography, st.p::geography), pl.shelter_id
		LIMIT 1) pick)
SELECT e.kind, e.id, e.name, ST_X(e.p), ST_Y(e.p), sh.id, sh.name, ST_X(sh.geom), ST_Y(sh.geom), e.people, e.allocation_id
FROM (SELECT * FROM cells UNION ALL SELECT * FROM site_shelters) e JOIN shelters sh ON sh.id = e.shelter_id
ORDER BY sh.id, e.kind, e.id`

// evacuationFeatureSQL writes a stored route as the GeoJSON Feature that
// GET, the live stream and the snapshot all return; PostGIS writes the
// geometry (null where no road leads there). minutes is the driving time
// rounded up to a whole minute, at least 1, as people read it; note says
// in words why a route has no line.
const evacuationFeatureSQL = `json_build_object('type', 'Feature', 'id', e.id::text,
	'geometry', ST_AsGeoJSON(e.geom)::json,
	'properties', json_build_object(
		'zone_id', e.zone_id, 'incident_id', z.incident_id, 'zone_name', z.name, 'zone_level', z.level,
		'allocation_id', e.allocation_id,
		'from_kind', e.from_kind, 'from_id', e.from_id, 'from_name', e.from_name,
		'from', json_build_array(ST_X(e.from_geom), ST_Y(e.from_geom)),
		'shelter_id', e.shelter_id, 'shelter_name', e.shelter_name, 'people', e.people,
		'reachable', e.reachable, 'off_road', e.off_road, 'seconds', e.seconds,
		'minutes', CASE WHEN e.reachable THEN greatest(1, ceil(e.seconds / 60))::int END,
		'distance_m', e.distance_m, 'zones_on_way', e.zones_on_way, 'computed_at', e.computed_at,
		'through_closed_zone', x.closed_names IS NOT NULL,
		'note', CASE WHEN e.off_road THEN '不在路网内：起点或避难场所距最近道路超过 1 千米，无法按道路计算'
			WHEN NOT e.reachable THEN '道路不通：没有可行驶的道路通往该避难场所（道路不相连、道路封闭或须穿越禁行的危险区域）'
			WHEN x.closed_names IS NOT NULL THEN '注意：路线经过禁行的危险区域（' || x.closed_names || '），请人工核实'
			ELSE '' END))`

// fromEvacuationRoutes joins each route's zone, and names the closed zones
// (another's isolation zone, which routing keeps every route out of) that
// the stored line nevertheless enters: the router joins a point to the
// network along the road it stands on whatever zone that road crosses, so
// a route can start or end through one. It is said, not hidden.
const fromEvacuationRoutes = ` FROM evacuation_routes e JOIN zones z ON z.id = e.zone_id
	CROSS JOIN LATERAL (SELECT string_agg(w->>'name', '、' ORDER BY (w->>'id')::bigint) AS closed_names
		FROM jsonb_array_elements(e.zones_on_way) w
		WHERE w->>'rule' = 'closed' AND (w->>'entered')::boolean) x `

// EvacuationSnapshotSQL is the live stream's snapshot of topic
// "evacuation_routes": the routes of the active zones, $1..$4 an optional
// bounding box (a route without a line is in every box, as the stream
// sends its events to every subscriber).
const EvacuationSnapshotSQL = `SELECT ` + evacuationFeatureSQL + fromEvacuationRoutes +
	`WHERE z.active AND ($1::float8 IS NULL OR e.geom IS NULL OR e.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY e.id`
