package layers

import (
	"sitrep/internal/auth"
	"sitrep/internal/registry"
)

// expertFields are the fields of the expert pool (plan 6.3).
var expertFields = terms{
	{"hazardous_chemicals", "危险化学品"},
	{"mining", "矿山"},
	{"fire", "消防"},
	{"medical", "医疗救护"},
	{"geology", "地质"},
	{"structural", "建筑结构"},
	{"environment", "环境"},
	{"power", "电力"},
	{"transport", "交通运输"},
	{"other", "其他"},
}

// ExpertFields are the codes of expertFields.
var ExpertFields = expertFields.codes()

// Experts is the layer of experts; the geometry is where each is based. It
// names people and their private phones, so it is read with
// auth.ReadExperts, not with the map wall's auth.ReadMap.
var Experts = (&registry.Layer{
	Name:           "experts",
	Table:          "experts",
	Title:          "应急专家",
	Geometries:     []string{"Point"},
	GeometryDoc:    "专家所在单位（工作地点）",
	ReadPermission: auth.ReadExperts,
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "姓名", Kind: registry.Text, Required: true},
		{Name: "field", Title: "专业", Kind: registry.Text, Required: true, Enum: ExpertFields, EnumLabel: expertFields.label, Filter: true},
		{Name: "employer", Title: "工作单位", Kind: registry.Text},
		{Name: "title", Title: "职称", Kind: registry.Text},
		{Name: "contact_phone", Title: "联系电话", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "experts_code_key", Fields: []string{"code"}}},
}).Init()
