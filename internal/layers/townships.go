package layers

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/areas"
	"sitrep/internal/journal"
	"sitrep/internal/registry"
)

// Where township boundaries are loaded (sitrep basemap import), a hazard
// source's, sensitive site's, shelter's or population cell's township comes
// from where it lies, not from a code typed by hand: every write sets
// township_code from the boundary holding the feature's point on surface,
// whatever was sent, and a new load of boundaries brings every stored
// feature in line (ReattributeTownships). A feature outside every loaded
// township keeps the code it was given.

// townshipDoc is the OpenAPI description of township_code.
const townshipDoc = "650121 下属乡镇（街道）的统计用区划代码；已导入乡镇界线（sitrep basemap import）时，" +
	"按要素所在的乡镇界线（其面内点）自动确定，与提交的值无关；不在任何已导入乡镇内的要素保留提交的值"

// townshipLayers are the layers with a township_code.
func townshipLayers() []*registry.Layer {
	return []*registry.Layer{HazardSources, SensitiveSites, Shelters, PopulationCells}
}

// attributeTownship is the Prepare step that sets township_code from the
// feature's geometry.
func attributeTownship(ctx context.Context, tx pgx.Tx, in *registry.Input) error {
	var code *string
	if err := tx.QueryRow(ctx, "SELECT "+areas.TownshipOfSQL("ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)"),
		in.Geometry.GeoJSON).Scan(&code); err != nil {
		return err
	}
	if code != nil {
		in.Values["township_code"] = *code
	}
	return nil
}

// townshipOfStaged is attributeTownship for a bulk import's staged rows
// (registry.Hooks.PrepareImport).
func townshipOfStaged(row string) map[string]string {
	return map[string]string{"township_code": "COALESCE(" + areas.TownshipOfSQL(row+".geom") + ", " + row + ".township_code)"}
}

// thenAttributeTownship runs prepare (when set) and then attributeTownship.
func thenAttributeTownship(prepare func(context.Context, pgx.Tx, *registry.Input) error) func(context.Context, pgx.Tx, *registry.Input) error {
	return func(ctx context.Context, tx pgx.Tx, in *registry.Input) error {
		if prepare != nil {
			if err := prepare(ctx, tx, in); err != nil {
				return err
			}
		}
		return attributeTownship(ctx, tx, in)
	}
}

// ReattributeTownships brings every stored feature's township_code in line
// with the township boundaries now loaded, inside tx (the basemap import's
// transaction), and returns the journal changes.
func ReattributeTownships(ctx context.Context, tx pgx.Tx, actor journal.Actor) ([]journal.Change, error) {
	var out []journal.Change
	for _, l := range townshipLayers() {
		changes, err := l.Recompute(ctx, tx, actor, "township_code", areas.TownshipOfSQL("t.geom"))
		if err != nil {
			return nil, err
		}
		out = append(out, changes...)
	}
	return out, nil
}

// RecomputeOutsideCounty brings every registry feature's outside_county in
// line with the county boundary now loaded, inside tx (the boundary load's
// transaction: areas.Store.AfterUpsert), and returns the journal changes.
func RecomputeOutsideCounty(ctx context.Context, tx pgx.Tx, actor journal.Actor) ([]journal.Change, error) {
	var out []journal.Change
	for _, l := range All {
		changes, err := l.RecomputeOutsideCounty(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		out = append(out, changes...)
	}
	return out, nil
}
