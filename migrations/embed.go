// Package migrations holds the database schema as ordered SQL files, embedded in
// the binary so a deployed sitrep can bring any database up to date by itself.
//
// Files are applied by goose (see package db); never edit a file that has been
// released — add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
