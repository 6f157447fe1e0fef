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
	Title:       "人口网格",
	Geometries:  []string{"Polygon", "MultiPolygon"},
	GeometryDoc: "网格范围；人口视为在其中均匀分布",
	Fields: []registry.Field{
		{Name: "code", Title: "编码", Kind: registry.Text, MaxLen: 64, Doc: "网格在数据来源中的编号"},
		{Name: "night_people", Title: "夜间（常住）人口", Kind: registry.Integer, Required: true, NonNegative: true, Doc: "常住人口，用于 GB 18218-2018 的 α"},
		{Name: "day_people", Title: "白天人口", Kind: registry.Integer, NonNegative: true, Doc: "白天在场人数（已知时）"},
		{Name: "township_code", Title: "乡镇（街道）", Kind: registry.Text, Enum: areas.TownshipCodes, EnumLabel: areas.TownshipName, Filter: true, Doc: townshipDoc},
		{Name: "source", Title: "数据来源", Kind: registry.Text, Doc: "人口数的来源"},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Unique: []registry.Unique{{Constraint: "population_cells_code_key", Fields: []string{"code"}}},
	Hooks: registry.Hooks{
		Prepare:       attributeTownship,
		PrepareImport: townshipOfStaged,
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
