package sensorstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/journal"
)

// Acknowledge records that person (their name as people know it; the
// journal names the actor) has seen the alarm: an open
// alarm stays open until its reading returns, and one that cleared before
// anyone saw it still waits for a person (ISA-18.2: a cleared,
// unacknowledged alarm). A second acknowledgement is a 409.
func (s *Store) Acknowledge(ctx context.Context, actor journal.Actor, person string, id int64) (json.RawMessage, error) {
	var out json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		var acked *time.Time
		err := tx.QueryRow(ctx, `SELECT acked_at FROM alarms WHERE id = $1 FOR UPDATE`, id).Scan(&acked)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, api.NotFound("报警")
		}
		if err != nil {
			return nil, err
		}
		if acked != nil {
			return nil, api.Conflict("/id", "此报警已确认")
		}
		before, err := loadFeature(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE alarms SET version = version + 1, acked_at = $2, acked_by = $3 WHERE id = $1`,
			id, s.Now(), person); err != nil {
			return nil, err
		}
		c, err := change(ctx, tx, id, ActionAck, before)
		out = c.After.(json.RawMessage)
		return []journal.Change{c}, err
	})
	return out, err
}

// List is the alarms as a FeatureCollection, newest first: the open ones
// and those not yet acknowledged, or (all) the last 500 of every state.
func (s *Store) List(ctx context.Context, all bool) (json.RawMessage, error) {
	where := `WHERE a.cleared_at IS NULL OR a.acked_at IS NULL`
	if all {
		where = `WHERE true`
	}
	var out json.RawMessage
	err := s.pool.QueryRow(ctx, `SELECT json_build_object('type', 'FeatureCollection',
		'features', COALESCE(json_agg(f ORDER BY id DESC), '[]'::json))
		FROM (SELECT a.id, `+featureSQL+where+` ORDER BY a.id DESC LIMIT 500) AS x (id, f)`).Scan(&out)
	return out, err
}
