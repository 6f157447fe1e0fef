package incidentstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/beijing"
	"sitrep/internal/db"
)

// TimelineEntry is one line of an incident's history.
type TimelineEntry struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	AtBJ   string          `json:"at_beijing"`
	Actor  string          `json:"actor"`
	Type   string          `json:"type"`
	Reason string          `json:"reason"`
	Data   json.RawMessage `json:"data"`
	Drill  bool            `json:"drill"`
}

// Timeline returns the incident's history, oldest first.
func (s *Store) Timeline(ctx context.Context, id int64) ([]TimelineEntry, error) {
	var drill bool
	if err := s.pool.QueryRow(ctx, `SELECT drill FROM incidents WHERE id = $1`, id).Scan(&drill); db.IsNotFound(err) {
		return nil, notFound(id)
	} else if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, actor, type, reason, data FROM incident_timeline WHERE incident_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TimelineEntry{}
	for rows.Next() {
		var e TimelineEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Type, &e.Reason, &e.Data); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		e.AtBJ = beijing.Format(e.At)
		e.Drill = drill
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddTimeline appends one entry to the incident's timeline, in the caller's
// transaction. It is the only writer of incident_timeline: packages that act
// for an incident (dispatch sending teams, a team's status changing) record
// it here rather than inserting rows of their own.
func AddTimeline(ctx context.Context, tx pgx.Tx, incidentID int64, at time.Time, actor, typ, reason string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO incident_timeline (incident_id, at, actor, type, reason, data) VALUES ($1, $2, $3, $4, $5, $6)`,
		incidentID, at, actor, typ, reason, b)
	return err
}
