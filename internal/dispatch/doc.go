// Package dispatch answers "who is closest" and sends them: the k nearest
// rescue teams, shelters with room, depots holding an item, medical
// facilities and experts to a point or an incident (KNN on the GiST index,
// exact distances on the WGS 84 ellipsoid); dispatching teams to an
// incident and the team status machine (available → dispatched → en_route →
// on_scene → returning → available), each change on the incident's
// timeline and on the live stream; and the ingest of position fixes from
// teams' devices, idempotent and order-proof, with enter/exit events for
// active zones that GPS jitter cannot flap.
package dispatch
