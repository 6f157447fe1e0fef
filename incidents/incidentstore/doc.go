// Package incidentstore keeps incidents in PostGIS and serves them over the
// API: records, reports (plan 4.1), the lifecycle and the activated response
// (4.3–4.7), the timeline, and the reporting-clock ticker that turns missed
// deadlines into overdue events.
//
// The rules themselves are in package incidents (grading, 较大涉险, the
// lifecycle, the clock) and package orgplan (who leads, which groups, the
// checklist); this package only loads facts, applies those rules and stores
// the results. It is a package of its own because orgplan imports incidents,
// so incidents cannot import orgplan.
//
// Every write goes through journal.Write with topic "incidents": the event is
// the incident's GeoJSON Feature as GET /api/v1/incidents/{id} returns it,
// marked as a drill where it is one.
package incidentstore
