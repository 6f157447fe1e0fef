package server

import (
	_ "embed"
	"net/http"
)

// openAPI documents every route; TestOpenAPIMatchesRoutes keeps it true.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
