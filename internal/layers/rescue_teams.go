package layers

import (
	"sitrep/internal/api"
	"sitrep/internal/registry"
)

// teamKinds of rescue teams (plan 6.2).
var teamKinds = terms{
	{"fire_rescue", "消防救援队伍"},
	{"hazmat", "危险化学品救援队伍"},
	{"mine_rescue", "矿山救护队"},
	{"medical", "医疗救护队伍"},
	{"road", "道路抢险队伍"},
	{"enterprise", "企业专（兼）职救援队伍"},
	{"sector", "行业救援队伍"},
	{"volunteer", "志愿者队伍"},
	{"police", "公安"},
	{"power", "电力抢修队伍"},
	{"other", "其他"},
}

// TeamKinds are the codes of teamKinds.
var TeamKinds = teamKinds.codes()

// teamStatuses in the order a dispatch moves through them.
var teamStatuses = terms{
	{"available", "待命"},
	{"dispatched", "已派遣"},
	{"en_route", "赶赴中"},
	{"on_scene", "在现场"},
	{"returning", "返回中"},
	{"off_duty", "休整"},
}

// TeamStatuses are the codes of teamStatuses.
var TeamStatuses = teamStatuses.codes()

// TeamStatusLabel is a team status's Chinese name.
func TeamStatusLabel(code string) string { return teamStatuses.label(code) }

// teamCapabilities is what a team can be sent to do: the tasks of the
// plan's accident kinds (4.4, 6.2) and of the county's teams. A closed list,
// not free tags: "nearest team with capability hazmat" matches codes
// exactly, so a capability written "危化" or "HazMat" would hide the team
// from the search that needs it. A new capability is one line here.
var teamCapabilities = terms{
	{"fire", "灭火"},
	{"hazmat", "危险化学品处置"},
	{"leak_sealing", "堵漏"},
	{"decontamination", "洗消"},
	{"gas_detection", "气体检测"},
	{"breathing_apparatus", "佩戴空气呼吸器作业"},
	{"search", "搜寻"},
	{"rope_rescue", "绳索救援"},
	{"confined_space", "有限空间救援"},
	{"collapse", "建（构）筑物坍塌救援"},
	{"water_rescue", "水域救援"},
	{"mountain", "山地救援"},
	{"mine_rescue", "矿山救护"},
	{"tunnel", "隧道救援"},
	{"explosives", "爆破与爆炸物处置"},
	{"road", "道路抢通"},
	{"heavy_lifting", "重型起重"},
	{"earthmoving", "土石方作业"},
	{"pipeline", "管道抢修"},
	{"oil_spill", "油品泄漏处置"},
	{"gas_leak", "燃气泄漏处置"},
	{"power", "电力抢修"},
	{"first_aid", "现场急救"},
	{"triage", "伤员检伤分类"},
	{"evacuation", "人员疏散"},
	{"cordon", "警戒与交通管制"},
	{"communications", "应急通信"},
	{"lighting", "应急照明"},
}

// TeamCapabilities are the codes of teamCapabilities.
var TeamCapabilities = teamCapabilities.codes()

// TeamCapabilityLabel is a capability's Chinese name.
func TeamCapabilityLabel(code string) string { return teamCapabilities.label(code) }

// RescueTeams is the layer of rescue teams.
var RescueTeams = (&registry.Layer{
	Name:        "rescue_teams",
	Table:       "rescue_teams",
	Title:       "救援队伍",
	Geometries:  []string{"Point"},
	GeometryDoc: "队伍驻地",
	PlaceBy:     "last_position",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true},
		{Name: "kind", Title: "类别", Kind: registry.Text, Required: true, Enum: TeamKinds, EnumLabel: teamKinds.label, Filter: true},
		{Name: "organisation", Title: "所属单位", Kind: registry.Text},
		{Name: "capabilities", Title: "救援能力", Kind: registry.Tags, Enum: TeamCapabilities, EnumLabel: teamCapabilities.label, Filter: true,
			Doc: "队伍能承担的任务，取自词表 rescue_teams.capabilities（GET /api/v1/vocabulary）"},
		{Name: "headcount", Title: "人数", Kind: registry.Integer, Required: true, NonNegative: true},
		{Name: "equipment", Title: "装备", Kind: registry.Lines, Lines: []registry.Field{
			{Name: "item", Title: "装备名称", Kind: registry.Text, Required: true, MaxLen: 200},
			{Name: "quantity", Title: "数量", Kind: registry.Number, Required: true, NonNegative: true},
			{Name: "unit", Title: "单位", Kind: registry.Text, MaxLen: 20},
		}},
		// Set when the team is created (or imported); afterwards the status
		// moves only through the dispatch status machine, which keeps the
		// team's assignment in step, and the position only through position
		// ingest, which never goes back in time.
		{Name: "status", Title: "状态", Kind: registry.Text, Required: true, Enum: TeamStatuses, EnumLabel: teamStatuses.label, Filter: true, CreateOnly: true,
			Doc: "新建时设置；之后只随调度变化（POST /api/v1/dispatch/teams/{id}/status 或派遣）"},
		{Name: "last_position", Title: "最新位置", Kind: registry.Point, CreateOnly: true,
			Doc: "队伍最后所在位置（WGS 84 点）；新建时设置，之后只由 POST /api/v1/positions 更新"},
		{Name: "observed_at", Title: "定位时间", Kind: registry.Timestamp, CreateOnly: true,
			Doc: "最新位置的定位时间；新建时设置，之后只由 POST /api/v1/positions 更新"},
		{Name: "contact_person", Title: "联系人", Kind: registry.Text, MaxLen: 100},
		{Name: "contact_phone", Title: "联系电话", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "rescue_teams_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{Check: func(in *registry.Input) []api.FieldError {
		if (in.Values["last_position"] == nil) != (in.Values["observed_at"] == nil) {
			return []api.FieldError{{Field: "/properties/observed_at", Detail: "最新位置与定位时间须同时给出或同时不给"}}
		}
		return nil
	}},
}).Init()
