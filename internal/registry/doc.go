// Package registry is the shared engine behind every registry layer (hazard
// sources, sensitive sites, shelters, rescue teams, supply depots, medical
// facilities, experts, population cells): a Layer declares its table, its
// allowlisted property columns with their types and rules, the geometry kinds
// it takes and which properties can be filtered; the engine then validates
// GeoJSON Features, writes them through the journal with optimistic
// concurrency and a history of every version, and serves the layer as a
// GeoJSON API.
//
// Every read and write of a layer's rows goes through this package. A Store
// (NewStore) serves one layer on the pool, each write one transaction through
// journal.Write; the HTTP handlers only parse, call it and write the answer.
// The Layer's own write methods (Create, Update, SetProperties, SetComputed,
// Delete) work inside a caller's pgx.Tx and return the journal changes they
// made, for code already in a transaction: the hazard re-grade, dispatch
// moving a team's status, an allocation filling shelters. A file import
// runs the same checks set-based where the layer's hooks allow
// (import_bulk.go), and row by row through Create where they do not.
//
// Reads never decode geometry: PostGIS writes each Feature as JSON.
package registry
