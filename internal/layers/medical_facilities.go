package layers

import "sitrep/internal/registry"

// MedicalKinds of facilities in the county's medical network (plan 6.6.1).
var MedicalKinds = []string{"hospital", "township_health_centre", "village_clinic", "emergency_station", "disease_control", "blood_station"}

// MedicalFacilities is the layer of medical facilities.
var MedicalFacilities = (&registry.Layer{
	Name:        "medical_facilities",
	Table:       "medical_facilities",
	Title:       "Medical facilities (医疗卫生机构)",
	Geometries:  []string{"Point"},
	GeometryDoc: "the facility's entrance",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "kind", Kind: registry.Text, Required: true, Enum: MedicalKinds, Filter: true},
		{Name: "beds", Kind: registry.Integer, NonNegative: true},
		{Name: "ambulances", Kind: registry.Integer, NonNegative: true},
		{Name: "specialties", Kind: registry.Tags, Filter: true, Doc: "e.g. burns, poisoning, trauma"},
		{Name: "contact_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "medical_facilities_code_key", Fields: []string{"code"}}},
}).Init()
