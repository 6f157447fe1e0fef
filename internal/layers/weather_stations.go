package layers

import "sitrep/internal/registry"

// WeatherStations is the layer of weather stations (the county weather
// bureau's, a member unit, plan Annex 2, and enterprises' own): zone models
// take the wind from the nearest one with a fresh observation.
var WeatherStations = (&registry.Layer{
	Name:        "weather_stations",
	Table:       "weather_stations",
	Title:       "气象站",
	Geometries:  []string{"Point"},
	GeometryDoc: "气象站位置",
	Fields: []registry.Field{
		{Name: "code", Title: "站号", Kind: registry.Text, MaxLen: 64, Doc: "区站号或其他编码，本图层内唯一"},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "operator", Title: "管理单位", Kind: registry.Text, Filter: true},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "weather_stations_code_key", Fields: []string{"code"}}},
}).Init()
