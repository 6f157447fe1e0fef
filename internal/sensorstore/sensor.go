package sensorstore

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/db"
	"sitrep/sensors"
)

// sensor is what ingest and the stale check need of a registered sensor.
type sensor struct {
	id             int64
	name           string
	hazardSourceID int64
	outOfService   bool
	updatedAt      time.Time
	def            sensors.Definition
}

const sensorColumns = `id, name, hazard_source_id, out_of_service, updated_at, kind, unit, range_min, range_max,
	warn_high, alarm_high, warn_low, alarm_low, hold_s, deadband, stale_after_s`

func scanSensor(row pgx.Row) (*sensor, error) {
	var s sensor
	return &s, scanSensorAnd(row, &s)
}

// scanSensorAnd scans sensorColumns into s, then the row's further columns
// into more.
func scanSensorAnd(row pgx.Row, s *sensor, more ...any) error {
	var kind, unit string
	var hold int
	var stale *int
	dest := append([]any{&s.id, &s.name, &s.hazardSourceID, &s.outOfService, &s.updatedAt, &kind, &unit, &s.def.RangeMin, &s.def.RangeMax,
		&s.def.WarnHigh, &s.def.AlarmHigh, &s.def.WarnLow, &s.def.AlarmLow, &hold, &s.def.Deadband, &stale}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	s.def.Kind, s.def.Unit = sensors.Kind(kind), sensors.Unit(unit)
	s.def.Hold = time.Duration(hold) * time.Second
	if stale != nil {
		s.def.StaleAfter = time.Duration(*stale) * time.Second
	}
	return nil
}

// prefixed qualifies each of a comma-separated list of columns.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// loadSensors reads the sensors with the given ids; those that do not
// exist are missing from the map.
func loadSensors(ctx context.Context, q db.Querier, ids []int64) (map[int64]*sensor, error) {
	rows, err := q.Query(ctx, `SELECT `+sensorColumns+` FROM sensors WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*sensor{}
	for rows.Next() {
		s, err := scanSensor(rows)
		if err != nil {
			return nil, err
		}
		out[s.id] = s
	}
	return out, rows.Err()
}
