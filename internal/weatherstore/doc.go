// Package weatherstore keeps the weather stations' observations and finds,
// for a zone run, the nearest station with a fresh observation (package
// weather holds the rules: the checks, freshness, the stability class).
//
// Observations come in batches like sensor readings (idempotent per
// station and time, out of order safe, checked whole). They are not in the
// audit trail; each batch sends one live event per station whose newest
// observation changed (topic "weather", the station with its newest wind),
// which the wall draws as a wind arrow.
package weatherstore
