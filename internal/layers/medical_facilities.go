package layers

import "sitrep/internal/registry"

// medicalKinds of facilities in the county's medical network (plan 6.6.1).
var medicalKinds = terms{
	{"hospital", "医院"},
	{"township_health_centre", "乡镇卫生院"},
	{"village_clinic", "村卫生室"},
	{"emergency_station", "急救站"},
	{"disease_control", "疾病预防控制中心"},
	{"blood_station", "血站"},
}

// MedicalKinds are the codes of medicalKinds.
var MedicalKinds = medicalKinds.codes()

// MedicalFacilities is the layer of medical facilities.
var MedicalFacilities = (&registry.Layer{
	Name:        "medical_facilities",
	Table:       "medical_facilities",
	Title:       "医疗卫生机构",
	Geometries:  []string{"Point"},
	GeometryDoc: "机构入口",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "kind", Title: "类别", Kind: registry.Text, Required: true, Enum: MedicalKinds, EnumLabel: medicalKinds.label, Filter: true},
		{Name: "beds", Title: "床位", Kind: registry.Integer, NonNegative: true},
		{Name: "ambulances", Title: "救护车", Kind: registry.Integer, NonNegative: true},
		{Name: "specialties", Title: "专科", Kind: registry.Tags, Filter: true, Doc: "例如 burns（烧伤）、poisoning（中毒）、trauma（创伤）"},
		{Name: "contact_phone", Title: "联系电话", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "medical_facilities_code_key", Fields: []string{"code"}}},
}).Init()
