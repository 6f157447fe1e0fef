package layers

import "sitrep/internal/registry"

// transferPaths documents a layer's import and export (registry/import.go,
// registry/export.go).
func transferPaths(paths map[string]any, base string, l *registry.Layer) {
	problem := map[string]any{"$ref": "#/components/responses/Problem"}
	rowErr := map[string]any{"type": "object", "properties": map[string]any{
		"line":   map[string]any{"type": "integer", "description": "physical line of the file where the row starts"},
		"row":    map[string]any{"type": "integer", "description": "GeoJSON: index in features (0-based); CSV: data row (1 = first after the header)"},
		"field":  map[string]any{"type": "string", "description": "GeoJSON: JSON Pointer into the file; CSV: the column"},
		"detail": map[string]any{"type": "string"},
	}}
	report := map[string]any{"type": "object", "properties": map[string]any{
		"layer": map[string]any{"type": "string"}, "format": map[string]any{"enum": []string{"geojson", "csv"}},
		"dry_run": map[string]any{"type": "boolean"}, "rows": map[string]any{"type": "integer"},
		"valid": map[string]any{"type": "integer"}, "created": map[string]any{"type": "integer"},
		"related": map[string]any{"type": "integer", "description": "other features changed (hazard sources re-graded by a population import)"},
		"events": map[string]any{"enum": []string{"per-feature", "reload", "none"},
			"description": "how the import reached the live stream: one event per feature, or (over 200 features) one reload event for the layer"},
		"errors": map[string]any{"type": "array", "items": rowErr},
	}}
	fc := map[string]any{"type": "object", "description": "a GeoJSON FeatureCollection of " + l.Title}
	paths[base+"/import"] = map[string]any{"post": map[string]any{
		"summary": "Import a file of " + l.Title + ", all or nothing (" + string(l.CanWrite()) + "). GeoJSON FeatureCollection, or CSV: a header naming the properties, " +
			"geometry as a wkt column (or lon and lat for points), tags ;-separated, line lists as JSON. id, version, updated_at and computed fields are ignored.",
		"parameters": []any{map[string]any{"name": "dry_run", "in": "query", "description": "check every row, including against the database, and store nothing",
			"schema": map[string]any{"type": "boolean", "default": false}}},
		"requestBody": map[string]any{"required": true, "content": map[string]any{
			"application/geo+json": map[string]any{"schema": fc}, "application/json": map[string]any{"schema": fc},
			"text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}},
		"responses": map[string]any{
			"200": map[string]any{"description": "the report: counts (a dry run also lists every bad row in errors)",
				"content": map[string]any{"application/json": map[string]any{"schema": report}}},
			"400": problem, "403": problem, "413": problem, "415": problem,
			"422": map[string]any{"description": "bad rows, nothing stored: a problem whose rows member lists every fault with its line",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{
					"rows": map[string]any{"type": "array", "items": rowErr}}}}}},
		},
	}}
	paths[base+"/export"] = map[string]any{"get": map[string]any{
		"summary": "Download every feature of " + l.Title + " as GeoJSON or CSV, in the form import takes.",
		"parameters": []any{map[string]any{"name": "format", "in": "query",
			"schema": map[string]any{"enum": []string{"geojson", "csv"}, "default": "geojson"}}},
		"responses": map[string]any{
			"200": map[string]any{"description": "the file (Content-Disposition: attachment)", "content": map[string]any{
				"application/geo+json": map[string]any{"schema": fc}, "text/csv": map[string]any{"schema": map[string]any{"type": "string"}}}},
			"400": problem,
		},
	}}
}
