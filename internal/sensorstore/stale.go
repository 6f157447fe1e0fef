package sensorstore

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/beijing"
	"sitrep/internal/journal"
	"sitrep/internal/periodic"
)

// watchActor is who the journal names for what the ticker records.
var watchActor = journal.Actor{Name: "系统·监测失联检查"}

// DefaultTickInterval is how often the stale check runs: the shortest
// stale time is minutes, so 15 s late is nothing.
const DefaultTickInterval = 15 * time.Second

// RaiseStale raises a stale alarm for every sensor in service that has
// been silent longer than its stale time at now (a sensor that never
// reported counts from when it was last edited) and has none open. The
// open-alarm index makes it once however many servers tick. It returns
// how many it raised.
func (s *Store) RaiseStale(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+prefixed("s.", sensorColumns)+`, st.last_at FROM sensors s
		LEFT JOIN sensor_state st ON st.sensor_id = s.id
		WHERE NOT s.out_of_service AND NOT EXISTS (SELECT 1 FROM alarms a WHERE a.sensor_id = s.id AND a.kind = 'stale' AND a.cleared_at IS NULL)
		ORDER BY s.id`)
	if err != nil {
		return 0, err
	}
	type silent struct {
		sn   *sensor
		last time.Time
	}
	var found []silent
	for rows.Next() {
		var sn sensor
		var last *time.Time
		if err := scanSensorAnd(rows, &sn, &last); err != nil {
			rows.Close()
			return 0, err
		}
		from := sn.updatedAt
		if last != nil {
			from = *last
		}
		if sn.def.Stale(from, now) {
			found = append(found, silent{&sn, from})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, f := range found {
		_, err := journal.Write(ctx, s.pool, watchActor, func(tx pgx.Tx) ([]journal.Change, error) {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO alarms (sensor_id, hazard_source_id, kind, level, message, raised_at, changed_at)
				VALUES ($1, $2, 'stale', 'warning', $3, $4, $4)
				ON CONFLICT (sensor_id, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
				f.sn.id, f.sn.hazardSourceID, f.sn.name+" 失联：自 "+beijing.Format(f.last)+" 起没有读数", now).Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil, nil // another server raised it
			}
			if err != nil {
				return nil, err
			}
			c, err := change(ctx, tx, id, ActionRaise, nil)
			if err != nil {
				return nil, err
			}
			n++
			return []journal.Change{c}, nil
		})
		if err != nil && !errors.Is(err, journal.ErrNoChange) {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// Ticker runs the stale check and the partition upkeep: every Interval it
// calls RaiseStale and MaintainPartitions at Now(). Both are fields so
// tests drive it with a fake clock.
type Ticker struct {
	Store    *Store
	Interval time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// NewTicker returns a ticker on store with the default interval and the
// store's clock.
func NewTicker(store *Store, logger *slog.Logger) *Ticker {
	if logger == nil {
		logger = slog.Default()
	}
	return &Ticker{Store: store, Interval: DefaultTickInterval, Now: store.Now, Logger: logger}
}

// Tick runs the checks once.
func (t *Ticker) Tick(ctx context.Context) (int, error) {
	now := t.Now()
	dropped, err := t.Store.MaintainPartitions(ctx, now)
	if len(dropped) > 0 {
		t.Logger.Info("sensor readings: partitions past the retention dropped", "partitions", dropped)
	}
	n, err2 := t.Store.RaiseStale(ctx, now)
	return n, errors.Join(err, err2)
}

// Start runs the checks: see periodic.Start.
func (t *Ticker) Start(ctx context.Context) (stop func()) {
	return periodic.Start(ctx, t.Interval, t.Logger, "sensor watch", "sensors stale", t.Tick)
}
