package zones

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// ComputeRequest is what computing zones takes.
type ComputeRequest struct {
	// Model is one of Models.
	Model string `json:"model"`
	// Inputs are the model's own inputs (geo/plume.Inputs,
	// geo/protective.Request, geo/blast.ExplosionInputs or FireballInputs);
	// source and time default to the incident's (or hazard source's)
	// location and now.
	Inputs json.RawMessage `json:"inputs"`
	// EvacuateLevels lists the zone levels whose people must leave; default [1]
	// (the most severe zone of the run).
	EvacuateLevels []int `json:"evacuate_levels,omitempty"`
	// HazardSourceID names the hazard source of a what-if (POST /zones/what-if).
	HazardSourceID *int64 `json:"hazard_source_id,omitempty"`
	// Weather is where the wind comes from: WeatherManual (the inputs, the
	// default) or WeatherStation (the nearest station's fresh observation
	// fills what the inputs leave out).
	Weather string `json:"weather,omitempty"`
}

// Computed is the answer to a computation: the run and its zones.
type Computed struct {
	RunID    int64             `json:"run_id"`
	Model    string            `json:"model"`
	Name     string            `json:"model_name"`
	Version  string            `json:"model_version"`
	WhatIf   bool              `json:"what_if"`
	Inputs   json.RawMessage   `json:"inputs"`
	Result   json.RawMessage   `json:"result"`
	Features []json.RawMessage `json:"features"`
	// Weather is the station and observation the run took its wind from.
	Weather *StationWeather `json:"weather,omitempty"`
}

// Compute runs the model for an incident (incidentID > 0) or as a what-if
// (incidentID 0, on req.HazardSourceID or on the inputs' own source). Either
// way the zones are stored inactive: an incident's zones are drafts until
// someone publishes them (SetActive), so trying four models does not put
// four sets of zones on the wall or into the incident's exposure; a
// what-if's can never be published. Everything that can be refused is
// checked before the transaction opens.
func (s *Store) Compute(ctx context.Context, actor journal.Actor, incidentID int64, req ComputeRequest) (*Computed, error) {
	source, err := s.releasePoint(ctx, incidentID, req.HazardSourceID)
	if err != nil {
		return nil, err
	}
	inputs, sw, err := s.stationWeather(ctx, req, source)
	if err != nil {
		return nil, err
	}
	r, err := runModel(req.Model, inputs, s.table, source, s.Now())
	if err != nil {
		return nil, err
	}
	if r.Source == (orb.Point{}) {
		return nil, api.Invalid(api.FieldError{Field: "/inputs/source", Code: "required", Detail: "必填：泄漏点 [经度, 纬度]（没有可用的事件位置或危险源位置）"})
	}
	evac, err := evacuateLevels(req.EvacuateLevels, len(r.Zones))
	if err != nil {
		return nil, err
	}
	polys, err := zonePolygons(r)
	if err != nil {
		return nil, err
	}

	out := &Computed{Model: r.Model, Name: r.Name, Version: r.Version, WhatIf: incidentID == 0, Inputs: r.Inputs, Result: r.Result, Weather: sw}
	var incident *int64
	if incidentID > 0 {
		incident = &incidentID
	}
	_, err = journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		runID, change, err := insertRun(ctx, tx, actor, r, incident, req.HazardSourceID, evac, sw)
		if err != nil {
			return nil, err
		}
		features, err := insertZones(ctx, tx, runID, incident, r, evac, polys)
		if err != nil {
			return nil, err
		}
		changes := []journal.Change{change}
		for _, f := range features {
			changes = append(changes, zoneChange(f, "create", nil))
		}
		out.RunID, out.Features = runID, features
		return changes, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// releasePoint is where the release starts when the inputs do not say: the
// incident's location, or the what-if's hazard source; nil when neither
// gives one.
func (s *Store) releasePoint(ctx context.Context, incidentID int64, hazardSourceID *int64) (*orb.Point, error) {
	switch {
	case incidentID > 0:
		if hazardSourceID != nil {
			return nil, api.InvalidField("/hazard_source_id", "只用于推演（what-if）；事件的区域从事件位置起算")
		}
		return s.incidentLocation(ctx, incidentID)
	case hazardSourceID != nil:
		return s.hazardSourceLocation(ctx, *hazardSourceID)
	}
	return nil, nil
}

func (s *Store) incidentLocation(ctx context.Context, id int64) (*orb.Point, error) {
	var lon, lat *float64
	err := s.pool.QueryRow(ctx, `SELECT ST_X(location), ST_Y(location) FROM incidents WHERE id = $1`, id).Scan(&lon, &lat)
	if db.IsNotFound(err) {
		return nil, api.NotFound("事件 " + strconv.FormatInt(id, 10))
	}
	if err != nil || lon == nil {
		return nil, err
	}
	return &orb.Point{*lon, *lat}, nil
}

// hazardSourceLocation is a point on the source's surface (its site may be
// a polygon): the release starts on the site, never outside a concave one.
func (s *Store) hazardSourceLocation(ctx context.Context, id int64) (*orb.Point, error) {
	var lon, lat float64
	err := s.pool.QueryRow(ctx, `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM hazard_sources WHERE id = $1) s`, id).Scan(&lon, &lat)
	if db.IsNotFound(err) {
		return nil, api.InvalidField("/hazard_source_id", "没有编号为 "+strconv.FormatInt(id, 10)+" 的重大危险源")
	}
	if err != nil {
		return nil, err
	}
	return &orb.Point{lon, lat}, nil
}

// evacuateLevels defaults to [1], the run's most severe zone, and refuses
// a level the run does not have (the default too, in a run without zones).
func evacuateLevels(levels []int, zones int) ([]int, error) {
	if levels == nil {
		levels = []int{1}
	}
	for i, l := range levels {
		if l < 1 || l > zones {
			return nil, api.InvalidField("/evacuate_levels/"+strconv.Itoa(i), fmt.Sprintf("本次计算没有第 %d 级区域（共 %d 级）", l, zones))
		}
	}
	return levels, nil
}

// zonePolygons is each zone's polygon as GeoJSON, "" for a zone whose
// threshold was not reached (kept in the result, not drawn). A polygon the
// model got wrong is a server error, found before anything is stored.
func zonePolygons(r *run) ([]string, error) {
	polys := make([]string, len(r.Zones))
	for i, z := range r.Zones {
		if z.Polygon == nil {
			continue
		}
		if err := geo.ValidatePolygon(z.Polygon); err != nil {
			return nil, fmt.Errorf("zones: model %s produced an invalid polygon for level %d: %w", r.Name, z.Level, err)
		}
		b, err := geojson.NewGeometry(z.Polygon).MarshalJSON()
		if err != nil {
			return nil, err
		}
		polys[i] = string(b)
	}
	return polys, nil
}

// insertRun stores the run with everything needed to replay it; incident
// nil makes it a what-if.
func insertRun(ctx context.Context, tx pgx.Tx, actor journal.Actor, r *run, incident, hazardSourceID *int64, evac []int, sw *StationWeather) (int64, journal.Change, error) {
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO zone_runs (incident_id, hazard_source_id, what_if, model, model_name, model_version,
			inputs, result, evacuate_levels, at, day, created_by, weather)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		incident, hazardSourceID, incident == nil, r.Model, r.Name, r.Version, []byte(r.Inputs), []byte(r.Result),
		evac, r.At, r.Day(), actor.Name, sw).Scan(&id); err != nil {
		return 0, journal.Change{}, err
	}
	change := journal.Change{Entity: "zone_runs", EntityID: strconv.FormatInt(id, 10), Action: "create",
		After: map[string]any{"model": r.Name, "version": r.Version, "inputs": r.Inputs, "incident_id": incident,
			"hazard_source_id": hazardSourceID, "evacuate_levels": evac, "weather": sw}}
	return id, change, nil
}

// insertZones stores the run's drawn zones (polys from zonePolygons),
// inactive (see Compute), and returns their Features.
func insertZones(ctx context.Context, tx pgx.Tx, runID int64, incident *int64, r *run, evac []int, polys []string) ([]json.RawMessage, error) {
	var features []json.RawMessage
	for i, z := range r.Zones {
		if polys[i] == "" {
			continue
		}
		var feature string
		err := tx.QueryRow(ctx, `WITH z AS (
				INSERT INTO zones (run_id, incident_id, level, name, threshold, threshold_unit, extent_m, note, evacuate, active, geom)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($11::text), 4326)))
				RETURNING *)
			SELECT `+featureSQL+`::text FROM z JOIN zone_runs r ON r.id = z.run_id`,
			runID, incident, z.Level, z.Name, z.Threshold, z.ThresholdUnit, z.ExtentM, z.Note,
			slices.Contains(evac, z.Level), false, polys[i]).Scan(&feature)
		if c := db.CheckViolation(err); c != "" {
			return nil, fmt.Errorf("zones: PostGIS refused the level %d polygon of %s (%s)", z.Level, r.Name, c)
		}
		if err != nil {
			return nil, err
		}
		features = append(features, json.RawMessage(feature))
	}
	return features, nil
}
