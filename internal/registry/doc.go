// Package registry is the shared engine behind every registry layer (hazard
// sources, sensitive sites, shelters, rescue teams, supply depots, medical
// facilities, experts, population cells): a Layer declares its table, its
// allowlisted property columns with their types and rules, the geometry kinds
// it takes and which properties can be filtered; the engine then validates
// GeoJSON Features, writes them through the journal with optimistic
// concurrency and a history of every version, and serves the layer as a
// GeoJSON API.
//
// The write functions (Layer.Create, Layer.Update, Layer.Delete) work inside a
// caller's pgx.Tx and return the journal changes they made, so a bulk importer
// can validate and write thousands of features in one transaction and record
// them with journal.Record. HTTP handlers wrap them in journal.Write.
//
// Reads never decode geometry: PostGIS writes each Feature as JSON.
package registry
