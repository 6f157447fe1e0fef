package server

import (
	"io/fs"
	"net/http"
	"strings"

	"sitrep/internal/api"
	"sitrep/static"
)

// staticFiles serves the embedded web page; a missing file is a problem+json
// 404 like every other error.
func staticFiles() http.Handler {
	files := http.FileServerFS(static.FS)
	return api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" {
			name = "index.html"
		}
		// A folder's page (/public/) is its index.html.
		name = strings.TrimSuffix(name, "/")
		if _, err := fs.Stat(static.FS, name); err != nil {
			return api.NotFound("路径 " + r.URL.Path)
		}
		files.ServeHTTP(w, r)
		return nil
	})
}
