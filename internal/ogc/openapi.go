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
			"description": "Sitrep 的地图图层（登记数据、事件、预警、危险区域），以 OGC API – Features 第1部分和第3部分（CQL2 文本）提供。用 Bearer 令牌或登录会话 Cookie 认证。"},
		"servers":  []map[string]any{{"url": base(r)}},
		"security": []map[string]any{{"bearer": []string{}}, {"session": []string{}}},
		"paths": map[string]any{
			"/":            op("getLandingPage", "首页", "首页", JSON),
			"/conformance": op("getConformance", "符合的标准类别", "符合的标准类别", JSON),
			"/api":         map[string]any{"get": map[string]any{"operationId": "getAPI", "summary": "本接口定义", "responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.0 定义", "content": map[string]any{OpenAPI: map[string]any{"schema": map[string]any{"type": "object"}}}}}}},
			"/collections": op("getCollections", "调用者可读的图层集合", "图层集合", JSON),
			"/collections/{collectionId}": op("describeCollection", "一个图层集合及其范围", "图层集合", JSON,
				ref("collectionId")),
			"/collections/{collectionId}/queryables": op("getQueryables", "可用于筛选的属性（JSON Schema）", "可筛选属性", Schema,
				ref("collectionId")),
			"/collections/{collectionId}/items": op("getFeatures", "要素，按编号分页", "一页要素", GeoJSON,
				ref("collectionId"), ref("bbox"), ref("limit"), ref("after"), ref("datetime"), ref("filter"), ref("filter-lang"),
				ref("bbox-crs"), ref("crs"), ref("filter-crs")),
			"/collections/{collectionId}/items/{featureId}": op("getFeature", "一个要素", "要素", GeoJSON,
				ref("collectionId"), map[string]any{"name": "featureId", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}),
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "sitrep_session"},
			},
			"responses": map[string]any{"Problem": map[string]any{"description": "RFC 9457 问题详情",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
			"parameters": map[string]any{
				"f":            map[string]any{"name": "f", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"json", "html"}}, "description": "格式；不给时由 Accept 决定（默认 JSON）"},
				"collectionId": map[string]any{"name": "collectionId", "in": "path", "required": true, "schema": map[string]any{"type": "string", "enum": ids}},
				"bbox": map[string]any{"name": "bbox", "in": "query", "style": "form", "explode": false,
					"schema":      map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}},
					"description": "minLon,minLat,maxLon,maxLat（CRS84）"},
				"limit": map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit},
					"description": "每页数量；超过上限按上限提供"},
				"after":       map[string]any{"name": "after", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 0}, "description": "取自 next 链接的分页游标"},
				"datetime":    map[string]any{"name": "datetime", "in": "query", "schema": str, "description": "RFC 3339 时刻或日期，或“起/止”区间（.. 表示不限）；只用于有时间属性的集合"},
				"filter":      map[string]any{"name": "filter", "in": "query", "schema": str, "description": "对可筛选属性的 CQL2 文本筛选条件"},
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
