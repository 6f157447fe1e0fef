// Package routing answers "how long by road": travel time, road distance and
// the route between points on the county's road network, with pgRouting on
// the roads package basemap imports from OpenStreetMap.
//
//   - Build turns basemap_roads into a network (routing_vertices,
//     routing_edges) inside the import's transaction: each OSM way is cut at
//     the nodes it shares with other ways, costs are seconds from the road
//     class's speed or its maxspeed, one-way streets keep one direction. It
//     counts the disconnected pieces, which the import reports.
//   - Router answers point to point (Route) and several points to one
//     (ToOne: the teams to an incident, searched from the incident on the
//     network turned round), each point joining the road at its nearest
//     edge's nearest point.
//     "Unreachable" is an answer; only a network that is not loaded
//     (ErrNoNetwork) or bad input is an error.
//
// The network is for vehicles: footways, paths, steps, cycleways,
// bridleways and pedestrian streets are left out.
package routing
