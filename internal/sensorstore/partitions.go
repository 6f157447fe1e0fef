package sensorstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DefaultRetention is how long raw readings are kept: a month covers the
// investigation of an accident (the minute aggregates stay).
const DefaultRetention = 31 * 24 * time.Hour

// DaysAhead is how many day partitions are made ahead of today, so a
// server that is down over midnight still finds tomorrow's.
const DaysAhead = 3

// partitionPrefix names the day partitions: sensor_readings_YYYYMMDD.
const partitionPrefix = "sensor_readings_"

// day is the UTC day holding t.
func day(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour)
}

// partitionName is the table of day d; the name is made of a date format
// alone, never of input.
func partitionName(d time.Time) string {
	return partitionPrefix + d.Format("20060102")
}

// ensureDay makes the partition of day d unless the store made it already.
func (s *Store) ensureDay(ctx context.Context, d time.Time) error {
	name := partitionName(d)
	s.mu.Lock()
	known := s.days[name]
	s.mu.Unlock()
	if known {
		return nil
	}
	// The bounds are formatted, not bound: DDL takes no parameters; they
	// are times the server made.
	_, err := s.pool.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF sensor_readings FOR VALUES FROM ('%s') TO ('%s')`,
		pgx.Identifier{name}.Sanitize(), d.Format(time.RFC3339), d.Add(24*time.Hour).Format(time.RFC3339)))
	if err != nil && !isDuplicateTable(err) {
		return err
	}
	s.mu.Lock()
	s.days[name] = true
	s.mu.Unlock()
	return nil
}

// MaintainPartitions makes the partitions from the oldest kept day to
// DaysAhead days after now and drops those wholly older than the
// retention. It returns the names of the partitions dropped.
func (s *Store) MaintainPartitions(ctx context.Context, now time.Time) ([]string, error) {
	oldest := day(now.Add(-s.Retention))
	for d := oldest; !d.After(day(now).Add(DaysAhead * 24 * time.Hour)); d = d.Add(24 * time.Hour) {
		if err := s.ensureDay(ctx, d); err != nil {
			return nil, err
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT c.relname FROM pg_inherits i
		JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'sensor_readings'::regclass ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	var dropped []string
	for _, name := range names {
		d, err := time.Parse("20060102", strings.TrimPrefix(name, partitionPrefix))
		if err != nil || !d.Before(oldest) {
			continue
		}
		if _, err := s.pool.Exec(ctx, `DROP TABLE IF EXISTS `+pgx.Identifier{name}.Sanitize()); err != nil {
			return dropped, err
		}
		s.mu.Lock()
		delete(s.days, name)
		s.mu.Unlock()
		dropped = append(dropped, name)
	}
	return dropped, nil
}

// isDuplicateTable is the loser of two servers making the same partition
// at once: the catalogue's unique index answers before IF NOT EXISTS can.
func isDuplicateTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42P07" || pe.Code == "23505")
}
