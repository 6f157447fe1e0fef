package layers

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/areas"
	"sitrep/internal/journal"
	"sitrep/internal/registry"
)

// PopulationCells is the registry layer of population cells: polygons
// with a night (resident) and a day head count. GB 18218-2018 grading counts
// the residents within 500 m of each hazard source, so every write here
// re-grades the sources within 500 m of the cell as it was and as it is,
// in the same transaction.
var PopulationCells = (&registry.Layer{
	Name:        "population_cells",
	Table:       "population_cells",
	Title:       "Population cells (day and night head counts)",
	Geometries:  []string{"Polygon", "MultiPolygon"},
	GeometryDoc: "the cell; people are taken as spread evenly over it",
	Fields: []registry.Field{
		{Name: "code", Kind: registry.Text, MaxLen: 64, Doc: "the cell's key in its source"},
		{Name: "night_people", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "residents (常住人口), used for GB 18218-2018 α"},
		{Name: "day_people", Kind: registry.Integer, NonNegative: true, Doc: "people present by day, where known"},
		{Name: "township_code", Kind: registry.Text, Enum: areas.TownshipCodes, Filter: true, Doc: townshipDoc},
		{Name: "source", Kind: registry.Text, Doc: "where the counts come from"},
		{Name: "synthetic", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "population_cells_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{
		Prepare: attributeTownship,
		AfterWrite: func(ctx context.Context, tx pgx.Tx, actor journal.Actor, before, after string) ([]journal.Change, error) {
			return RegradeNear(ctx, tx, actor, before, after)
		},
		// A 10,000-cell import re-grades each nearby source once, against
		// the population as it stands after every cell is in.
		AfterImport: func(ctx context.Context, tx pgx.Tx, actor journal.Actor, geoms []string) ([]journal.Change, error) {
			return RegradeNear(ctx, tx, actor, geoms...)
		},
	},
}).Init()
