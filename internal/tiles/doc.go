// Package tiles serves map layers as Mapbox Vector Tiles (Web Mercator,
// EPSG:3857) at /tiles/{layer}/{z}/{x}/{y}.mvt, with a TileJSON 3.0.0
// document per layer at /tiles/{layer}.json, for MapLibre and any other
// vector-tile client, so layers too big for one GeoJSON answer (population
// cells, many teams) draw fast at any zoom.
//
// PostGIS builds each tile (ST_AsMVTGeom + ST_AsMVT): rows are found with
// the tile envelope transformed to EPSG:4326 (the column's SRID, so the GiST
// index serves it; the column is never transformed for the filter), each
// geometry is transformed to 3857, polygons simplified to one tile pixel,
// clipped with a 64-unit buffer and quantised to a 4096 grid. A tile carries
// only the layer's allowlisted properties and each feature's id.
//
// Tiles are cached in memory (LRU bounded in bytes) and answered with a
// strong ETag (304 on If-None-Match). The live stream invalidates them:
// every committed event of a layer drops the cached tiles that meet the
// feature's new geometry and, for moves and deletes, the tiles that held
// the feature before (each cached tile remembers the ids it holds; a tile
// with too many features to index is dropped on any move or delete in its
// layer). A tile rendered while an event of its layer was being applied is
// not cached, and nothing is cached until the listener runs, so the cache
// can never serve a tile older than a committed change it has been told of.
//
// A layer that is not one SQL query brings a Source (the basemap: several
// MVT layers per tile from PostGIS, or a PMTiles archive); its tiles go
// through the same cache, ETag and 204 handling, and are dropped by any
// event of its topic (the basemap import's).
package tiles
