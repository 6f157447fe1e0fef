package layers

import "sitrep/internal/registry"

// SupplyDepots is the layer of supply and equipment depots with their stock
// lines (plan 6.4).
var SupplyDepots = (&registry.Layer{
	Name:        "supply_depots",
	Table:       "supply_depots",
	Title:       "Supply and equipment depots (应急物资储备库)",
	Geometries:  []string{"Point"},
	GeometryDoc: "the depot",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "operator", Kind: registry.Text, Filter: true},
		{Name: "address", Kind: registry.Text},
		{Name: "contact_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "stock", Kind: registry.Lines, Doc: "one line per item", Lines: []registry.Field{
			{Name: "item", Kind: registry.Text, Required: true, MaxLen: 200},
			{Name: "unit", Kind: registry.Text, Required: true, MaxLen: 20},
			{Name: "quantity", Kind: registry.Number, Required: true, NonNegative: true},
		}},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "supply_depots_code_key", Fields: []string{"code"}}},
}).Init()
