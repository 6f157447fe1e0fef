// Package ogc serves Sitrep's map layers as OGC API – Features (Part 1
// Core with GeoJSON, HTML and OpenAPI 3.0; Part 3 filtering with CQL2 text)
// under /ogc, so QGIS, ArcGIS, GDAL and any OGC client read them from one
// URL.
//
// Each collection is declared once (collections.go): its table, the SQL of
// its geometry, id, time and properties (an allowlist: filters can name only
// these), and the permission needed to see it. A collection the caller's
// role cannot read is not listed and its items answer 404, as if it did not
// exist. Features are written by PostGIS (ST_AsGeoJSON inside
// json_build_object) and never decoded here.
//
// Paging is keyset paging on the feature id (the next link carries the last
// id seen), so features are returned in id order, each exactly once, even
// while others are written.
package ogc
