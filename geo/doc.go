// Package geo holds the metre-true geometry that Sitrep's hazard models
// (sub-packages plume, blast, protective) use to turn distances in metres
// into WGS 84 polygons that can be stored and drawn on a map.
//
// Why a package of its own: every hazard model computes its zone in a local
// frame about the source (x east, y north, metres). Turning that into
// longitude/latitude must be done the same way everywhere and must stay
// accurate for zones of tens of kilometres, so it lives here once.
//
// Conventions (all of them tested):
//   - Points are orb.Point{lon, lat} in degrees, WGS 84 (EPSG:4326).
//     CGCS2000 (Tianditu) agrees with WGS 84 to centimetres; GCJ-02 (AMap)
//     does NOT and must be converted before it reaches this package.
//   - Distances are metres, bearings are degrees clockwise from true north.
//   - Local offsets are converted with the geodesic direct problem on the
//     WGS 84 ellipsoid (Vincenty 1975), i.e. an exact azimuthal-equidistant
//     projection about the source: a point at local (east, north) is placed
//     at geodesic distance hypot(east, north) on azimuth atan2(east, north).
//     Vincenty's method is accurate to well under a millimetre at these
//     distances, far better than the 0.1 % the models need.
//   - Wind direction is meteorological: WindFrom is the direction the wind
//     blows FROM; the plume travels towards WindFrom+180°.
//   - Polygons are closed rings (first point == last point), exterior ring
//     counter-clockwise as RFC 7946 asks, at least 4 points, finite, in range,
//     not self-intersecting; ValidatePolygon checks all of that.
//
// Not supported: zones that cross the antimeridian or contain a pole
// (irrelevant for Ürümqi County at ~87.4°E 43.5°N); ValidatePolygon rejects
// them rather than returning a wrong shape.
package geo
