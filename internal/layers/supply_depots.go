package layers

import "sitrep/internal/registry"

// SupplyDepots is the layer of supply and equipment depots with their stock
// lines (plan 6.4).
var SupplyDepots = (&registry.Layer{
	Name:        "supply_depots",
	Table:       "supply_depots",
	Title:       "应急物资储备库",
	Geometries:  []string{"Point"},
	GeometryDoc: "储备库位置",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "operator", Title: "管理单位", Kind: registry.Text, Filter: true},
		{Name: "address", Title: "地址", Kind: registry.Text},
		{Name: "contact_phone", Title: "联系电话", Kind: registry.Text, MaxLen: 50},
		{Name: "stock", Title: "库存", Kind: registry.Lines, Doc: "每种物资一行", Lines: []registry.Field{
			{Name: "item", Title: "物资", Kind: registry.Text, Required: true, MaxLen: 200},
			{Name: "unit", Title: "单位", Kind: registry.Text, Required: true, MaxLen: 20},
			{Name: "quantity", Title: "数量", Kind: registry.Number, Required: true, NonNegative: true},
		}},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "supply_depots_code_key", Fields: []string{"code"}}},
}).Init()
