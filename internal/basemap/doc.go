// Package basemap is the ground under the map: roads, railways, water, land
// use, buildings, places and administrative boundaries down to townships,
// loaded from an OpenStreetMap extract and served by Sitrep itself, so the
// wall shows which road a team is on and which village a plume reaches even
// when the command centre is cut off from the internet.
//
//   - Import (sitrep basemap import FILE) reads an .osm.pbf or .osm file with
//     GDAL's OSM driver (ogr2ogr, run as an external program with the
//     osmconf.ini beside this file) into a staging schema, then in one
//     transaction replaces the previous load: classified, clipped to the
//     county grown by a margin, with a search table of names, township
//     boundaries matched to the county's division codes, and the registry's
//     township codes brought in line with where each feature lies.
//   - Tiles (/tiles/basemap/{z}/{x}/{y}.mvt) are built by PostGIS and
//     generalised by zoom (which classes show, simplified to a pixel, small
//     areas dropped), or read from a PMTiles archive named in the
//     configuration; Export writes such an archive from what was imported.
//   - Settings choose an online basemap (Tianditu, an intranet XYZ or WMTS
//     service) drawn over the local one, proxied through Sitrep so browsers
//     need no other host and keys stay on the server. GCJ-02 services are
//     refused: their offset of hundreds of metres would put teams on the
//     wrong road.
//   - Search (/api/v1/search) finds places, roads, townships, water and the
//     registry's named features by any part of their name.
package basemap
