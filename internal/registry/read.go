package registry

import (
	"context"
	"encoding/json"
	"strconv"

	"sitrep/internal/api"
	"sitrep/internal/db"
)

// Get returns a feature and its version; a missing one is a 404 problem.
func (l *Layer) Get(ctx context.Context, q db.Querier, id int64) (json.RawMessage, int, error) {
	return l.get(ctx, q, id, "")
}

func (l *Layer) get(ctx context.Context, q db.Querier, id int64, lock string) (json.RawMessage, int, error) {
	var (
		feature string
		version int
	)
	err := q.QueryRow(ctx, "SELECT "+l.featureExpr("t")+", t.version FROM "+ident(l.Table)+" t WHERE t.id = $1"+lock, id).
		Scan(&feature, &version)
	if db.IsNotFound(err) {
		return nil, 0, api.NotFound(l.Title + "要素 " + strconv.FormatInt(id, 10))
	}
	if err != nil {
		return nil, 0, err
	}
	return json.RawMessage(feature), version, nil
}

// HistoryEntry is one stored version of a feature.
type HistoryEntry struct {
	Version int             `json:"version"`
	Action  string          `json:"action"`
	At      string          `json:"at"`
	Actor   string          `json:"actor"`
	Feature json.RawMessage `json:"feature"`
}

// History lists every version of feature id, oldest first, deleted or not.
func (l *Layer) History(ctx context.Context, q db.Querier, id int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT version, action, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_name, feature::text
		FROM registry_history WHERE layer = $1 AND feature_id = $2 ORDER BY version`, l.Name, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var (
			e HistoryEntry
			f string
		)
		if err := rows.Scan(&e.Version, &e.Action, &e.At, &e.Actor, &f); err != nil {
			return nil, err
		}
		e.Feature = json.RawMessage(f)
		out = append(out, e)
	}
	return out, rows.Err()
}
