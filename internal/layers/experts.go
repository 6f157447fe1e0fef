package layers

import (
	"sitrep/internal/auth"
	"sitrep/internal/registry"
)

// ExpertFields are the fields of the expert pool (plan 6.3).
var ExpertFields = []string{"hazardous_chemicals", "mining", "fire", "medical", "geology", "structural", "environment", "power", "transport", "other"}

// Experts is the layer of experts; the geometry is where each is based. It
// names people and their private phones, so it is read with
// auth.ReadExperts, not with the map wall's auth.ReadMap.
var Experts = (&registry.Layer{
	Name:           "experts",
	Table:          "experts",
	Title:          "Experts (专家库)",
	Geometries:     []string{"Point"},
	GeometryDoc:    "the expert's base (workplace)",
	ReadPermission: auth.ReadExperts,
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "field", Kind: registry.Text, Required: true, Enum: ExpertFields, Filter: true},
		{Name: "employer", Kind: registry.Text},
		{Name: "title", Kind: registry.Text},
		{Name: "contact_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "experts_code_key", Fields: []string{"code"}}},
}).Init()
