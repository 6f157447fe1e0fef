package basemap

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"sitrep/internal/areas"
	"sitrep/internal/db"
	"sitrep/internal/tiles"
)

// A basemap tile holds several MVT layers (roads, water, places…), each
// generalised by zoom: a class shows from the zoom where a person reading
// the wall needs it, geometries are simplified to about a pixel, and areas
// smaller than a few pixels are left out.

// minZoom of each class, by layer. A class absent here is not drawn.
var (
	roadMinZoom = map[string]int{
		"motorway": 5, "trunk": 5, "primary": 8, "motorway_link": 10, "trunk_link": 10, "secondary": 10,
		"primary_link": 11, "secondary_link": 11, "tertiary": 11, "tertiary_link": 12, "unclassified": 12,
		"residential": 12, "living_street": 12, "road": 12, "service": 13, "track": 13, "pedestrian": 13,
		"path": 14, "footway": 14, "cycleway": 14, "bridleway": 14, "steps": 14,
	}
	railwayMinZoom  = map[string]int{"rail": 8, "light_rail": 10, "subway": 10, "narrow_gauge": 10, "tram": 12, "monorail": 12, "funicular": 12}
	waterwayMinZoom = map[string]int{"river": 8, "canal": 10, "stream": 12, "drain": 13, "ditch": 13}
	placeMinZoom    = map[string]int{
		"city": 4, "town": 7, "borough": 9, "suburb": 10, "village": 9, "quarter": 12, "neighbourhood": 12,
		"hamlet": 12, "locality": 13, "isolated_dwelling": 13, "farm": 13,
	}
)

// Zooms where layers without classes begin.
const (
	waterMinZoom        = 6
	landuseMinZoom      = 10
	buildingMinZoom     = 14
	townshipMinZoom     = 8 // admin_level 7–8 lines and names: from the wall's opening zoom
	minAreaPixels       = 4 // an area narrower than about this many pixels is left out
	tileExtent          = tiles.Extent
	tileBuffer          = tiles.Buffer
	simplifyGridUnits   = 2.0 // simplification tolerance, in MVT grid units
	tileDisplayPixels   = 512.0
	worldMercatorMetres = 2 * math.Pi * 6378137
)

// classesAt lists the classes of byClass drawn at zoom z.
func classesAt(byClass map[string]int, z int) []string {
	out := []string{}
	for c, min := range byClass {
		if z >= min {
			out = append(out, c)
		}
	}
	return out
}

// LayerNames are the MVT layers of a basemap tile, bottom to top: the
// schema a PMTiles archive must follow to be drawn by Sitrep's style.
var LayerNames = []string{"landuse", "water", "waterways", "buildings", "railways", "roads", "boundaries", "places", "boundary_labels"}

// mvtLayer is one layer's part of the tile query. cols are SQL over the
// row alias t (allowlisted, never from a request); where may use the
// parameters of tileSQL.
type mvtLayer struct {
	name, table, cols, where string
	polygons                 bool
}

// The tile query's parameters: $1..$3 z, x, y; $4 the simplification
// tolerance (EPSG:3857 metres); $5 the smallest area kept (m² on the
// ground); $6..$9 the classes of roads, railways, waterways and places
// drawn at z; $10 whether areas, $11 buildings, $12 townships show.
var mvtLayers = []mvtLayer{
	{"landuse", "basemap_landuse", "t.class, t.name", "$10 AND t.area_m2 >= $5", true},
	{"water", "basemap_water", "t.class, t.name", "$1 >= " + strconv.Itoa(waterMinZoom) + " AND t.area_m2 >= $5", true},
	{"waterways", "basemap_waterways", "t.class, t.name", "t.class = ANY($8)", false},
	{"buildings", "basemap_buildings", "t.kind, t.name", "$11", true},
	{"railways", "basemap_railways", "t.class, t.name, t.bridge, t.tunnel", "t.class = ANY($7)", false},
	{"roads", "basemap_roads", "t.osm_id, t.class, t.name, t.ref, t.oneway, t.maxspeed, t.bridge, t.tunnel, t.layer",
		"t.class = ANY($6)", false},
	{"boundaries", "basemap_boundaries", "t.admin_level, t.name, t.code", "(t.admin_level <= 6 OR $12)", true},
	{"places", "basemap_places", "t.class, t.name, t.population", "t.class = ANY($9)", false},
}

// tileSQL is the basemap tile query: each layer's ST_AsMVT, concatenated
// (an MVT is its layers one after the other). Rows are found with the
// envelope in EPSG:4326 so each table's GiST index serves.
var tileSQL = func() string {
	var b strings.Builder
	b.WriteString(`WITH e AS (SELECT ST_TileEnvelope($1, $2, $3) AS tile,
		ST_Transform(ST_TileEnvelope($1, $2, $3, margin => ` + strconv.FormatFloat(float64(tileBuffer)/tileExtent, 'f', -1, 64) + `::float8), 4326) AS box)
		SELECT `)
	part := func(name, from, geom, cols, where string) string {
		return `COALESCE((SELECT ST_AsMVT(m.*, '` + name + `', ` + strconv.Itoa(tileExtent) + `, 'geom') FROM (
			SELECT ST_AsMVTGeom(` + geom + `, e.tile, ` + strconv.Itoa(tileExtent) + `, ` + strconv.Itoa(tileBuffer) + `, true) AS geom, ` + cols + `
			FROM ` + from + `, e WHERE ` + where + `) m WHERE m.geom IS NOT NULL), ''::bytea)`
	}
	for i, l := range mvtLayers {
		if i > 0 {
			b.WriteString(" || ")
		}
		geom := "ST_Simplify(ST_Transform(t.geom, 3857), $4::float8, " + strconv.FormatBool(!l.polygons) + ")"
		b.WriteString(part(l.name, l.table+" t", geom, l.cols, "t.geom && e.box AND "+l.where))
	}
	// Township and county names at a point inside each (the polygon's own
	// label would repeat in every tile it crosses).
	b.WriteString(" || " + part("boundary_labels", "basemap_boundaries t", "ST_Transform(t.label, 3857)",
		"t.admin_level, t.name, t.code", "t.label && e.box AND (t.admin_level <= 6 OR $12)"))
	return b.String()
}()

// tileArgs are tileSQL's parameters for tile z/x/y.
func tileArgs(z, x, y int) []any {
	gridUnit := worldMercatorMetres / float64(int64(1)<<z) / tileExtent
	// One display pixel on the ground at the county's latitude (~43.5°N),
	// squared and grown, is the smallest area worth drawing.
	pixelGround := worldMercatorMetres / float64(int64(1)<<z) / tileDisplayPixels * math.Cos(43.5*math.Pi/180)
	minArea := math.Pow(pixelGround*minAreaPixels, 2)
	return []any{z, x, y, gridUnit * simplifyGridUnits, minArea,
		classesAt(roadMinZoom, z), classesAt(railwayMinZoom, z), classesAt(waterwayMinZoom, z), classesAt(placeMinZoom, z),
		z >= landuseMinZoom, z >= buildingMinZoom, z >= townshipMinZoom}
}

// Render builds basemap tile z/x/y from the imported tables (nil data when
// the tile is empty).
func Render(ctx context.Context, q db.Querier, z, x, y int) (*tiles.Tile, error) {
	var data []byte
	if err := q.QueryRow(ctx, tileSQL, tileArgs(z, x, y)...).Scan(&data); err != nil {
		return nil, err
	}
	t := &tiles.Tile{Data: data, Count: len(data)}
	if len(data) == 0 {
		t.Data = nil
	}
	return t, nil
}

// fieldTypes are the TileJSON types of the tile columns that are not text.
var fieldTypes = map[string]string{"osm_id": "Number", "oneway": "Number", "maxspeed": "Number", "layer": "Number",
	"admin_level": "Number", "population": "Number", "bridge": "Boolean", "tunnel": "Boolean"}

// vectorLayers describes the tile's layers for TileJSON and an archive's
// metadata.
func vectorLayers() []map[string]any {
	describe := func(id, cols string) map[string]any {
		fields := map[string]string{}
		for _, c := range strings.Split(cols, ",") {
			c = strings.TrimPrefix(strings.TrimSpace(c), "t.")
			fields[c] = "String"
			if t, ok := fieldTypes[c]; ok {
				fields[c] = t
			}
		}
		return map[string]any{"id": id, "fields": fields}
	}
	out := make([]map[string]any, 0, len(mvtLayers)+1)
	for _, l := range mvtLayers {
		out = append(out, describe(l.name, l.cols))
	}
	return append(out, describe("boundary_labels", "t.admin_level, t.name, t.code"))
}

// Tiles is the basemap's tiles.Source when it is drawn from the imported
// tables.
type Tiles struct{}

// Render is the tiles.Source method.
func (Tiles) Render(ctx context.Context, q db.Querier, z, x, y int) (*tiles.Tile, error) {
	return Render(ctx, q, z, x, y)
}

// TileJSON is the tiles.Source method: the extent of the last load. Past
// zoom 16 the map overzooms (nothing is added deeper).
func (Tiles) TileJSON(ctx context.Context, q db.Querier) (*tiles.Description, error) {
	d := &tiles.Description{MinZoom: 0, MaxZoom: 16, VectorLayers: vectorLayers(), Attribution: areas.Attribution}
	b, err := dataBound(ctx, q)
	switch {
	case err == nil:
		d.Bounds = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	case !errors.Is(err, errNoData):
		return nil, err
	}
	return d, nil
}
