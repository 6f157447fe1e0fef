package layers

import (
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/registry"
)

// shelterClasses after GB 51143-2015.
var shelterClasses = terms{{"emergency", "紧急避难场所"}, {"short_term", "短期避难场所"}, {"long_term", "长期避难场所"}}

// shelterStatuses say whether a shelter takes people now.
var shelterStatuses = terms{{"open", "开放"}, {"closed", "关闭"}, {"full", "已满"}}

// ShelterStatusLabel is a shelter status's Chinese name.
func ShelterStatusLabel(code string) string { return shelterStatuses.label(code) }

// Shelters is the layer of emergency shelters (应急避难场所, plan 6.6.3;
// classes after GB 51143-2015: 紧急, 短期, 长期).
var Shelters = (&registry.Layer{
	Name:        "shelters",
	Table:       "shelters",
	Title:       "应急避难场所",
	Geometries:  []string{"Point"},
	GeometryDoc: "避难场所入口或中心",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "class", Title: "类型", Kind: registry.Text, Required: true, Enum: shelterClasses.codes(), EnumLabel: shelterClasses.label, Filter: true},
		{Name: "capacity", Title: "容量（人）", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "可容纳人数"},
		{Name: "area_m2", Title: "面积（m²）", Kind: registry.Number, NonNegative: true},
		{Name: "status", Title: "状态", Kind: registry.Text, Required: true, Enum: shelterStatuses.codes(), EnumLabel: shelterStatuses.label, Filter: true},
		{Name: "occupancy", Title: "在住人数", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "现安置人数，不超过容量"},
		{Name: "facilities", Title: "设施", Kind: registry.Tags, Filter: true, Doc: "例如 water（供水）、power（供电）、toilets（厕所）、medical（医疗）、kitchen（厨房）"},
		{Name: "address", Title: "地址", Kind: registry.Text},
		{Name: "township_code", Title: "乡镇（街道）", Kind: registry.Text, Enum: areas.TownshipCodes, EnumLabel: areas.TownshipName, Filter: true, Doc: townshipDoc},
		{Name: "contact_phone", Title: "联系电话", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "shelters_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{Prepare: attributeTownship, PrepareImport: townshipOfStaged, Check: func(in *registry.Input) []api.FieldError {
		occ, _ := in.Values["occupancy"].(int64)
		capacity, _ := in.Values["capacity"].(int64)
		if occ > capacity {
			return []api.FieldError{{Field: "/properties/occupancy", Detail: "超过容量"}}
		}
		return nil
	}},
}).Init()
