package layers

import (
	"sitrep/hazards"
	"sitrep/internal/areas"
	"sitrep/internal/registry"
)

// SiteKinds a sensitive site may have: every safe-distance kind but shelter.
var SiteKinds = func() []string {
	var out []string
	for _, k := range hazards.SiteKinds {
		if k != hazards.SiteShelter {
			out = append(out, string(k))
		}
	}
	return out
}()

// SensitiveSites is the registry layer of sensitive sites (plan 1.5.2,
// 3.1.2): homes and villages, schools, hospitals, crowded places,
// drinking-water sources, stations, power stations, reservoirs and other
// important sites, by the kinds the safe-distance rules know
// (hazards.SiteKinds; shelters are a layer of their own).
var SensitiveSites = (&registry.Layer{
	Name:        "sensitive_sites",
	Table:       "sensitive_sites",
	Title:       "敏感目标",
	Geometries:  []string{"Point", "Polygon", "MultiPolygon"},
	GeometryDoc: "已知轮廓时为轮廓，否则为一个点",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "kind", Title: "类别", Kind: registry.Text, Required: true, Enum: SiteKinds, EnumLabel: siteKindLabel, Filter: true},
		{Name: "township_code", Title: "乡镇（街道）", Kind: registry.Text, Enum: areas.TownshipCodes, EnumLabel: areas.TownshipName, Filter: true, Doc: townshipDoc},
		{Name: "people", Title: "通常在场人数", Kind: registry.Integer, NonNegative: true, Doc: "通常在场的人数（学生、床位、居民）"},
		{Name: "notes", Title: "备注", Kind: registry.Text, MaxLen: 2000},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "sensitive_sites_code_key", Fields: []string{"code"}}},
	Hooks:  registry.Hooks{Prepare: attributeTownship, PrepareImport: townshipOfStaged},
}).Init()
