package layers

import (
	"encoding/json"
	"strings"

	"sitrep/internal/registry"
)

// OpenAPI returns the registry's OpenAPI fragment (paths and schemas),
// derived from the layer definitions, so the document cannot drift from
// them. server/openapi/registry.json is this output; TestOpenAPIFragment
// keeps it so (go test ./layers -update rewrites it).
func OpenAPI() ([]byte, error) {
	paths := map[string]any{}
	schemas := map[string]any{}
	problem := map[string]any{"$ref": "#/components/responses/Problem"}
	geojson := func(ref string) map[string]any {
		return map[string]any{"application/geo+json": map[string]any{"schema": map[string]any{"$ref": ref}}}
	}
	idParam := map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer", "minimum": 1}}
	ifMatch := map[string]any{"name": "If-Match", "in": "header", "required": true,
		"description": `the feature's ETag ("<version>") from the read this write is based on`, "schema": map[string]any{"type": "string"}}
	for _, l := range All {
		name := schemaName(l.Name)
		schemas[name+"Properties"] = propertiesSchema(l)
		schemas[name] = map[string]any{
			"type": "object", "title": l.Title, "description": l.Title + "。几何：" + l.GeometryDoc + "。",
			"required": []string{"type", "geometry", "properties"},
			"properties": map[string]any{
				"type": map[string]any{"const": "Feature"},
				"id":   map[string]any{"type": "string", "readOnly": true},
				"geometry": map[string]any{"type": "object", "title": "几何",
					"description": "GeoJSON 几何，WGS 84 [经度, 纬度]，类型为 " + strings.Join(l.Geometries, "、") + " 之一",
					"properties":  map[string]any{"type": map[string]any{"enum": l.Geometries}}},
				"properties": map[string]any{"$ref": "#/components/schemas/" + name + "Properties"},
			},
		}
		ref := "#/components/schemas/" + name
		listParams := []any{
			map[string]any{"name": "bbox", "in": "query", "description": "minLon,minLat,maxLon,maxLat (WGS 84)", "schema": map[string]any{"type": "string"}},
			map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": registry.MaxLimit, "default": registry.DefaultLimit}},
			map[string]any{"name": "after", "in": "query", "description": "return features with a larger id (from the next link)", "schema": map[string]any{"type": "integer"}},
			map[string]any{"name": "properties", "in": "query", "description": "only these comma-separated properties in each feature (default: all); answers are gzip-compressed when the request accepts it",
				"schema": map[string]any{"type": "string"}},
		}
		for _, f := range l.Fields {
			if f.Filter {
				listParams = append(listParams, map[string]any{"name": f.Name, "in": "query",
					"description": "equal to one of these comma-separated values" + tagsNote(f), "schema": map[string]any{"type": "string"}})
			}
		}
		body := map[string]any{"required": true, "content": map[string]any{"application/geo+json": map[string]any{"schema": map[string]any{"$ref": ref}},
			"application/json": map[string]any{"schema": map[string]any{"$ref": ref}}}}
		base := "/api/v1/" + l.Name
		paths[base] = map[string]any{
			"get": map[string]any{"summary": "List " + l.Title + " as a GeoJSON FeatureCollection, ordered by id, paged with a next link.",
				"parameters": listParams,
				"responses": map[string]any{"200": map[string]any{"description": "a FeatureCollection with numberReturned and links (rel next when there is more)",
					"content": map[string]any{"application/geo+json": map[string]any{"schema": map[string]any{"type": "object"}}}}, "400": problem}},
			"post": map[string]any{"summary": "Create a feature (permission " + string(l.CanWrite()) + ").", "requestBody": body,
				"responses": map[string]any{"201": map[string]any{"description": "created; Location and ETag set", "content": geojson(ref)},
					"400": problem, "403": problem, "409": problem, "422": problem}},
		}
		paths[base+"/{id}"] = map[string]any{
			"parameters": []any{idParam},
			"get":        map[string]any{"summary": "One feature; ETag is its version.", "responses": map[string]any{"200": map[string]any{"description": "the feature", "content": geojson(ref)}, "404": problem}},
			"put": map[string]any{"summary": "Replace a feature (" + string(l.CanWrite()) + "; If-Match required).", "parameters": []any{ifMatch}, "requestBody": body,
				"responses": map[string]any{"200": map[string]any{"description": "the new version", "content": geojson(ref)}, "400": problem, "403": problem, "404": problem, "409": problem, "412": problem, "422": problem, "428": problem}},
			"patch": map[string]any{"summary": "Change a feature with an RFC 7396 merge patch of the Feature (" + string(l.CanWrite()) + "; If-Match required); the result is checked as a whole.",
				"parameters":  []any{ifMatch},
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/merge-patch+json": map[string]any{"schema": map[string]any{"type": "object"}}}},
				"responses":   map[string]any{"200": map[string]any{"description": "the new version", "content": geojson(ref)}, "400": problem, "403": problem, "404": problem, "409": problem, "412": problem, "422": problem, "428": problem}},
			"delete": map[string]any{"summary": "Delete a feature (" + string(l.CanWrite()) + "; If-Match required); its history stays.", "parameters": []any{ifMatch},
				"responses": map[string]any{"204": map[string]any{"description": "deleted"}, "403": problem, "404": problem, "412": problem, "428": problem}},
		}
		transferPaths(paths, base, l)
		paths[base+"/{id}/history"] = map[string]any{
			"parameters": []any{idParam},
			"get": map[string]any{"summary": "Every version of a feature, oldest first, including a final delete.",
				"responses": map[string]any{"200": map[string]any{"description": "versions", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}, "404": problem}},
		}
	}
	schemas["SafeDistanceViolation"] = map[string]any{"type": "object", "properties": map[string]any{
		"hazard_source_id": map[string]any{"type": "integer"}, "hazard_source_name": map[string]any{"type": "string"},
		"enterprise": map[string]any{"type": "string"}, "grade": map[string]any{"type": "string"},
		"site_layer": map[string]any{"type": "string", "enum": []string{"sensitive_sites", "shelters"}}, "site_id": map[string]any{"type": "integer"},
		"site_name": map[string]any{"type": "string"}, "site_kind": map[string]any{"type": "string"},
		"distance_m": map[string]any{"type": "number"}, "minimum_m": map[string]any{"type": "number"},
		"shortfall_m": map[string]any{"type": "number"}, "rule": map[string]any{"type": "string"},
	}}
	paths["/api/v1/safe-distance-violations"] = map[string]any{"get": map[string]any{
		"summary": "Hazard sources closer to a sensitive site or shelter than the safe-distance rules allow (plan 3.1.2), distances in metres on the WGS 84 spheroid.",
		"responses": map[string]any{"200": map[string]any{"description": "violations and the rules' source", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
			"type": "object", "properties": map[string]any{"rules_source": map[string]any{"type": "string"}, "count": map[string]any{"type": "integer"},
				"violations": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/SafeDistanceViolation"}}}}}}}, "400": problem}}}
	chemicalsPath(paths, schemas)
	paths["/api/v1/safe-distance-violations/map"] = map[string]any{"get": map[string]any{
		"summary":   "The same violations as a GeoJSON FeatureCollection: the shortest line from each source to each site, with the violation as properties.",
		"responses": map[string]any{"200": map[string]any{"description": "FeatureCollection of LineStrings", "content": map[string]any{"application/geo+json": map[string]any{"schema": map[string]any{"type": "object"}}}}, "400": problem}}}
	return json.MarshalIndent(map[string]any{"paths": paths, "components": map[string]any{"schemas": schemas}}, "", " ")
}

// propertiesSchema describes a layer's properties. "x-order" lists them in
// the order the layer defines them (JSON objects have none), so a form can
// follow the definition rather than the alphabet; the server-kept version
// and updated_at come last.
func propertiesSchema(l *registry.Layer) map[string]any {
	props := map[string]any{
		"version":    map[string]any{"type": "integer", "readOnly": true, "title": "版本", "description": "乐观并发控制的版本号，即 ETag"},
		"updated_at": map[string]any{"type": "string", "format": "date-time", "readOnly": true, "title": "更新时间"},
	}
	var required, order []string
	for _, f := range l.Fields {
		props[f.Name] = fieldSchema(l.Name, f)
		order = append(order, f.Name)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false,
		"x-order": append(order, "version", "updated_at")}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// fieldSchema describes one field; vocab is the name of its vocabulary at
// GET /api/v1/vocabulary when it has allowed values ("<layer>.<field>").
func fieldSchema(vocab string, f registry.Field) map[string]any {
	vocab += "." + f.Name
	s := map[string]any{"title": f.Title}
	switch f.Kind {
	case registry.Text:
		s["type"] = []string{"string", "null"}
		s["maxLength"] = maxLen(f)
	case registry.Integer:
		s["type"] = []string{"integer", "null"}
	case registry.Number:
		s["type"] = []string{"number", "null"}
	case registry.Boolean:
		s["type"] = "boolean"
	case registry.Date:
		s["type"] = []string{"string", "null"}
		s["format"] = "date"
	case registry.Timestamp:
		s["type"] = []string{"string", "null"}
		s["format"] = "date-time"
	case registry.Tags:
		s["type"] = "array"
		items := map[string]any{"type": "string"}
		if len(f.Enum) > 0 {
			items["enum"] = f.Enum
		}
		s["items"] = items
	case registry.Point:
		s["type"] = []string{"object", "null"}
		s["description"] = "GeoJSON Point，WGS 84"
	case registry.Lines:
		line := map[string]any{}
		var req, order []string
		for _, lf := range f.Lines {
			line[lf.Name] = fieldSchema(vocab, lf)
			order = append(order, lf.Name)
			if lf.Required {
				req = append(req, lf.Name)
			}
		}
		s["type"] = "array"
		s["items"] = map[string]any{"type": "object", "properties": line, "required": req, "additionalProperties": false, "x-order": order}
	case registry.JSON:
		s["type"] = "object"
	}
	if len(f.Enum) > 0 && f.Kind == registry.Text {
		s["enum"] = append(append([]any{}, toAny(f.Enum)...), nil)
	}
	if len(f.Enum) > 0 {
		s["x-vocabulary"] = vocab // its labels: GET /api/v1/vocabulary
	}
	if f.NonNegative {
		s["minimum"] = 0
	}
	if f.ReadOnly {
		s["readOnly"] = true
	}
	if f.CreateOnly {
		s["x-create-only"] = true // the map's registry editor shows it read-only on edit
	}
	if f.Doc != "" {
		s["description"] = f.Doc
	}
	return s
}

func maxLen(f registry.Field) int {
	if f.MaxLen > 0 {
		return f.MaxLen
	}
	return 500
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func tagsNote(f registry.Field) string {
	if f.Kind == registry.Tags {
		return " (a feature matches when it has any of them)"
	}
	return ""
}

// schemaName turns hazard_sources into HazardSources.
func schemaName(layer string) string {
	out := []byte{}
	up := true
	for i := 0; i < len(layer); i++ {
		c := layer[i]
		if c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		out = append(out, c)
	}
	return string(out)
}
