package ogc

import (
	"github.com/jackc/pgx/v5"

	"sitrep/internal/auth"
	"sitrep/internal/layers"
	"sitrep/internal/ogc/cql2"
	"sitrep/internal/registry"
	"sitrep/internal/warnings"
	"sitrep/internal/zones"
)

// Prop is one property of a collection's features.
type Prop struct {
	Name string
	// SQL is the expression over the collection's row alias t.
	SQL string
	// Type is its CQL2 type; 0 means it is shown but not queryable
	// (arrays, JSON, geometries).
	Type cql2.Type
	// Title is its Chinese name, the queryable's "title" a GIS client shows.
	Title string
}

// versionProps are the two properties every collection's rows carry.
var versionProps = []Prop{{"version", "t.version", cql2.Number, "版本"}, {"updated_at", "t.updated_at", cql2.Timestamp, "更新时间"}}

// titled is one property of a collection that is not a registry layer.
type titled struct {
	name  string
	t     cql2.Type
	title string
}

// Collection is one OGC API collection.
type Collection struct {
	ID, Title, Description string
	// From is the FROM clause, the main row aliased t; Where an optional
	// condition every item meets.
	From, Where string
	// ID is the SQL of the feature id (a bigint), Geom of the geometry
	// (EPSG:4326; may be NULL), Time of the feature's time (timestamptz;
	// "" when the collection has none) and TimeName its property name.
	IDSQL, Geom, Time, TimeName string
	Props                       []Prop
	// Permission is what a role needs to see the collection at all.
	Permission auth.Permission

	byName map[string]Prop
}

func (c *Collection) init() *Collection {
	c.byName = map[string]Prop{}
	for _, p := range c.Props {
		c.byName[p.Name] = p
	}
	return c
}

// resolve is the collection's CQL2 allowlist.
func (c *Collection) resolve(name string) (string, cql2.Type, bool) {
	p, ok := c.byName[name]
	if !ok || p.Type == 0 {
		return "", 0, false
	}
	return p.SQL, p.Type, true
}

// Queryables lists the properties filters may name.
func (c *Collection) Queryables() []Prop {
	var out []Prop
	for _, p := range c.Props {
		if p.Type != 0 {
			out = append(out, p)
		}
	}
	return out
}

func col(name string) string { return "t." + pgx.Identifier{name}.Sanitize() }

// kindType maps a registry property kind to its CQL2 type.
var kindType = map[registry.Kind]cql2.Type{
	registry.Text: cql2.String, registry.Integer: cql2.Number, registry.Number: cql2.Number,
	registry.Boolean: cql2.Boolean, registry.Date: cql2.Date, registry.Timestamp: cql2.Timestamp,
}

// layerTime names the time property of registry layers that have one.
var layerTime = map[string]string{"rescue_teams": "observed_at"}

// fromLayer makes a registry layer a collection with the same properties
// as its API (version, updated_at and every field).
func fromLayer(l *registry.Layer) *Collection {
	c := &Collection{ID: l.Name, Title: l.Title, Description: l.GeometryDoc,
		From: pgx.Identifier{l.Table}.Sanitize() + " t", IDSQL: "t.id", Geom: "t.geom",
		Permission: l.CanRead()}
	c.Props = append(c.Props, versionProps...)
	for _, f := range l.Fields {
		p := Prop{Name: f.Name, SQL: col(f.Name), Type: kindType[f.Kind], Title: f.Title}
		if f.Kind == registry.Point {
			p.SQL = "ST_AsGeoJSON(" + col(f.Name) + ")::json"
		}
		c.Props = append(c.Props, p)
	}
	if tn, ok := layerTime[l.Name]; ok {
		c.Time, c.TimeName = col(tn), tn
	}
	return c.init()
}

// incidentsCollection serves the incident facts and the stored results of
// the plan's rules (grade, state, level). The computed views of the API
// (deadlines, escalation chain) are not repeated: they are evaluated at
// read time in Go and belong to the incident page, not to a GIS layer.
func incidentsCollection() *Collection {
	c := &Collection{ID: "incidents", Title: "生产安全事故",
		Description: "已接报的事故，几何为事故位置；已知影响范围时见 area 属性。",
		From:        "incidents t", IDSQL: "t.id", Geom: "t.location", Time: "t.occurred_at", TimeName: "occurred_at",
		Permission: auth.ReadMap}
	for _, p := range []titled{{"kind", cql2.String, "事故类别"}, {"place", cql2.String, "地点"},
		{"township", cql2.String, "乡镇（街道）"}, {"unit", cql2.String, "事故单位"},
		{"occurred_at", cql2.Timestamp, "发生时间"}, {"reported_at", cql2.Timestamp, "接报时间"}, {"drill", cql2.Boolean, "演练"},
		{"outside_county", cql2.Boolean, "在县外"}, {"deaths", cql2.Number, "死亡人数"}, {"serious_injuries", cql2.Number, "重伤人数"},
		{"trapped", cql2.Number, "被困人数"}, {"missing", cql2.Number, "失踪人数"}, {"endangered", cql2.Number, "涉险人数"},
		{"evacuated", cql2.Number, "疏散人数"}, {"direct_loss_yuan", cql2.Number, "直接经济损失（元）"},
		{"grade", cql2.String, "事故等级"}, {"at_risk", cql2.Boolean, "较大涉险"},
		{"state", cql2.String, "状态"}, {"level", cql2.String, "响应级别"}, {"state_since", cql2.Timestamp, "状态开始时间"}} {
		c.Props = append(c.Props, Prop{p.name, col(p.name), p.t, p.title})
	}
	c.Props = append(c.Props, versionProps...)
	c.Props = append(c.Props, Prop{"area", "ST_AsGeoJSON(t.area)::json", 0, "影响范围"})
	return c.init()
}

// warningsCollection serves every warning at its latest version (status
// tells active, adjusted or lifted); the id is the warning's, as in the API.
func warningsCollection() *Collection {
	c := &Collection{ID: warnings.Topic, Title: "预警信息",
		Description: "每条预警的最新版本，几何为预警范围。",
		From:        "warning_versions t JOIN warnings w ON w.id = t.warning_id",
		Where:       "t.id = (SELECT max(v.id) FROM warning_versions v WHERE v.warning_id = t.warning_id)",
		IDSQL:       "t.warning_id", Geom: "t.area", Time: "t.issued_at", TimeName: "issued_at",
		Permission: auth.ReadMap}
	c.Props = []Prop{
		{"identifier", "t.identifier", cql2.String, "预警标识"}, {"msg_type", "t.msg_type", cql2.String, "消息类型"},
		{"status", "t.status", cql2.String, "状态"}, {"level", "t.level", cql2.String, "预警级别"},
		{"issued_at", "t.issued_at", cql2.Timestamp, "发布时间"}, {"issued_by", "t.issued_by", cql2.String, "发布人"},
		{"drill", "w.drill", cql2.Boolean, "演练"}, {"incident_id", "w.incident_id", cql2.Number, "事件编号"},
		{"root_identifier", "w.root_identifier", cql2.String, "首次发布的标识"},
		{"category", "t.body->>'category'", cql2.String, "事件类别"}, {"event", "t.body->>'event'", cql2.String, "事件"},
		{"area_desc", "t.body->>'area_desc'", cql2.String, "范围描述"}, {"authority", "t.body->>'authority'", cql2.String, "发布机关"},
	}
	return c.init()
}

// zonesCollection serves hazard zones of every run; active ones are those
// in force for an incident.
func zonesCollection() *Collection {
	c := &Collection{ID: zones.Topic, Title: "危险区域",
		Description: "危险模型计算的区域；active 为 true 表示已发布、对事件生效，false 为草稿、推演或已关闭。",
		From:        "zones t", IDSQL: "t.id", Geom: "t.geom", Permission: auth.ReadMap}
	for _, p := range []titled{{"run_id", cql2.Number, "计算编号"}, {"incident_id", cql2.Number, "事件编号"},
		{"level", cql2.Number, "区域级别"}, {"name", cql2.String, "名称"},
		{"threshold", cql2.Number, "阈值"}, {"threshold_unit", cql2.String, "阈值单位"}, {"extent_m", cql2.Number, "最远距离（m）"},
		{"note", cql2.String, "说明"}, {"evacuate", cql2.Boolean, "须疏散"}, {"active", cql2.Boolean, "已发布（生效）"}} {
		c.Props = append(c.Props, Prop{p.name, col(p.name), p.t, p.title})
	}
	c.Props = append(c.Props, versionProps...)
	return c.init()
}

// All lists the collections in display order: the registry layers, then
// incidents, warnings and zones.
func All() []*Collection {
	var out []*Collection
	for _, l := range layers.All {
		out = append(out, fromLayer(l))
	}
	return append(out, incidentsCollection(), warningsCollection(), zonesCollection())
}
