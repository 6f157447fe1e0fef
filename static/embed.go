// Package static holds the web page, embedded in the binary so the command
// centre needs nothing but the sitrep server (it may be offline): the page
// (index.html, css/, js/ — plain ES modules, no build step) and the vendored
// MapLibre GL JS (vendor/, copied from npm by scripts/vendor-web.sh).
package static

import "embed"

// FS is the page's files.
//
//go:embed index.html report.html css js vendor public
var FS embed.FS
