// Package journal is the one way Sitrep writes: every change a feature makes is
// recorded, in the same transaction, as an audit row (who, when, before, after)
// and — for what the map shows — as an event with a gap-free sequence number
// that the live stream (package realtime) delivers in commit order.
//
// Feature stores call Write with a function that does their SQL and returns
// the changes it made. Write refuses a write that reports no change, so a new
// endpoint cannot forget the audit trail or the map.
package journal
