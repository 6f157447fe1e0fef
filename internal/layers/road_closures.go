package layers

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/auth"
	"sitrep/internal/registry"
)

// Closure statuses: in force, or reopened (kept for the record of who
// closed what, and when).
const (
	ClosureClosed = "closed"
	ClosureOpen   = "open"
)

// closureStatusLabel names a closure's status as the console shows it.
func closureStatusLabel(code string) string {
	return map[string]string{ClosureClosed: "封闭中", ClosureOpen: "已解除"}[code]
}

// RoadClosures is the layer of road closures (plan 4.5, 交通管制): a line
// drawn across a road or along the closed stretch, or an area every road
// meeting it is closed in. Package routing closes every road edge a closure
// in force meets. Dispatchers close and reopen roads as they send teams,
// so writing takes the dispatch permission, not the registry keepers'.
var RoadClosures = (&registry.Layer{
	Name:            "road_closures",
	Table:           "road_closures",
	Title:           "道路封闭（交通管制）",
	Geometries:      []string{"LineString", "MultiLineString", "Polygon", "MultiPolygon"},
	GeometryDoc:     "横跨道路的封闭线、沿封闭路段的线，或封闭区域（与之相交的道路均封闭）",
	WritePermission: auth.Dispatch,
	Fields: []registry.Field{
		{Name: "name", Title: "名称", Kind: registry.Text, Required: true, MaxLen: 200, Doc: "如 G216 线某路段封闭"},
		{Name: "status", Title: "状态", Kind: registry.Text, Enum: []string{ClosureClosed, ClosureOpen}, EnumLabel: closureStatusLabel, Filter: true,
			Doc: "封闭中的道路不参与路径计算；解除后保留记录。不填为封闭中"},
		{Name: "reason", Title: "原因", Kind: registry.Text, MaxLen: 2000},
		{Name: "ordered_by", Title: "决定单位/人", Kind: registry.Text, MaxLen: 200},
		{Name: "synthetic", Title: "演示数据（虚构）", Kind: registry.Boolean, Filter: true},
	},
	Hooks: registry.Hooks{Prepare: closedUnlessSaid},
}).Init()

// closedUnlessSaid makes a closure sent without a status one in force: a
// dispatcher drawing a closure means to close the road (the column is NOT
// NULL, and the engine stores an absent field as NULL).
func closedUnlessSaid(_ context.Context, _ pgx.Tx, in *registry.Input) error {
	if in.Values["status"] == nil {
		in.Values["status"] = ClosureClosed
	}
	return nil
}
