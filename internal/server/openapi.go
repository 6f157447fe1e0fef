package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The OpenAPI document is assembled from fragments: base.json holds the info,
// security and shared components; every feature adds its own file with its
// "paths" and "components.schemas". TestOpenAPIMatchesRoutes keeps the result
// equal to the router.
//
//go:embed openapi/*.json
var openAPIFiles embed.FS

var openAPI = mustBuildOpenAPI()

func mustBuildOpenAPI() []byte {
	b, err := buildOpenAPI(openAPIFiles)
	if err != nil {
		panic(err)
	}
	return b
}

type openAPIFragment struct {
	Paths      map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func buildOpenAPI(fsys fs.FS) ([]byte, error) {
	var doc map[string]any
	raw, err := fs.ReadFile(fsys, "openapi/base.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi/base.json: %w", err)
	}
	paths := map[string]json.RawMessage{}
	schemas := map[string]any{}
	if comps, ok := doc["components"].(map[string]any); ok {
		if s, ok := comps["schemas"].(map[string]any); ok {
			schemas = s
		}
	}
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "openapi/base.json" {
			continue
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var frag openAPIFragment
		if err := json.Unmarshal(raw, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s is documented twice", name, p)
			}
			paths[p] = v
		}
		for s, v := range frag.Components.Schemas {
			if _, dup := schemas[s]; dup {
				return nil, fmt.Errorf("%s: schema %s is defined twice", name, s)
			}
			schemas[s] = v
		}
	}
	doc["paths"] = paths
	doc["components"].(map[string]any)["schemas"] = schemas
	return json.Marshal(doc)
}

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
