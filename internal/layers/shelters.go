package layers

import (
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/registry"
)

// Shelters is the layer of emergency shelters (应急避难场所, plan 6.6.3;
// classes after GB 51143-2015: 紧急, 短期, 长期).
var Shelters = (&registry.Layer{
	Name:        "shelters",
	Table:       "shelters",
	Title:       "Emergency shelters (应急避难场所)",
	Geometries:  []string{"Point"},
	GeometryDoc: "the shelter's entrance or centre",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "class", Kind: registry.Text, Required: true, Enum: []string{"emergency", "short_term", "long_term"}, Filter: true},
		{Name: "capacity", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "people"},
		{Name: "area_m2", Kind: registry.Number, NonNegative: true},
		{Name: "status", Kind: registry.Text, Required: true, Enum: []string{"open", "closed", "full"}, Filter: true},
		{Name: "occupancy", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "people now sheltered; at most capacity"},
		{Name: "facilities", Kind: registry.Tags, Filter: true, Doc: "e.g. water, power, toilets, medical, kitchen"},
		{Name: "address", Kind: registry.Text},
		{Name: "township_code", Kind: registry.Text, Enum: areas.TownshipCodes, Filter: true, Doc: townshipDoc},
		{Name: "contact_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "shelters_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{Prepare: attributeTownship, Check: func(in *registry.Input) []api.FieldError {
		occ, _ := in.Values["occupancy"].(int64)
		capacity, _ := in.Values["capacity"].(int64)
		if occ > capacity {
			return []api.FieldError{{Field: "/properties/occupancy", Detail: "exceeds the capacity"}}
		}
		return nil
	}},
}).Init()
