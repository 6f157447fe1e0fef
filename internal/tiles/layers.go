package tiles

import (
	"context"

	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/warnings"
	"sitrep/internal/zones"
)

// Prop is a property a tile carries: its name, SQL over the row alias t,
// and its TileJSON field type (String, Number, Boolean).
type Prop struct{ Name, SQL, Type string }

// Layer is one tile layer.
type Layer struct {
	// Name is the URL segment and the MVT layer name; Topic the live-stream
	// topic whose events change it.
	Name, Topic, Title string
	// From is the FROM clause (main row aliased t), Where an optional
	// condition, ID the SQL of the feature id (bigint, the events'
	// entity_id), Geom of the EPSG:4326 geometry.
	From, Where, ID, Geom string
	Props                 []Prop
	// Polygons simplifies geometries to one tile pixel before clipping.
	Polygons         bool
	MinZoom, MaxZoom int
	Permission       auth.Permission
	// Source, when set, makes the layer's tiles instead of the SQL above
	// (the basemap: several MVT layers in one tile, from PostGIS or a
	// PMTiles archive). Its tiles list no ids, so any event of Topic but a
	// create drops every cached one.
	Source Source
}

// Source makes the tiles of a layer that is not one SQL query.
type Source interface {
	Render(ctx context.Context, q db.Querier, z, x, y int) (*Tile, error)
	// TileJSON describes the layer: its bounds (minLon, minLat, maxLon,
	// maxLat; nil when unknown), zooms and vector_layers.
	TileJSON(ctx context.Context, q db.Querier) (*Description, error)
}

// Description is what a Source tells TileJSON.
type Description struct {
	Bounds           []float64
	MinZoom, MaxZoom int
	VectorLayers     []map[string]any
	Attribution      string
}

func s(name string) Prop { return Prop{name, "t." + name, "String"} }
func n(name string) Prop { return Prop{name, "t." + name, "Number"} }
func b(name string) Prop { return Prop{name, "t." + name, "Boolean"} }

// Layers are the tile layers. Their URL names are stable: the map page
// depends on them. Experts are not tiled (their contact data is not map
// material); everything else the map shows is.
var Layers = []*Layer{
	{Name: "population_cells", Topic: "population_cells", Title: "人口网格（夜间与白天人口）",
		From: "population_cells t", ID: "t.id", Geom: "t.geom", Polygons: true, MinZoom: 6, MaxZoom: 16,
		Props: []Prop{n("night_people"), n("day_people"), s("township_code"), b("synthetic")}},
	{Name: "hazard_sources", Topic: "hazard_sources", Title: "重大危险源",
		From: "hazard_sources t", ID: "t.id", Geom: "t.geom", Polygons: true, MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("enterprise"), s("grade"), b("major"), s("filing_status"), n("r"), b("synthetic")}},
	{Name: "sensitive_sites", Topic: "sensitive_sites", Title: "敏感目标",
		From: "sensitive_sites t", ID: "t.id", Geom: "t.geom", Polygons: true, MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("kind"), n("people"), b("synthetic")}},
	{Name: "shelters", Topic: "shelters", Title: "应急避难场所",
		From: "shelters t", ID: "t.id", Geom: "t.geom", MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("class"), n("capacity"), n("occupancy"), s("status"), b("synthetic")}},
	{Name: "rescue_teams", Topic: "rescue_teams", Title: "救援队伍（最新位置）",
		From: "rescue_teams t", ID: "t.id", Geom: "COALESCE(t.last_position, t.geom)", MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("kind"), s("status"), n("headcount"), {"observed_at", "t.observed_at::text", "String"}, b("synthetic")}},
	{Name: "supply_depots", Topic: "supply_depots", Title: "应急物资储备库",
		From: "supply_depots t", ID: "t.id", Geom: "t.geom", MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("operator"), b("synthetic")}},
	{Name: "medical_facilities", Topic: "medical_facilities", Title: "医疗卫生机构",
		From: "medical_facilities t", ID: "t.id", Geom: "t.geom", MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("name"), s("kind"), n("beds"), n("ambulances"), b("synthetic")}},
	{Name: "incidents", Topic: "incidents", Title: "未结案的事件",
		From: "incidents t", Where: "t.state <> 'closed'", ID: "t.id", Geom: "t.location", MinZoom: 0, MaxZoom: 18,
		Props: []Prop{s("kind"), s("place"), s("grade"), s("state"), s("level"), b("drill"), b("at_risk"),
			{"occurred_at", "t.occurred_at::text", "String"}}},
	{Name: warnings.Topic, Topic: warnings.Topic, Title: "生效中的预警",
		From: "warning_versions t JOIN warnings w ON w.id = t.warning_id", Where: "t.status = 'active'",
		ID: "t.warning_id", Geom: "t.area", Polygons: true, MinZoom: 0, MaxZoom: 16,
		Props: []Prop{s("level"), {"category", "t.body->>'category'", "String"}, {"drill", "w.drill", "Boolean"}, s("identifier")}},
	{Name: zones.Topic, Topic: zones.Topic, Title: "已发布的危险区域",
		From: "zones t", Where: "t.active", ID: "t.id", Geom: "t.geom", Polygons: true, MinZoom: 0, MaxZoom: 18,
		Props: []Prop{n("level"), s("name"), b("evacuate"), n("incident_id"), n("extent_m")}},
}

func init() {
	for _, l := range Layers {
		if l.Permission == "" {
			l.Permission = auth.ReadMap
		}
	}
}
