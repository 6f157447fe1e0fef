package basemap

import (
	"strings"
)

// The OSM classes Sitrep keeps, by table. Anything else in the extract
// (proposed roads, disused railways, platforms…) is left out.
var (
	RoadClasses = []string{
		"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
		"secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential",
		"living_street", "service", "road", "track", "pedestrian", "path", "footway", "cycleway", "bridleway", "steps",
	}
	RailwayClasses  = []string{"rail", "light_rail", "subway", "narrow_gauge", "tram", "monorail", "funicular"}
	WaterwayClasses = []string{"river", "stream", "canal", "drain", "ditch"}
	// LanduseClasses come from landuse=*, natural=* (wood is drawn as
	// forest) and leisure=*; natural=glacier is kept: the county has some.
	LanduseClasses = []string{
		"residential", "industrial", "commercial", "retail", "farmland", "farmyard", "orchard", "vineyard",
		"meadow", "grass", "forest", "cemetery", "military", "quarry", "landfill", "construction", "allotments",
		"greenhouse_horticulture", "railway", "recreation_ground", "village_green", "brownfield", "plant_nursery",
		"scrub", "grassland", "heath", "bare_rock", "scree", "sand", "glacier", "park", "pitch", "nature_reserve",
	}
	PlaceClasses = []string{"city", "town", "village", "hamlet", "suburb", "quarter", "neighbourhood",
		"locality", "isolated_dwelling", "farm", "borough"}
)

// sqlList is a list of allowlisted words as SQL literals (the words above are
// letters and underscores only).
func sqlList(words []string) string {
	return "('" + strings.Join(words, "', '") + "')"
}

// Tag parsing shared by the statements below (s is the staging row).
const (
	nameSQL  = `NULLIF(btrim(COALESCE(NULLIF(btrim(s.name_zh), ''), s.name)), '')`
	yesSQL   = ` IN ('yes', 'true', '1', 'viaduct', 'aqueduct', 'boardwalk', 'cantilever', 'covered', 'movable', 'building_passage', 'culvert')`
	layerSQL = `CASE WHEN s.layer ~ '^\s*-?[0-9]{1,2}\s*$' THEN btrim(s.layer)::smallint ELSE 0 END`
	// maxspeed in km/h: "60", "60 km/h", "25 mph"; anything else (signals,
	// "walk", "CN:urban") is unknown.
	maxspeedSQL = `NULLIF(CASE
		WHEN s.maxspeed ~ '^\s*[0-9]{1,3}(\.[0-9]+)?\s*(km/h|kmh|kph)?\s*$' THEN round(substring(s.maxspeed from '[0-9]+(?:\.[0-9]+)?')::numeric)::integer
		WHEN s.maxspeed ~ '^\s*[0-9]{1,3}(\.[0-9]+)?\s*mph\s*$' THEN round(substring(s.maxspeed from '[0-9]+(?:\.[0-9]+)?')::numeric * 1.609344)::integer
		END, 0)`
	// oneway: explicit tags first, then OSM's implied ones (motorways,
	// roundabouts).
	onewaySQL = `CASE
		WHEN s.oneway IN ('yes', 'true', '1') THEN 1
		WHEN s.oneway IN ('-1', 'reverse') THEN -1
		WHEN s.oneway IN ('no', 'false', '0') THEN 0
		WHEN s.highway IN ('motorway', 'motorway_link') OR s.junction IN ('roundabout', 'circular') THEN 1
		ELSE 0 END`
	// A multipolygon's id: the closed way's, or the relation's negated
	// (osm2pgsql's convention), so the two never collide.
	areaIDSQL = `COALESCE(s.osm_way_id::bigint, -s.osm_id::bigint)`
)

// clipLines is the FROM clause for lines from a staging table: each line
// meeting the clip, cut to it and split into LineStrings (d.g). A line
// wholly inside is not cut; without a clip (no county loaded) every line is
// kept whole.
func clipLines(table string) string {
	return stagingSchema + "." + table + ` s
		LEFT JOIN basemap_clip c ON true
		CROSS JOIN LATERAL (SELECT (ST_Dump(CASE WHEN c.geom IS NULL OR ST_Covers(c.geom, s.geom) THEN s.geom
			ELSE ST_Intersection(s.geom, c.geom) END)).geom AS g) d
		WHERE s.geom IS NOT NULL AND (c.geom IS NULL OR ST_Intersects(s.geom, c.geom))
			AND GeometryType(d.g) = 'LINESTRING' AND ST_NPoints(d.g) >= 2`
}

// clipAreas is clipLines for areas: repaired when OSM's rings are invalid,
// cut to the clip, kept as MultiPolygons (d.g); slivers the cut leaves as
// lines or points are dropped.
func clipAreas() string {
	return stagingSchema + `.multipolygons s
		LEFT JOIN basemap_clip c ON true
		CROSS JOIN LATERAL (SELECT CASE WHEN ST_IsValid(s.geom) THEN s.geom ELSE ST_CollectionExtract(ST_MakeValid(s.geom), 3) END AS v) r
		CROSS JOIN LATERAL (SELECT ST_Multi(CASE WHEN c.geom IS NULL OR ST_Covers(c.geom, r.v) THEN r.v
			ELSE ST_CollectionExtract(ST_Intersection(r.v, c.geom), 3) END) AS g) d
		WHERE s.geom IS NOT NULL AND (c.geom IS NULL OR ST_Intersects(s.geom, c.geom)) AND NOT ST_IsEmpty(d.g)`
}

// step is one statement of the swap, with what the progress bar says.
type step struct {
	table, label, sql string
}

// loadSteps fill the basemap tables from the staging schema, inside the
// swap's transaction, after the old rows are deleted.
var loadSteps = []step{
	{"basemap_roads", "道路", `INSERT INTO basemap_roads (osm_id, class, name, ref, oneway, maxspeed, bridge, tunnel, layer, geom)
		SELECT s.osm_id::bigint, s.highway, ` + nameSQL + `, NULLIF(btrim(s.ref), ''), ` + onewaySQL + `, ` + maxspeedSQL + `,
			COALESCE(s.bridge` + yesSQL + `, false), COALESCE(s.tunnel` + yesSQL + `, false), ` + layerSQL + `, d.g
		FROM ` + clipLines("lines") + ` AND s.highway IN ` + sqlList(RoadClasses)},
	{"basemap_railways", "铁路", `INSERT INTO basemap_railways (osm_id, class, name, bridge, tunnel, geom)
		SELECT s.osm_id::bigint, s.railway, ` + nameSQL + `, COALESCE(s.bridge` + yesSQL + `, false), COALESCE(s.tunnel` + yesSQL + `, false), d.g
		FROM ` + clipLines("lines") + ` AND s.railway IN ` + sqlList(RailwayClasses) + ` AND s.highway IS NULL`},
	{"basemap_waterways", "河流", `INSERT INTO basemap_waterways (osm_id, class, name, geom)
		SELECT s.osm_id::bigint, s.waterway, ` + nameSQL + `, d.g
		FROM ` + clipLines("lines") + ` AND s.waterway IN ` + sqlList(WaterwayClasses)},
	{"basemap_water", "水域", `INSERT INTO basemap_water (osm_id, class, name, area_m2, geom)
		SELECT ` + areaIDSQL + `,
			CASE WHEN s.landuse IN ('reservoir', 'basin') THEN s.landuse
			     WHEN s.waterway = 'riverbank' THEN 'river'
			     WHEN s."natural" = 'wetland' THEN 'wetland'
			     WHEN s.water IN ('lake', 'reservoir', 'river', 'pond', 'basin', 'canal', 'oxbow', 'lagoon') THEN s.water
			     ELSE 'water' END,
			` + nameSQL + `, ST_Area(d.g::geography), d.g
		FROM ` + clipAreas() + ` AND (s."natural" IN ('water', 'wetland') OR s.landuse IN ('reservoir', 'basin') OR s.waterway = 'riverbank')`},
	{"basemap_landuse", "土地利用", `INSERT INTO basemap_landuse (osm_id, class, name, area_m2, geom)
		SELECT ` + areaIDSQL + `, ` + landuseClassSQL + `, ` + nameSQL + `, ST_Area(d.g::geography), d.g
		FROM ` + clipAreas() + ` AND s.building IS NULL AND s.boundary IS NULL AND ` + landuseClassSQL + ` IS NOT NULL`},
	{"basemap_buildings", "建筑", `INSERT INTO basemap_buildings (osm_id, kind, name, geom)
		SELECT ` + areaIDSQL + `, s.building, ` + nameSQL + `, d.g
		FROM ` + clipAreas() + ` AND s.building IS NOT NULL AND s.building NOT IN ('no', 'false', '0')`},
	{"basemap_places", "地名", `INSERT INTO basemap_places (osm_id, class, name, population, geom)
		SELECT s.osm_id::bigint, s.place, ` + nameSQL + `,
			CASE WHEN s.population ~ '^\s*[0-9]{1,9}\s*$' THEN btrim(s.population)::integer END, s.geom
		FROM ` + stagingSchema + `.points s LEFT JOIN basemap_clip c ON true
		WHERE s.geom IS NOT NULL AND (c.geom IS NULL OR ST_Intersects(s.geom, c.geom))
			AND s.place IN ` + sqlList(PlaceClasses) + ` AND ` + nameSQL + ` IS NOT NULL`},
	// Boundaries are kept whole (a cut would draw the clip's edge as a
	// border); those meeting the clip are kept, province to township.
	{"basemap_boundaries", "行政区划", `INSERT INTO basemap_boundaries (osm_id, admin_level, name, label, geom)
		SELECT ` + areaIDSQL + `, btrim(s.admin_level)::smallint, ` + nameSQL + `, ST_PointOnSurface(r.v), ST_Multi(r.v)
		FROM ` + stagingSchema + `.multipolygons s
		LEFT JOIN basemap_clip c ON true
		CROSS JOIN LATERAL (SELECT CASE WHEN ST_IsValid(s.geom) THEN s.geom ELSE ST_CollectionExtract(ST_MakeValid(s.geom), 3) END AS v) r
		WHERE s.geom IS NOT NULL AND NOT ST_IsEmpty(r.v) AND (c.geom IS NULL OR ST_Intersects(s.geom, c.geom))
			AND s.boundary = 'administrative' AND s.admin_level ~ '^\s*[4-8]\s*$' AND ` + nameSQL + ` IS NOT NULL`},
}

// landuseClassSQL is a land-use area's class: landuse=*, else natural=*
// (wood drawn as forest), else leisure=*, each only from the allowlist.
var landuseClassSQL = `COALESCE(
	CASE WHEN s.landuse IN ` + sqlList(LanduseClasses) + ` THEN s.landuse END,
	CASE WHEN s."natural" = 'wood' THEN 'forest' WHEN s."natural" IN ` + sqlList(LanduseClasses) + ` THEN s."natural" END,
	CASE WHEN s.leisure IN ` + sqlList(LanduseClasses) + ` THEN s.leisure END)`
