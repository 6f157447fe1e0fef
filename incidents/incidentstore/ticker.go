package incidentstore

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/incidents"
	"sitrep/internal/journal"
	"sitrep/internal/periodic"
)

// DefaultTickInterval is how often the reporting clock looks for missed
// deadlines: the shortest deadline is 30 minutes, so 15 s late is nothing,
// and one query of the open incidents every 15 s costs nothing either.
const DefaultTickInterval = 15 * time.Second

// clockActor is who the journal names for overdue records.
var clockActor = journal.Actor{Name: "系统·报告时限"}

// RecordOverdue finds the deadlines overdue as of now that are not yet
// recorded and records each — a row in incident_overdue, a timeline entry
// and a live event (topic "incidents", action "overdue") — in one
// transaction per incident. The row's primary key (incident, deadline key)
// makes this exactly once however many servers tick: a second server's
// insert waits for the first to commit and then inserts nothing, so it
// writes nothing. Deadlines missed while no server ran are recorded at the
// next tick. It returns how many it recorded.
func (s *Store) RecordOverdue(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	recs, err := loadMany(ctx, s.pool, `state <> 'closed'`)
	if err != nil {
		return 0, err
	}
	known, err := s.recordedOverdue(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, rec := range recs {
		pending := false
		for _, d := range rec.deadlines(now) {
			if d.Overdue && !known[overdueKey{rec.ID, d.Key()}] {
				pending = true
				break
			}
		}
		if !pending {
			continue
		}
		n, err := s.recordOverdue(ctx, rec.ID, now)
		if err != nil {
			// One incident's failure must not stop the others' clocks.
			errs = append(errs, err)
			continue
		}
		total += n
	}
	return total, errors.Join(errs...)
}

type overdueKey struct {
	id  int64
	key string
}

func (s *Store) recordedOverdue(ctx context.Context) (map[overdueKey]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT o.incident_id, o.deadline_key FROM incident_overdue o
		JOIN incidents i ON i.id = o.incident_id WHERE i.state <> 'closed'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[overdueKey]bool{}
	for rows.Next() {
		var k overdueKey
		if err := rows.Scan(&k.id, &k.key); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// recordOverdue re-reads the incident under its row lock (a report may
// have arrived since the scan) and records its newly overdue deadlines.
func (s *Store) recordOverdue(ctx context.Context, id int64, now time.Time) (int, error) {
	n := 0
	_, err := journal.Write(ctx, s.pool, clockActor, func(tx pgx.Tx) ([]journal.Change, error) {
		n = 0
		rec, err := load(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		f := feature(rec, s.plan, now)
		var changes []journal.Change
		for _, d := range incidents.Overdue(rec.deadlines(now)) {
			tag, err := tx.Exec(ctx, `INSERT INTO incident_overdue (incident_id, deadline_key, due, recorded_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, id, d.Key(), d.Due, now)
			if err != nil {
				return nil, err
			}
			if tag.RowsAffected() == 0 {
				continue // already recorded, by this server earlier or another one
			}
			dv := deadlineView(d)
			msg := incidents.Marked(rec.Inc.Drill, d.Kind.Label()+"逾期："+d.Rule+"，应于"+dv.DueBJ+"前完成")
			if err := AddTimeline(ctx, tx, id, now, clockActor.Name, "overdue", msg, dv); err != nil {
				return nil, err
			}
			ev := f
			ev.Overdue = &dv
			changes = append(changes, journal.Change{Entity: "incidents",
				EntityID: strconv.FormatInt(id, 10), Action: "overdue",
				After: dv, Topic: Topic, Event: ev, Drill: rec.Inc.Drill})
			n++
		}
		return changes, nil
	})
	if errors.Is(err, journal.ErrNoChange) {
		return 0, nil
	}
	return n, err
}

// Ticker runs the reporting clock: every Interval it calls RecordOverdue
// at Now(). Both are fields so tests can drive it with a fake clock.
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

// Tick runs the clock once.
func (t *Ticker) Tick(ctx context.Context) (int, error) {
	return t.Store.RecordOverdue(ctx, t.Now())
}

// Start runs the clock: see periodic.Start.
func (t *Ticker) Start(ctx context.Context) (stop func()) {
	return periodic.Start(ctx, t.Interval, t.Logger, "reporting clock", "deadlines overdue", t.Tick)
}
