package layers

// chemicalsPath documents GET /api/v1/chemicals (chemicals.go).
func chemicalsPath(paths, schemas map[string]any) {
	schemas["Chemical"] = map[string]any{"type": "object", "title": "危险化学品（GB 18218-2018 目录）",
		"required": []string{"id", "name", "cas", "un", "hazard_classes", "critical_tonnes"},
		"properties": map[string]any{
			"id":              map[string]any{"type": "string", "title": "目录编号", "description": "填入库存行的 chemical 即可唯一确定"},
			"name":            map[string]any{"type": "string", "title": "中文名"},
			"variant":         map[string]any{"type": "string", "title": "形态", "description": "同一 CAS 号有多种形态时（硝酸铵、硝化纤维素）"},
			"name_en":         map[string]any{"type": "string", "title": "英文名"},
			"aliases":         map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "别名"},
			"cas":             map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "CAS 号"},
			"un":              map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "UN 编号"},
			"hazard_classes":  map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "危险性类别（表2 代码）"},
			"critical_tonnes": map[string]any{"type": "number", "title": "临界量 Q（吨）"},
			"class_required":  map[string]any{"type": "boolean", "title": "须填写危险性类别", "description": "β 取决于每行库存填写的类别（例如汽油）"},
			"class_choices":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "可填写的类别"},
			"note":            map[string]any{"type": "string", "title": "说明"},
		}}
	paths["/api/v1/chemicals"] = map[string]any{"get": map[string]any{
		"summary": "Search the GB 18218-2018 chemical catalogue for the inventory editor: q matches part of the Chinese name or an alias, " +
			"the English name, the id, a CAS number (with or without hyphens) or a UN number; full-width characters, spaces and case are " +
			"ignored. Exact matches first, then prefixes, then the rest, in catalogue order; at most 20. No q lists the first 20. Needs map:read.",
		"parameters": []any{map[string]any{"name": "q", "in": "query", "schema": map[string]any{"type": "string", "maxLength": 100},
			"description": "中文名、别名、英文名、CAS 号或 UN 编号的一部分"}},
		"responses": map[string]any{
			"200": map[string]any{"description": "matching chemicals", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"chemicals"}, "properties": map[string]any{
					"chemicals": map[string]any{"type": "array", "maxItems": MaxChemicals, "items": map[string]any{"$ref": "#/components/schemas/Chemical"}}}}}}},
			"400": map[string]any{"$ref": "#/components/responses/Problem"},
			"401": map[string]any{"$ref": "#/components/responses/Problem"},
			"422": map[string]any{"$ref": "#/components/responses/Problem"},
		}}}
}
