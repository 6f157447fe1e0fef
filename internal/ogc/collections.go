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
	c.Props = append(c.Props, Prop{"version", "t.version", cql2.Number}, Prop{"updated_at", "t.updated_at", cql2.Timestamp})
	for _, f := range l.Fields {
		p := Prop{Name: f.Name, SQL: col(f.Name), Type: kindType[f.Kind]}
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
	c := &Collection{ID: "incidents", Title: "Incidents (生产安全事故)",
		Description: "Reported incidents at their location; the affected area, when known, is the area property.",
		From:        "incidents t", IDSQL: "t.id", Geom: "t.location", Time: "t.occurred_at", TimeName: "occurred_at",
		Permission: auth.ReadMap}
	for _, p := range []struct {
		name string
		t    cql2.Type
	}{{"kind", cql2.String}, {"place", cql2.String}, {"township", cql2.String}, {"unit", cql2.String},
		{"occurred_at", cql2.Timestamp}, {"reported_at", cql2.Timestamp}, {"drill", cql2.Boolean},
		{"outside_county", cql2.Boolean}, {"deaths", cql2.Number}, {"serious_injuries", cql2.Number},
		{"trapped", cql2.Number}, {"missing", cql2.Number}, {"endangered", cql2.Number}, {"evacuated", cql2.Number},
		{"direct_loss_yuan", cql2.Number}, {"grade", cql2.String}, {"at_risk", cql2.Boolean},
		{"state", cql2.String}, {"level", cql2.String}, {"state_since", cql2.Timestamp},
		{"version", cql2.Number}, {"updated_at", cql2.Timestamp}} {
		c.Props = append(c.Props, Prop{p.name, col(p.name), p.t})
	}
	c.Props = append(c.Props, Prop{"area", "ST_AsGeoJSON(t.area)::json", 0})
	return c.init()
}

// warningsCollection serves every warning at its latest version (status
// tells active, adjusted or lifted); the id is the warning's, as in the API.
func warningsCollection() *Collection {
	c := &Collection{ID: warnings.Topic, Title: "Public warnings (预警信息)",
		Description: "Each warning at its latest version, its area as geometry.",
		From:        "warning_versions t JOIN warnings w ON w.id = t.warning_id",
		Where:       "t.id = (SELECT max(v.id) FROM warning_versions v WHERE v.warning_id = t.warning_id)",
		IDSQL:       "t.warning_id", Geom: "t.area", Time: "t.issued_at", TimeName: "issued_at",
		Permission: auth.ReadMap}
	c.Props = []Prop{
		{"identifier", "t.identifier", cql2.String}, {"msg_type", "t.msg_type", cql2.String},
		{"status", "t.status", cql2.String}, {"level", "t.level", cql2.String},
		{"issued_at", "t.issued_at", cql2.Timestamp}, {"issued_by", "t.issued_by", cql2.String},
		{"drill", "w.drill", cql2.Boolean}, {"incident_id", "w.incident_id", cql2.Number},
		{"root_identifier", "w.root_identifier", cql2.String},
		{"category", "t.body->>'category'", cql2.String}, {"event", "t.body->>'event'", cql2.String},
		{"area_desc", "t.body->>'area_desc'", cql2.String}, {"authority", "t.body->>'authority'", cql2.String},
	}
	return c.init()
}

// zonesCollection serves hazard zones of every run; active ones are those
// in force for an incident.
func zonesCollection() *Collection {
	c := &Collection{ID: zones.Topic, Title: "Hazard zones (危险区域)",
		Description: "Zones computed by the hazard models; active = in force for an incident.",
		From:        "zones t", IDSQL: "t.id", Geom: "t.geom", Permission: auth.ReadMap}
	for _, p := range []struct {
		name string
		t    cql2.Type
	}{{"run_id", cql2.Number}, {"incident_id", cql2.Number}, {"level", cql2.Number}, {"name", cql2.String},
		{"threshold", cql2.Number}, {"threshold_unit", cql2.String}, {"extent_m", cql2.Number},
		{"note", cql2.String}, {"evacuate", cql2.Boolean}, {"active", cql2.Boolean},
		{"version", cql2.Number}, {"updated_at", cql2.Timestamp}} {
		c.Props = append(c.Props, Prop{p.name, col(p.name), p.t})
	}
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
