package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"sitrep/geo"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/validation"
	"sitrep/routing"
)

// StagingTopic is the live-stream topic of staging points (集结点).
const StagingTopic = "staging_points"

// A staging point is where responders to an incident gather: outside the
// isolation zone (the incident's active zones whose people must leave), on
// its upwind side where the wind is known, on a road. Sitrep proposes one;
// a dispatcher may place it elsewhere. Teams dispatched while it stands are
// routed to it (Dispatch, and nearest by road for the incident).
const (
	// stagingBeyondEdgeM is how far past the zone's edge the point goes:
	// room for vehicles to gather clear of the line.
	stagingBeyondEdgeM = 200.0
	// stagingStepM is the step of the walk out to the zone's edge.
	stagingStepM = 25.0
	// stagingMaxWalkM bounds the walk: no model's zone reaches farther.
	stagingMaxWalkM = 100_000.0
)

// stagingFeatureSQL is a staging point as the map draws it (alias s).
const stagingFeatureSQL = `json_build_object('type', 'Feature', 'id', s.incident_id,
		'geometry', ST_AsGeoJSON(s.geom, 7)::json,
		'properties', json_build_object('incident_id', s.incident_id, 'source', s.source, 'note', s.note,
			'set_by', s.set_by, 'updated_at', s.updated_at, 'version', s.version,
			'label', '集结点 · ' || COALESCE(NULLIF(i.place, ''), '事件 ' || i.id)))`

// StagingSnapshotSQL is the live stream's snapshot of staging points: those
// of incidents on the map (not closed, as the incidents' own snapshot).
const StagingSnapshotSQL = `SELECT ` + stagingFeatureSQL + ` FROM staging_points s JOIN incidents i ON i.id = s.incident_id
	WHERE i.state <> 'closed'
	  AND ($1::float8 IS NULL OR s.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY s.incident_id`

// Staging is the incident's staging point as a Feature; nil when it has none.
func (s *Store) Staging(ctx context.Context, incidentID int64) (json.RawMessage, error) {
	if err := incidentExists(ctx, s.pool, incidentID); err != nil {
		return nil, err
	}
	return stagingFeature(ctx, s.pool, incidentID)
}

func stagingFeature(ctx context.Context, q db.Querier, incidentID int64) (json.RawMessage, error) {
	var f json.RawMessage
	err := q.QueryRow(ctx, `SELECT `+stagingFeatureSQL+` FROM staging_points s JOIN incidents i ON i.id = s.incident_id
		WHERE s.incident_id = $1`, incidentID).Scan(&f)
	if db.IsNotFound(err) {
		return nil, nil
	}
	return f, err
}

func incidentExists(ctx context.Context, q db.Querier, id int64) error {
	var ok bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM incidents WHERE id = $1)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return api.NotFound("事件 " + strconv.FormatInt(id, 10))
	}
	return nil
}

// stagingOpen refuses a staging point for an incident that does not exist
// (404) or is closed (409): a closed incident has left the map, and a
// staging point set for it would come back on it alone.
func stagingOpen(ctx context.Context, q db.Querier, id int64) error {
	var state string
	err := q.QueryRow(ctx, `SELECT state FROM incidents WHERE id = $1`, id).Scan(&state)
	if db.IsNotFound(err) {
		return api.NotFound("事件 " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	if state == "closed" {
		return api.Conflict("", "事件已结案，不再设定集结点")
	}
	return nil
}

// isolation is what a proposal works from: the incident's place, its
// isolation zone (the union of its active zones whose people must leave)
// and where the wind comes from, when its zone's model had a wind.
type isolation struct {
	at       orb.Point
	zone     orb.MultiPolygon
	windFrom *float64
}

func readIsolation(ctx context.Context, tx pgx.Tx, incidentID int64) (isolation, error) {
	var (
		iso      isolation
		lon, lat *float64
		zone     []byte
	)
	err := tx.QueryRow(ctx, `SELECT ST_X(i.location), ST_Y(i.location),
			(SELECT ST_AsGeoJSON(ST_Multi(ST_Union(z.geom)), 7) FROM zones z WHERE z.incident_id = i.id AND z.active AND z.evacuate),
			(SELECT (r.inputs->>'windFromDeg')::float8 FROM zones z JOIN zone_runs r ON r.id = z.run_id
			 WHERE z.incident_id = i.id AND z.active AND z.evacuate AND jsonb_typeof(r.inputs->'windFromDeg') = 'number'
			 ORDER BY r.id DESC LIMIT 1)
		FROM incidents i WHERE i.id = $1`, incidentID).Scan(&lon, &lat, &zone, &iso.windFrom)
	if db.IsNotFound(err) {
		return iso, api.NotFound("事件 " + strconv.FormatInt(incidentID, 10))
	}
	if err != nil {
		return iso, err
	}
	if lon == nil {
		return iso, api.Conflict("", "事件还没有位置，无法建议集结点")
	}
	iso.at = orb.Point{*lon, *lat}
	if zone == nil {
		return iso, api.Conflict("", "该事件没有生效的隔离区（须疏散的区域）：请先计算并发布区域，或在地图上直接指定集结点")
	}
	g, err := geojson.UnmarshalGeometry(zone)
	if err != nil {
		return iso, err
	}
	mp, ok := g.Geometry().(orb.MultiPolygon)
	if !ok {
		return iso, fmt.Errorf("dispatch: isolation zone of incident %d is a %s", incidentID, g.Type)
	}
	iso.zone = mp
	return iso, nil
}

// bearings are the directions tried, best first: straight upwind, then
// ever wider either side of it (a road may leave the zone only off the
// wind's line); all round, from north, when the model had no wind.
func (iso isolation) bearings() []float64 {
	if iso.windFrom == nil {
		out := make([]float64, 0, 24)
		for b := 0.0; b < 360; b += 15 {
			out = append(out, b)
		}
		return out
	}
	out := []float64{*iso.windFrom}
	for d := 15.0; d <= 90; d += 15 {
		out = append(out, geo.NormBearing(*iso.windFrom-d), geo.NormBearing(*iso.windFrom+d))
	}
	return out
}

// beyondEdge walks from the incident along bearing until it is out of the
// zone, and goes stagingBeyondEdgeM further.
func (iso isolation) beyondEdge(bearing float64) orb.Point {
	d := 0.0
	for ; d < stagingMaxWalkM && planar.MultiPolygonContains(iso.zone, geo.Destination(iso.at, bearing, d)); d += stagingStepM {
	}
	return geo.Destination(iso.at, bearing, d+stagingBeyondEdgeM)
}

// onRoadSQL is the nearest point of a road to a candidate that lies in no
// active zone whose people must leave, and how far it is.
const onRoadSQL = `SELECT ST_X(p), ST_Y(p), ST_Distance(p::geography, c::geography) AS d
	FROM (SELECT ST_ClosestPoint(e.geom, x.c) AS p, x.c
	      FROM (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS c) x,
	           LATERAL (SELECT geom FROM routing_edges ORDER BY geom <-> x.c LIMIT 16) e) s
	WHERE NOT EXISTS (SELECT 1 FROM zones z WHERE z.active AND z.evacuate AND ST_Intersects(z.geom, s.p))
	ORDER BY d LIMIT 1`

// ProposeStaging proposes the incident's staging point and stores it,
// replacing any other: the first direction, from straight upwind outward,
// where a road passes within routing.MaxSnapM of the point just beyond the
// isolation zone's edge, at that road's nearest point. With no road near
// (or none loaded) the point beyond the edge straight upwind, saying its
// road is unchecked.
func (s *Store) ProposeStaging(ctx context.Context, actor journal.Actor, incidentID int64) (json.RawMessage, error) {
	var out json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if err := stagingOpen(ctx, tx, incidentID); err != nil {
			return nil, err
		}
		iso, err := readIsolation(ctx, tx, incidentID)
		if err != nil {
			return nil, err
		}
		bearings := iso.bearings()
		at, note := iso.beyondEdge(bearings[0]), ""
		found := false
		for _, b := range bearings {
			c := iso.beyondEdge(b)
			var road orb.Point
			var d float64
			err := tx.QueryRow(ctx, onRoadSQL, c.Lon(), c.Lat()).Scan(&road[0], &road[1], &d)
			if db.IsNotFound(err) {
				break // no roads at all
			}
			if err != nil {
				return nil, err
			}
			if d <= routing.MaxSnapM && !planar.MultiPolygonContains(iso.zone, road) {
				at, found = road, true
				note = fmt.Sprintf("%s隔离区边缘外 %.0f 米处的道路上（距该处 %.0f 米）", directionNote(iso, b), stagingBeyondEdgeM, d)
				break
			}
		}
		if !found {
			note = fmt.Sprintf("%s隔离区边缘外 %.0f 米；附近没有已加载的道路，道路可达性未核实", directionNote(iso, bearings[0]), stagingBeyondEdgeM)
		}
		return s.storeStaging(ctx, tx, incidentID, at, "proposed", note, actor, &out)
	})
	return out, err
}

// directionNote says which way from the incident the point lies.
func directionNote(iso isolation, bearing float64) string {
	if iso.windFrom == nil {
		return fmt.Sprintf("区域模型无风向；事故点方位 %.0f° 方向、", bearing)
	}
	off := math.Abs(geo.NormBearing(bearing-*iso.windFrom+180) - 180)
	if off < 1 {
		return fmt.Sprintf("上风向（风从 %.0f° 吹来）、", *iso.windFrom)
	}
	return fmt.Sprintf("上风向偏 %.0f°（风从 %.0f° 吹来）、", off, *iso.windFrom)
}

// PlaceStaging stores the staging point a dispatcher chose. It may not lie
// in an active zone whose people must leave.
func (s *Store) PlaceStaging(ctx context.Context, actor journal.Actor, incidentID int64, raw json.RawMessage) (json.RawMessage, error) {
	p, at, msg := validation.Point(raw)
	if msg != "" {
		return nil, api.InvalidField("/geometry"+at, msg)
	}
	var out json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if err := stagingOpen(ctx, tx, incidentID); err != nil {
			return nil, err
		}
		var inZone bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM zones z WHERE z.active AND z.evacuate
				AND ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)))`, p.Lon(), p.Lat()).Scan(&inZone); err != nil {
			return nil, err
		}
		if inZone {
			return nil, api.InvalidField("/geometry", "集结点不能设在须疏散的隔离区内")
		}
		return s.storeStaging(ctx, tx, incidentID, p, "placed", "调度员指定", actor, &out)
	})
	return out, err
}

func (s *Store) storeStaging(ctx context.Context, tx pgx.Tx, incidentID int64, at orb.Point, source, note string,
	actor journal.Actor, out *json.RawMessage) ([]journal.Change, error) {
	before, err := stagingFeature(ctx, tx, incidentID)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO staging_points (incident_id, geom, source, note, set_by)
		VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $5, $6)
		ON CONFLICT (incident_id) DO UPDATE SET geom = excluded.geom, source = excluded.source, note = excluded.note,
			set_by = excluded.set_by, version = staging_points.version + 1, updated_at = now()`,
		incidentID, at.Lon(), at.Lat(), source, note, actor.Name); err != nil {
		return nil, err
	}
	if *out, err = stagingFeature(ctx, tx, incidentID); err != nil {
		return nil, err
	}
	action := "update"
	if before == nil {
		action = "create"
	}
	var b any
	if before != nil {
		b = before
	}
	changes := []journal.Change{{Entity: StagingTopic, EntityID: strconv.FormatInt(incidentID, 10), Action: action,
		Before: b, After: *out, Topic: StagingTopic, Event: *out}}
	// Teams already on their way go to the new place.
	rerouted, err := s.rerouteTravelling(ctx, tx, incidentID)
	if err != nil {
		return nil, err
	}
	return append(changes, rerouted...), nil
}

// stagingFor is where teams dispatched to the incident are routed: its
// staging point, or the incident itself.
func stagingFor(ctx context.Context, q db.Querier, incidentID int64) (orb.Point, string, bool, error) {
	var lon, lat *float64
	var kind string
	err := q.QueryRow(ctx, `SELECT COALESCE(ST_X(s.geom), ST_X(i.location)), COALESCE(ST_Y(s.geom), ST_Y(i.location)),
			CASE WHEN s.geom IS NULL THEN 'incident' ELSE 'staging' END
		FROM incidents i LEFT JOIN staging_points s ON s.incident_id = i.id WHERE i.id = $1`, incidentID).Scan(&lon, &lat, &kind)
	if db.IsNotFound(err) || (err == nil && lon == nil) {
		return orb.Point{}, "", false, nil
	}
	if err != nil {
		return orb.Point{}, "", false, err
	}
	return orb.Point{*lon, *lat}, kind, true, nil
}
