package registry

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"sitrep/internal/api"
)

// testSites is a small layer with a field of every kind a client sends
// except lines and points, a read-only field and a cross-field rule.
var testSites = (&Layer{
	Name:       "test_sites",
	Table:      "test_sites",
	Geometries: []string{"Point", "Polygon"},
	Fields: []Field{
		{Name: "code", Title: "编码", Kind: Text, MaxLen: 8},
		{Name: "name", Title: "名称", Kind: Text, Required: true, MaxLen: 40},
		{Name: "kind", Title: "类别", Kind: Text, Required: true, Enum: []string{"school", "hospital"}, EnumLabel: testLabel},
		{Name: "people", Title: "人数", Kind: Integer, NonNegative: true},
		{Name: "present", Title: "在场人数", Kind: Integer, NonNegative: true},
		{Name: "area_m2", Title: "面积", Kind: Number, NonNegative: true},
		{Name: "open", Title: "开放", Kind: Boolean},
		{Name: "opened_on", Title: "开放日期", Kind: Date},
		{Name: "checked_at", Title: "检查时间", Kind: Timestamp},
		{Name: "facilities", Title: "设施", Kind: Tags, Enum: []string{"water", "power", "toilets"}, EnumLabel: testLabel},
		{Name: "labels", Title: "标签", Kind: Tags},
		{Name: "grade", Title: "级别", Kind: Text, ReadOnly: true},
	},
	Unique: []Unique{{Constraint: "test_sites_code_key", Fields: []string{"code"}}},
	Hooks: Hooks{Check: func(in *Input) []api.FieldError {
		present, _ := in.Values["present"].(int64)
		people, _ := in.Values["people"].(int64)
		if present > people {
			return []api.FieldError{{Field: "/properties/present", Detail: "exceeds people"}}
		}
		return nil
	}},
}).Init()

// testLabel labels the test layers' enum values.
func testLabel(code string) string {
	return map[string]string{"school": "学校", "hospital": "医院", "water": "供水", "power": "供电", "toilets": "厕所"}[code]
}

// testDepots is a point-only layer with line lists and a point property.
var testDepots = (&Layer{
	Name:       "test_depots",
	Table:      "test_depots",
	Geometries: []string{"Point"},
	Fields: []Field{
		{Name: "name", Title: "名称", Kind: Text, Required: true},
		{Name: "stock", Title: "库存", Kind: Lines, Lines: []Field{
			{Name: "item", Title: "物资", Kind: Text, Required: true},
			{Name: "quantity", Title: "数量", Kind: Number, Required: true, NonNegative: true},
			{Name: "unit", Title: "单位", Kind: Text, MaxLen: 10},
		}},
		{Name: "last_position", Title: "位置", Kind: Point},
	},
}).Init()

// testAreas takes polygons only, so its CSV geometry is a wkt column.
var testAreas = (&Layer{
	Name:       "test_areas",
	Table:      "test_areas",
	Geometries: []string{"Polygon", "MultiPolygon"},
	Fields: []Field{
		{Name: "name", Title: "名称", Kind: Text, Required: true},
	},
}).Init()

// testLines takes lines and areas, as road closures do.
var testLines = (&Layer{
	Name:       "test_lines",
	Table:      "test_lines",
	Geometries: []string{"LineString", "MultiLineString", "Polygon", "MultiPolygon"},
	Fields: []Field{
		{Name: "name", Title: "名称", Kind: Text, Required: true},
	},
}).Init()

// mustJSON marshals v or fails the test.
func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// problemOf fails the test unless err is a problem with the status.
func problemOf(t *testing.T, err error, status int) *api.Problem {
	t.Helper()
	var p *api.Problem
	if !errors.As(err, &p) {
		t.Fatalf("want a %d problem, got %v", status, err)
	}
	if p.Status != status {
		t.Fatalf("want status %d, got %d: %s %+v", status, p.Status, p.Detail, p.Errors)
	}
	return p
}

// fieldsOf lists the fields a problem names, sorted.
func fieldsOf(p *api.Problem) []string {
	out := make([]string, len(p.Errors))
	for i, e := range p.Errors {
		out[i] = e.Field
	}
	slices.Sort(out)
	return out
}
