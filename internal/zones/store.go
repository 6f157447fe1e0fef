package zones

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/geo/protective"
	"sitrep/incidents/incidentstore"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/dispatch"
	"sitrep/internal/journal"
)

// Topic is the live-stream topic of zones.
const Topic = "zones"

// Store keeps zones in PostGIS.
type Store struct {
	pool      *pgxpool.Pool
	incidents *incidentstore.Store
	table     *protective.Table
	// Now is the clock (tests may set it).
	Now func() time.Time
}

// New returns a store. table nil means the shipped protective-action table.
func New(pool *pgxpool.Pool, incidents *incidentstore.Store, table *protective.Table) (*Store, error) {
	if table == nil {
		t, err := protective.Default()
		if err != nil {
			return nil, err
		}
		table = t
	}
	return &Store{pool: pool, incidents: incidents, table: table, Now: time.Now}, nil
}

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
}

// Compute runs the model for an incident (incidentID > 0: the zones are
// active and update the incident's exposure) or as a what-if (incidentID 0,
// on req.HazardSourceID or on the inputs' own source; never active).
func (s *Store) Compute(ctx context.Context, actor journal.Actor, incidentID int64, req ComputeRequest) (*Computed, error) {
	var (
		source *orb.Point
		err    error
	)
	switch {
	case incidentID > 0:
		if req.HazardSourceID != nil {
			return nil, api.InvalidField("/hazard_source_id", "only for a what-if; an incident's zones start at the incident's location")
		}
		source, err = s.incidentLocation(ctx, incidentID)
	case req.HazardSourceID != nil:
		source, err = s.hazardSourceLocation(ctx, *req.HazardSourceID)
	}
	if err != nil {
		return nil, err
	}
	r, err := runModel(req.Model, req.Inputs, s.table, source, s.Now())
	if err != nil {
		return nil, err
	}
	if r.Source == (orb.Point{}) {
		return nil, api.InvalidField("/inputs/source", "required: the release point [lon, lat] (no incident location or hazard source to take it from)")
	}
	evac := req.EvacuateLevels
	if evac == nil {
		evac = []int{1}
	}
	for i, l := range evac {
		if l < 1 || l > len(r.Zones) {
			return nil, api.InvalidField("/evacuate_levels/"+strconv.Itoa(i), fmt.Sprintf("no zone level %d in this run (it has %d)", l, len(r.Zones)))
		}
	}
	polys := make([]string, len(r.Zones))
	for i, z := range r.Zones {
		if z.Polygon == nil {
			continue // threshold not reached: kept in the result, not drawn
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

	out := &Computed{Model: r.Model, Name: r.Name, Version: r.Version, WhatIf: incidentID == 0, Inputs: r.Inputs, Result: r.Result}
	var incident *int64
	if incidentID > 0 {
		incident = &incidentID
	}
	_, err = journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		out.Features = nil
		if err := tx.QueryRow(ctx, `INSERT INTO zone_runs (incident_id, hazard_source_id, what_if, model, model_name, model_version,
				inputs, result, evacuate_levels, at, day, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			incident, req.HazardSourceID, incidentID == 0, r.Model, r.Name, r.Version, []byte(r.Inputs), []byte(r.Result),
			evac, r.At, r.Day(), actor.Name).Scan(&out.RunID); err != nil {
			return nil, err
		}
		changes := []journal.Change{{Entity: "zone_runs", EntityID: strconv.FormatInt(out.RunID, 10), Action: "create",
			After: map[string]any{"model": r.Name, "version": r.Version, "inputs": r.Inputs, "incident_id": incident,
				"hazard_source_id": req.HazardSourceID, "evacuate_levels": evac}}}
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
				out.RunID, incident, z.Level, z.Name, z.Threshold, z.ThresholdUnit, z.ExtentM, z.Note,
				slices.Contains(evac, z.Level), incidentID > 0, polys[i]).Scan(&feature)
			if c := db.CheckViolation(err); c != "" {
				return nil, fmt.Errorf("zones: PostGIS refused the level %d polygon of %s (%s)", z.Level, r.Name, c)
			}
			if err != nil {
				return nil, err
			}
			f := json.RawMessage(feature)
			out.Features = append(out.Features, f)
			changes = append(changes, zoneChange(f, "create", nil))
		}
		if incidentID > 0 {
			ch, err := s.updateExposure(ctx, tx, incidentID)
			if err != nil {
				return nil, err
			}
			changes = append(changes, ch)
		}
		return changes, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func zoneChange(f json.RawMessage, action string, before json.RawMessage) journal.Change {
	var probe struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(f, &probe)
	c := journal.Change{Entity: "zones", EntityID: probe.ID, Action: action, After: f, Topic: Topic, Event: f}
	if before != nil {
		c.Before = before
	}
	return c
}

func (s *Store) incidentLocation(ctx context.Context, id int64) (*orb.Point, error) {
	var lon, lat *float64
	err := s.pool.QueryRow(ctx, `SELECT ST_X(location), ST_Y(location) FROM incidents WHERE id = $1`, id).Scan(&lon, &lat)
	if db.IsNotFound(err) {
		return nil, api.NotFound("incident " + strconv.FormatInt(id, 10))
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
		return nil, api.InvalidField("/hazard_source_id", "no hazard source "+strconv.FormatInt(id, 10))
	}
	if err != nil {
		return nil, err
	}
	return &orb.Point{lon, lat}, nil
}

// Get returns a zone's Feature and version.
func (s *Store) Get(ctx context.Context, q db.Querier, id int64, lock bool) (json.RawMessage, int, error) {
	var (
		f string
		v int
	)
	sql := `SELECT ` + featureSQL + `::text, z.version` + fromZones + `WHERE z.id = $1`
	if lock {
		sql += ` FOR UPDATE OF z`
	}
	err := q.QueryRow(ctx, sql, id).Scan(&f, &v)
	if db.IsNotFound(err) {
		return nil, 0, api.NotFound("zone " + strconv.FormatInt(id, 10))
	}
	return json.RawMessage(f), v, err
}

// List returns the zones of an incident (all, or active only), newest run first.
func (s *Store) List(ctx context.Context, incidentID int64, activeOnly bool) ([]json.RawMessage, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+featureSQL+`::text`+fromZones+
		`WHERE z.incident_id = $1 AND (z.active OR NOT $2) ORDER BY z.run_id DESC, z.level`, incidentID, activeOnly)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var s string
		err := r.Scan(&s)
		return json.RawMessage(s), err
	})
	if out == nil {
		out = []json.RawMessage{}
	}
	return out, err
}

// SetActive switches an incident zone on or off (If-Match: version), and
// recomputes the incident's exposure. What-if zones cannot be activated.
func (s *Store) SetActive(ctx context.Context, actor journal.Actor, id int64, ifMatch int, active bool) (json.RawMessage, int, error) {
	var (
		out     json.RawMessage
		version int
	)
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		before, v, err := s.Get(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		if v != ifMatch {
			return nil, api.PreconditionFailed(fmt.Sprintf("the zone is at version %d, not %d; GET it again", v, ifMatch))
		}
		var incident *int64
		if err := tx.QueryRow(ctx, `SELECT incident_id FROM zones WHERE id = $1`, id).Scan(&incident); err != nil {
			return nil, err
		}
		if incident == nil && active {
			return nil, api.Conflict("/active", "a what-if zone belongs to no incident and cannot be activated; compute it for the incident")
		}
		if _, err := tx.Exec(ctx, `UPDATE zones SET active = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, active); err != nil {
			return nil, err
		}
		if !active {
			if err := dispatch.ZoneEnded(ctx, tx, id); err != nil {
				return nil, err
			}
		}
		out, version, err = s.Get(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		changes := []journal.Change{zoneChange(out, "update", before)}
		if incident != nil {
			ch, err := s.updateExposure(ctx, tx, *incident)
			if err != nil {
				return nil, err
			}
			changes = append(changes, ch)
		}
		return changes, nil
	})
	return out, version, err
}
