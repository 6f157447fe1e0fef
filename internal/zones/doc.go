// Package zones computes hazard zones for an incident or as a what-if on a
// hazard source with the models in package geo (protective-action table,
// Gaussian plume, TNT-equivalent explosion, BLEVE fireball), stores each run
// with its model name, version and every input so that it can be replayed,
// and answers what the commander asks of a zone: who and what is inside it
// (people area-weighted from the population cells, sensitive sites, hazard
// sources, shelters, teams), where the people to evacuate can go (open
// shelters outside every active zone, nearest first, within capacity), and
// the road each evacuated place takes to its shelter (evacuation.go).
//
// Every write goes through journal.Write: zones on topic "zones" (the
// event is the zone's GeoJSON Feature as GET returns it), shelter occupancy
// through the registry's own write path (topic "shelters"), and the
// incident's exposure through incidentstore.Store.SetExposure in the same
// transaction; a zone's evacuation routes on topic "evacuation_routes", one
// audit row per set. Switching a zone off tells dispatch (dispatch.ZoneEnded),
// which keeps which team is inside which zone.
package zones
