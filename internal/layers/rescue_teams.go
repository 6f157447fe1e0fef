package layers

import (
	"sitrep/internal/api"
	"sitrep/internal/registry"
)

// TeamKinds of rescue teams (plan 6.2).
var TeamKinds = []string{"fire_rescue", "hazmat", "mine_rescue", "medical", "road", "enterprise", "sector", "volunteer", "police", "power", "other"}

// TeamStatuses in the order a dispatch moves through them.
var TeamStatuses = []string{"available", "dispatched", "en_route", "on_scene", "returning", "off_duty"}

// RescueTeams is the layer of rescue teams.
var RescueTeams = (&registry.Layer{
	Name:        "rescue_teams",
	Table:       "rescue_teams",
	Title:       "Rescue teams (救援队伍)",
	Geometries:  []string{"Point"},
	GeometryDoc: "the team's home base",
	PlaceBy:     "last_position",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64},
		{Name: "name", Kind: registry.Text, Required: true},
		{Name: "kind", Kind: registry.Text, Required: true, Enum: TeamKinds, Filter: true},
		{Name: "organisation", Kind: registry.Text},
		{Name: "capabilities", Kind: registry.Tags, Filter: true, Doc: "what the team can do, e.g. hazmat, rope_rescue, confined_space"},
		{Name: "headcount", Kind: registry.Integer, Required: true, NonNegative: true},
		{Name: "equipment", Kind: registry.Lines, Lines: []registry.Field{
			{Name: "item", Kind: registry.Text, Required: true, MaxLen: 200},
			{Name: "quantity", Kind: registry.Number, Required: true, NonNegative: true},
			{Name: "unit", Kind: registry.Text, MaxLen: 20},
		}},
		// Set when the team is created (or imported); afterwards the status
		// moves only through the dispatch status machine, which keeps the
		// team's assignment in step, and the position only through position
		// ingest, which never goes back in time.
		{Name: "status", Kind: registry.Text, Required: true, Enum: TeamStatuses, Filter: true, CreateOnly: true,
			Doc: "set on create; afterwards changed only by POST /api/v1/dispatch/teams/{id}/status (or a dispatch)"},
		{Name: "last_position", Kind: registry.Point, CreateOnly: true,
			Doc: "where the team was last seen (WGS 84 Point); set on create, afterwards only by POST /api/v1/positions"},
		{Name: "observed_at", Kind: registry.Timestamp, CreateOnly: true,
			Doc: "when last_position was observed; set on create, afterwards only by POST /api/v1/positions"},
		{Name: "contact_person", Kind: registry.Text, MaxLen: 100},
		{Name: "contact_phone", Kind: registry.Text, MaxLen: 50},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "rescue_teams_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{Check: func(in *registry.Input) []api.FieldError {
		if (in.Values["last_position"] == nil) != (in.Values["observed_at"] == nil) {
			return []api.FieldError{{Field: "/properties/observed_at", Detail: "last_position and observed_at go together: give both or neither"}}
		}
		return nil
	}},
}).Init()
