// Package public serves what the public may see of a warning (plan 3.2.2,
// 4.5, 4.6) with no login: the public page's situation (active warnings,
// open shelters with free places, evacuation zones simplified) and the CAP
// feed (Atom) with each message's CAP document.
//
// Nothing internal leaves: no teams, no hazard inventories, no names or
// phone numbers of people, no drills. Every request is answered from an
// in-memory snapshot rebuilt when the live stream reports a commit to what
// it holds, never from a database query per request, so the surge when a
// warning goes out does not reach the database the command centre uses.
//
// The one exception is the road route to a listed shelter (route.go),
// which asks package routing: shared per ~100 m cell and shelter, kept
// with the snapshot, and at most MaxRouting computed at once.
package public
