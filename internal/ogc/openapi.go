package ogc

import (
	"encoding/json"
	"net/http"
)

// openapi serves the OpenAPI 3.0 definition of /ogc (conformance class
// oas30), listing the collections the caller may see.
func (s *Service) openapi(w http.ResponseWriter, r *http.Request) error {
	ids := []string{}
	for _, c := range s.visibleAll(r) {
		ids = append(ids, c.ID)
	}
	ref := func(n string) map[string]any { return map[string]any{"$ref": "#/components/parameters/" + n} }
	resp := func(desc, typ string) map[string]any {
		return map[string]any{
			"200":     map[string]any{"description": desc, "content": map[string]any{typ: map[string]any{"schema": map[string]any{"type": "object"}}, HTML: map[string]any{"schema": map[string]any{"type": "string"}}}},
			"400":     map[string]any{"$ref": "#/components/responses/Problem"},
			"401":     map[string]any{"$ref": "#/components/responses/Problem"},
			"404":     map[string]any{"$ref": "#/components/responses/Problem"},
			"default": map[string]any{"$ref": "#/components/responses/Problem"},
		}
	}
	op := func(id, summary, desc, typ string, params ...map[string]any) map[string]any {
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "tags": []string{"OGC API – Features"},
			"parameters": append([]map[string]any{ref("f")}, params...), "responses": resp(desc, typ)}}
	}
	str := map[string]any{"type": "string"}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Sitrep OGC API – Features", "version": "1.0.0",
			"description": "Sitrep's map layers (registry, incidents, warnings, zones) as OGC API – Features Part 1 and Part 3 (CQL2 text). Authenticate with a bearer token or the session cookie."},
		"servers":  []map[string]any{{"url": base(r)}},
		"security": []map[string]any{{"bearer": []string{}}, {"session": []string{}}},
		"paths": map[string]any{
			"/":            op("getLandingPage", "Landing page", "the landing page", JSON),
			"/conformance": op("getConformance", "Conformance classes", "the conformance classes", JSON),
			"/api":         map[string]any{"get": map[string]any{"operationId": "getAPI", "summary": "This definition", "responses": map[string]any{"200": map[string]any{"description": "the OpenAPI 3.0 definition", "content": map[string]any{OpenAPI: map[string]any{"schema": map[string]any{"type": "object"}}}}}}},
			"/collections": op("getCollections", "Collections the caller may read", "the collections", JSON),
			"/collections/{collectionId}": op("describeCollection", "A collection with its extent", "the collection", JSON,
				ref("collectionId")),
			"/collections/{collectionId}/queryables": op("getQueryables", "Properties a filter may name (JSON Schema)", "the queryables", Schema,
				ref("collectionId")),
			"/collections/{collectionId}/items": op("getFeatures", "Features, paged in id order", "a page of features", GeoJSON,
				ref("collectionId"), ref("bbox"), ref("limit"), ref("after"), ref("datetime"), ref("filter"), ref("filter-lang"),
				ref("bbox-crs"), ref("crs"), ref("filter-crs")),
			"/collections/{collectionId}/items/{featureId}": op("getFeature", "One feature", "the feature", GeoJSON,
				ref("collectionId"), map[string]any{"name": "featureId", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}),
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "sitrep_session"},
			},
			"responses": map[string]any{"Problem": map[string]any{"description": "an RFC 9457 problem",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
			"parameters": map[string]any{
				"f":            map[string]any{"name": "f", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"json", "html"}}, "description": "the format; otherwise Accept decides (JSON by default)"},
				"collectionId": map[string]any{"name": "collectionId", "in": "path", "required": true, "schema": map[string]any{"type": "string", "enum": ids}},
				"bbox": map[string]any{"name": "bbox", "in": "query", "style": "form", "explode": false,
					"schema":      map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}},
					"description": "minLon,minLat,maxLon,maxLat in CRS84"},
				"limit": map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit},
					"description": "page size; larger values are served as the maximum"},
				"after":       map[string]any{"name": "after", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 0}, "description": "keyset cursor from a next link"},
				"datetime":    map[string]any{"name": "datetime", "in": "query", "schema": str, "description": "an RFC 3339 instant or date, or an interval start/end (.. open); only for collections with time"},
				"filter":      map[string]any{"name": "filter", "in": "query", "schema": str, "description": "a CQL2 text filter on the queryables"},
				"filter-lang": map[string]any{"name": "filter-lang", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"cql2-text"}}},
				"bbox-crs":    map[string]any{"name": "bbox-crs", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{CRS84}}},
				"crs":         map[string]any{"name": "crs", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{CRS84}}},
				"filter-crs":  map[string]any{"name": "filter-crs", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{CRS84}}},
			},
		},
	}
	w.Header().Set("Content-Type", OpenAPI)
	return json.NewEncoder(w).Encode(doc)
}
