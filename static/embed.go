// Package static holds the web page, embedded in the binary so the command
// centre needs nothing but the sitrep server (it may be offline).
package static

import "embed"

// FS is the page's files.
//
//go:embed index.html
var FS embed.FS
