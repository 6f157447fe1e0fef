package incidentstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/incidents"
	"sitrep/incidents/orgplan"
	"sitrep/internal/db"
)

// record is one stored incident: the rules' view (incidents.Incident) and
// what only storage knows.
type record struct {
	ID            int64
	Inc           incidents.Incident
	ReportedAt    time.Time
	OutsideCounty *bool
	Location      json.RawMessage // GeoJSON Point written by PostGIS; nil when unknown
	Area          json.RawMessage // GeoJSON MultiPolygon; nil when none
	FollowUpsEnd  *time.Time
	Response      *Response
	Version       int
	UpdatedAt     time.Time
}

// Response is the activated response: what orgplan.Activate set in motion,
// with who activated it and when.
type Response struct {
	orgplan.Activation
	ActivatedAt time.Time `json:"activated_at"`
	ActivatedBy string    `json:"activated_by"`
}

const recordColumns = `id, kind, place, township, unit, occurred_at, reported_at, drill, outside_county,
	ST_AsGeoJSON(location, 7), ST_AsGeoJSON(area, 7), ST_X(location), ST_Y(location),
	deaths, serious_injuries, trapped, missing, endangered, evacuated, direct_loss_yuan,
	exposure, other_risk_reason, escalated_at, state, level, state_since, follow_ups_end,
	activation, version, updated_at`

func scanRecord(row pgx.Row) (*record, error) {
	var (
		rec                     record
		kind, state             string
		level                   *string
		loc, area               *string
		lon, lat                *float64
		exposure, activation    []byte
		escalated, followUpsEnd *time.Time
		c                       = &rec.Inc.Casualties
	)
	err := row.Scan(&rec.ID, &kind, &rec.Inc.Place, &rec.Inc.Township, &rec.Inc.Unit, &rec.Inc.OccurredAt,
		&rec.ReportedAt, &rec.Inc.Drill, &rec.OutsideCounty, &loc, &area, &lon, &lat,
		&c.Deaths, &c.SeriousInjuries, &c.Trapped, &c.Missing, &c.Endangered, &c.Evacuated, &c.DirectLossYuan,
		&exposure, &rec.Inc.OtherRiskReason, &escalated, &state, &level, &rec.Inc.Status.Since, &followUpsEnd,
		&activation, &rec.Version, &rec.UpdatedAt)
	if err != nil {
		return nil, err
	}
	rec.Inc.ID = strconv.FormatInt(rec.ID, 10)
	if rec.Inc.Kind, err = incidents.ParseKind(kind); err != nil {
		return nil, fmt.Errorf("incident %d: %w", rec.ID, err)
	}
	if rec.Inc.Status.State, err = incidents.ParseState(state); err != nil {
		return nil, fmt.Errorf("incident %d: %w", rec.ID, err)
	}
	if level != nil {
		if rec.Inc.Status.Level, err = incidents.ParseResponseLevel(*level); err != nil {
			return nil, fmt.Errorf("incident %d: %w", rec.ID, err)
		}
	}
	if loc != nil {
		rec.Location = json.RawMessage(*loc)
		rec.Inc.Location = &incidents.LonLat{Lon: *lon, Lat: *lat}
	}
	if area != nil {
		rec.Area = json.RawMessage(*area)
	}
	if err := json.Unmarshal(exposure, &rec.Inc.Exposure); err != nil {
		return nil, fmt.Errorf("incident %d exposure: %w", rec.ID, err)
	}
	if len(activation) > 0 {
		rec.Response = &Response{}
		if err := json.Unmarshal(activation, rec.Response); err != nil {
			return nil, fmt.Errorf("incident %d activation: %w", rec.ID, err)
		}
	}
	if escalated != nil {
		rec.Inc.EscalatedAt = escalated.UTC()
	}
	rec.FollowUpsEnd = followUpsEnd
	rec.Inc.OccurredAt = rec.Inc.OccurredAt.UTC()
	rec.ReportedAt = rec.ReportedAt.UTC()
	rec.Inc.Status.Since = rec.Inc.Status.Since.UTC()
	return &rec, nil
}

// load reads one incident with its reports; forUpdate locks the row until
// the transaction ends, so concurrent changes to one incident queue up.
func load(ctx context.Context, q db.Querier, id int64, forUpdate bool) (*record, error) {
	sql := `SELECT ` + recordColumns + ` FROM incidents WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	rec, err := scanRecord(q.QueryRow(ctx, sql, id))
	if err != nil {
		return nil, err
	}
	if err := loadReportLogs(ctx, q, map[int64]*record{id: rec}); err != nil {
		return nil, err
	}
	return rec, nil
}

// loadMany reads the incidents matching where (a fixed SQL fragment with
// $n binds) with their report logs, newest first.
func loadMany(ctx context.Context, q db.Querier, where string, args ...any) ([]*record, error) {
	rows, err := q.Query(ctx, `SELECT `+recordColumns+` FROM incidents WHERE `+where+` ORDER BY occurred_at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*record
	byID := map[int64]*record{}
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
		byID[rec.ID] = rec
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, loadReportLogs(ctx, q, byID)
}

// loadReportLogs fills each incident's incidents.ReportLog from its reports:
// the first time each tier received a report, and every follow-up.
func loadReportLogs(ctx context.Context, q db.Querier, byID map[int64]*record) error {
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	rows, err := q.Query(ctx, `SELECT incident_id, kind, tier, received_at FROM incident_reports
		WHERE incident_id = ANY($1) ORDER BY received_at, id`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id         int64
			kind, tier string
			at         time.Time
		)
		if err := rows.Scan(&id, &kind, &tier, &at); err != nil {
			return err
		}
		t, err := incidents.ParseTier(tier)
		if err != nil {
			return err
		}
		log := &byID[id].Inc.Reports
		if log.ReceivedAt == nil {
			log.ReceivedAt = map[incidents.Tier]time.Time{}
		}
		if _, seen := log.ReceivedAt[t]; !seen {
			log.ReceivedAt[t] = at.UTC()
		}
		if kind == reportFollowUp {
			log.FollowUps = append(log.FollowUps, at.UTC())
		}
	}
	return rows.Err()
}

// clockInput is the incident's reporting-clock input, with the end of the
// follow-up duty taken from storage (the incident's History is not loaded).
func (rec *record) clockInput() incidents.ClockInput {
	in := rec.Inc.ClockInput()
	if rec.FollowUpsEnd != nil {
		in.FollowUpsEnd = *rec.FollowUpsEnd
	}
	return in
}

func (rec *record) deadlines(now time.Time) []incidents.Deadline {
	return incidents.Deadlines(rec.clockInput(), now)
}

// save writes the incident's facts and the rules' results; geometry is
// written separately (setGeometry), only when it changes, so it never makes
// a round trip through text.
func save(ctx context.Context, tx pgx.Tx, rec *record) error {
	a := rec.Inc.Assess()
	reasons, err := json.Marshal(a.GradeReasons)
	if err != nil {
		return err
	}
	flags := a.RiskFlags
	if flags == nil {
		flags = []incidents.RiskFlag{}
	}
	flagsJSON, err := json.Marshal(flags)
	if err != nil {
		return err
	}
	exposure, err := json.Marshal(rec.Inc.Exposure)
	if err != nil {
		return err
	}
	var activation []byte
	if rec.Response != nil {
		if activation, err = json.Marshal(rec.Response); err != nil {
			return err
		}
	}
	var level *string
	if rec.Inc.Status.State.HasLevel() {
		l := rec.Inc.Status.Level.Code()
		level = &l
	}
	var escalated *time.Time
	if !rec.Inc.EscalatedAt.IsZero() {
		escalated = &rec.Inc.EscalatedAt
	}
	c := rec.Inc.Casualties
	return tx.QueryRow(ctx, `UPDATE incidents SET kind = $2, place = $3, township = $4, unit = $5, occurred_at = $6,
			deaths = $7, serious_injuries = $8, trapped = $9, missing = $10, endangered = $11, evacuated = $12,
			direct_loss_yuan = $13, exposure = $14, other_risk_reason = $15, grade = $16, grade_reasons = $17,
			risk_flags = $18, at_risk = $19, escalated_at = $20, state = $21, level = $22, state_since = $23,
			follow_ups_end = $24, activation = $25, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING version`,
		rec.ID, rec.Inc.Kind.Code(), rec.Inc.Place, rec.Inc.Township, rec.Inc.Unit, rec.Inc.OccurredAt,
		c.Deaths, c.SeriousInjuries, c.Trapped, c.Missing, c.Endangered, c.Evacuated, c.DirectLossYuan,
		exposure, rec.Inc.OtherRiskReason, a.Grade.Code(), reasons, flagsJSON, a.AtRisk(), escalated,
		rec.Inc.Status.State.Code(), level, rec.Inc.Status.Since, rec.FollowUpsEnd, activation,
	).Scan(&rec.Version)
}

// setGeometry replaces the location and area (GeoJSON, validated by the
// caller) and recomputes outside_county from the county boundary: NULL when
// there is no location or no county loaded, so "outside" is never claimed
// without a boundary to be outside of.
func setGeometry(ctx context.Context, tx pgx.Tx, id int64, location, area *string, setLocation, setArea bool) error {
	if setLocation {
		if _, err := tx.Exec(ctx, `UPDATE incidents SET location = ST_SetSRID(ST_GeomFromGeoJSON($2), 4326) WHERE id = $1`, id, location); err != nil {
			return err
		}
	}
	if setArea {
		if _, err := tx.Exec(ctx, `UPDATE incidents SET area = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) WHERE id = $1`, id, area); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `UPDATE incidents i SET outside_county = CASE
			WHEN i.location IS NULL OR NOT EXISTS (SELECT 1 FROM admin_areas WHERE is_county) THEN NULL
			ELSE NOT EXISTS (SELECT 1 FROM admin_areas a WHERE a.is_county AND ST_Intersects(a.geom, i.location))
		END WHERE i.id = $1`, id)
	return err
}
