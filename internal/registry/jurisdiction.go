package registry

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/areas"
	"sitrep/internal/journal"
)

// Every layer's features carry outside_county, computed in the write's
// transaction from the county boundary (admin_areas), as incidents do: a
// hazard source just across the border is kept and still counts for the
// county's zones and screening, but the map and the lists say where it is.
// NULL when no county boundary is loaded: "outside" is never claimed without
// a boundary to be outside of.

// OutsideCountyField is the name of the computed field every layer has.
const OutsideCountyField = "outside_county"

// outsideCountyField is appended to every layer's fields by Init.
var outsideCountyField = Field{Name: OutsideCountyField, Title: "县外", Kind: Boolean, ReadOnly: true, Filter: true,
	Doc: "要素是否完全位于本县县界之外（由服务器按县界计算；未加载县界时为 null）。县外的危险源照样参与本县的区域计算和安全距离检查"}

// setOutsideCounty is the engine's Prepare step: it sets outside_county from
// the feature's geometry.
func setOutsideCounty(ctx context.Context, tx pgx.Tx, in *Input) error {
	var outside *bool
	if err := tx.QueryRow(ctx, "SELECT "+areas.OutsideCountySQL("ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)"),
		in.Geometry.GeoJSON).Scan(&outside); err != nil {
		return err
	}
	in.Values[OutsideCountyField] = outside
	return nil
}

// RecomputeOutsideCounty brings every stored feature's outside_county in
// line with the county boundary now loaded, inside tx (the boundary load's
// transaction); each changed feature gets a new version, like any edit.
func (l *Layer) RecomputeOutsideCounty(ctx context.Context, tx pgx.Tx, actor journal.Actor) ([]journal.Change, error) {
	return l.Recompute(ctx, tx, actor, OutsideCountyField, areas.OutsideCountySQL("t.geom"))
}
