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
	Title:       "Sensitive sites (敏感目标) by kind",
	Geometries:  []string{"Point", "Polygon", "MultiPolygon"},
	GeometryDoc: "the site's outline where known, else a point",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "kind", Kind: registry.Text, Required: true, Enum: SiteKinds, Filter: true},
		{Name: "township_code", Kind: registry.Text, Enum: areas.TownshipCodes, Filter: true, Doc: townshipDoc},
		{Name: "people", Kind: registry.Integer, NonNegative: true, Doc: "people usually present (pupils, beds, residents)"},
		{Name: "notes", Kind: registry.Text, MaxLen: 2000},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "sensitive_sites_code_key", Fields: []string{"code"}}},
	Hooks:  registry.Hooks{Prepare: attributeTownship},
}).Init()
