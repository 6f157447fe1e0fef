// Package sensorstore keeps the readings of the sensors at the hazard
// sources and the alarms the rules of package sensors raise from them:
// batch ingest (idempotent per sensor and time, safe out of order, checked
// against each sensor's unit and range), day partitions of the raw readings
// made ahead and dropped after the retention, minute aggregates kept
// longer, the stale check on a ticker, and acknowledging an alarm.
//
// Every change of an alarm goes through the journal (an audit row and a
// live event on topic "alarms"); the readings themselves do not — they are
// not decisions, and at thousands a second would drown the trail and the
// stream. They are in sensor_readings and sensor_readings_minute.
package sensorstore
