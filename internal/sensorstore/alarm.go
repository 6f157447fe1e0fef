package sensorstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/sensors"
)

// The alarm kinds.
const (
	KindThreshold = "threshold" // a set point reached and held
	KindStale     = "stale"     // the sensor fell silent
)

// The journal's actions on an alarm.
const (
	ActionRaise    = "raise"
	ActionEscalate = "escalate"
	ActionStepDown = "step_down"
	ActionClear    = "clear"
	ActionAck      = "acknowledge"
)

// featureSQL is an alarm as a GeoJSON Feature at its sensor, the one form
// the API, the live stream's snapshot and its events share.
const featureSQL = `json_build_object('type', 'Feature', 'id', a.id::text,
	'geometry', ST_AsGeoJSON(s.geom, 6)::json,
	'properties', json_build_object('id', a.id, 'version', a.version, 'sensor_id', a.sensor_id,
		'sensor_name', s.name, 'sensor_code', s.code, 'sensor_kind', s.kind, 'unit', s.unit,
		'hazard_source_id', a.hazard_source_id, 'hazard_source_name', h.name, 'enterprise', h.enterprise,
		'kind', a.kind, 'level', a.level, 'dir', a.dir, 'value', a.value, 'set_point', a.set_point,
		'message', a.message, 'raised_at', a.raised_at, 'changed_at', a.changed_at,
		'acked_at', a.acked_at, 'acked_by', a.acked_by, 'cleared_at', a.cleared_at,
		'active', a.cleared_at IS NULL))
	FROM alarms a LEFT JOIN sensors s ON s.id = a.sensor_id LEFT JOIN hazard_sources h ON h.id = a.hazard_source_id `

// SnapshotSQL is the live stream's snapshot of topic "alarms": the alarms
// that are open or not yet acknowledged, $1..$4 an optional box.
const SnapshotSQL = `SELECT ` + featureSQL +
	`WHERE (a.cleared_at IS NULL OR a.acked_at IS NULL)
	AND ($1::float8 IS NULL OR s.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY a.id`

// loadFeature reads one alarm as its Feature.
func loadFeature(ctx context.Context, q db.Querier, id int64) (json.RawMessage, error) {
	var f json.RawMessage
	err := q.QueryRow(ctx, `SELECT `+featureSQL+`WHERE a.id = $1`, id).Scan(&f)
	return f, err
}

// change is the journal's record of a change of alarm id.
func change(ctx context.Context, tx pgx.Tx, id int64, action string, before json.RawMessage) (journal.Change, error) {
	after, err := loadFeature(ctx, tx, id)
	if err != nil {
		return journal.Change{}, err
	}
	c := journal.Change{Entity: "alarms", EntityID: strconv.FormatInt(id, 10), Action: action,
		After: after, Topic: Topic, Event: after}
	if before != nil {
		c.Before = before
	}
	return c, nil
}

// message says what a condition is, in the words of the wall.
func message(sn *sensor, c sensors.Condition, value, setPoint float64) string {
	if c.Level == sensors.Normal {
		return fmt.Sprintf("%s 恢复正常：%s %s", sn.name, num(value), sn.def.Unit)
	}
	return fmt.Sprintf("%s %s（%s）：%s %s，报警值 %s %s", sn.name, sensors.LevelLabel(c.Level.Code()),
		sensors.DirectionLabel(string(c.Dir)), num(value), sn.def.Unit, num(setPoint), sn.def.Unit)
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

// applyTransition opens, changes or clears the sensor's threshold alarm as
// a transition of the rules says.
func applyTransition(ctx context.Context, tx pgx.Tx, sn *sensor, t sensors.Transition) (journal.Change, bool, error) {
	msg := message(sn, t.To, t.Value, t.SetPoint)
	if t.From.Level == sensors.Normal {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO alarms (sensor_id, hazard_source_id, kind, level, dir, value, set_point, message, raised_at, changed_at)
			VALUES ($1, $2, 'threshold', $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (sensor_id, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
			sn.id, sn.hazardSourceID, t.To.Level.Code(), string(t.To.Dir), t.Value, t.SetPoint, msg, t.At).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return journal.Change{}, false, nil // already open: state and alarms agree again
		}
		if err != nil {
			return journal.Change{}, false, err
		}
		c, err := change(ctx, tx, id, ActionRaise, nil)
		return c, err == nil, err
	}
	id, before, err := openAlarm(ctx, tx, sn.id, KindThreshold)
	if err != nil || id == 0 {
		return journal.Change{}, false, err
	}
	action := ActionClear
	switch {
	case t.To.Level == sensors.Normal:
		_, err = tx.Exec(ctx, `UPDATE alarms SET version = version + 1, value = $2, message = $3, changed_at = $4, cleared_at = $4
			WHERE id = $1`, id, t.Value, msg, t.At)
	default:
		action = ActionStepDown
		if t.To.Level > t.From.Level {
			// A higher level is news: it needs its own acknowledgement.
			action = ActionEscalate
		}
		_, err = tx.Exec(ctx, `UPDATE alarms SET version = version + 1, level = $2, dir = $3, value = $4, set_point = $5,
			message = $6, changed_at = $7,
			acked_at = CASE WHEN $8 THEN NULL ELSE acked_at END, acked_by = CASE WHEN $8 THEN NULL ELSE acked_by END
			WHERE id = $1`, id, t.To.Level.Code(), string(t.To.Dir), t.Value, t.SetPoint, msg, t.At, action == ActionEscalate)
	}
	if err != nil {
		return journal.Change{}, false, err
	}
	c, err := change(ctx, tx, id, action, before)
	return c, err == nil, err
}

// openAlarm is the sensor's open alarm of the kind, locked, with its
// Feature; id 0 when there is none.
func openAlarm(ctx context.Context, tx pgx.Tx, sensorID int64, kind string) (int64, json.RawMessage, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM alarms WHERE sensor_id = $1 AND kind = $2 AND cleared_at IS NULL FOR UPDATE`,
		sensorID, kind).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	before, err := loadFeature(ctx, tx, id)
	return id, before, err
}

// clearStale ends the sensor's stale alarm, if one is open.
func clearStale(ctx context.Context, tx pgx.Tx, sn *sensor, at time.Time) (journal.Change, bool, error) {
	id, before, err := openAlarm(ctx, tx, sn.id, KindStale)
	if err != nil || id == 0 {
		return journal.Change{}, false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE alarms SET version = version + 1, message = $2, changed_at = $3, cleared_at = $3 WHERE id = $1`,
		id, sn.name+" 恢复报送", at); err != nil {
		return journal.Change{}, false, err
	}
	c, err := change(ctx, tx, id, ActionClear, before)
	return c, err == nil, err
}

// CloseForSensor clears the open alarms of a sensor that was deleted or
// taken out of service (why says which), inside the registry write's
// transaction, and forgets what the rules remembered of it, so that back
// in service it starts afresh. It returns the journal's changes.
func CloseForSensor(ctx context.Context, tx pgx.Tx, sensorID int64, why string) ([]journal.Change, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM alarms WHERE sensor_id = $1 AND cleared_at IS NULL ORDER BY id FOR UPDATE`, sensorID)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	var out []journal.Change
	for _, id := range ids {
		before, err := loadFeature(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE alarms SET version = version + 1, message = message || '；' || $2,
				changed_at = now(), cleared_at = now() WHERE id = $1`, id, why); err != nil {
			return nil, err
		}
		c, err := change(ctx, tx, id, ActionClear, before)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	_, err = tx.Exec(ctx, `DELETE FROM sensor_state WHERE sensor_id = $1`, sensorID)
	return out, err
}
