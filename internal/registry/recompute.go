package registry

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/journal"
)

// Recompute sets field, on every feature of the layer, to what expr makes
// of the row (SQL over the row alias t, written by server code, never from
// a request), where expr is not NULL and differs from the stored value: the
// township a feature lies in, once township boundaries are loaded. Each
// changed feature gets a new version and history row, like any edit; up to
// MaxImportEvents changed features stream one event each, more stream one
// reload event for the layer (as a large import does). Hooks do not run:
// the caller owns the value and knows it touches nothing they compute.
func (l *Layer) Recompute(ctx context.Context, tx pgx.Tx, actor journal.Actor, field, expr string) ([]journal.Change, error) {
	f, ok := l.Field(field)
	if !ok {
		return nil, errors.New("registry: layer " + l.Name + " has no field " + field)
	}
	col := ident(f.Name)
	rows, err := tx.Query(ctx, "SELECT t.id, "+l.featureExpr("t")+" FROM "+ident(l.Table)+" t WHERE ("+expr+") IS NOT NULL AND t."+
		col+" IS DISTINCT FROM ("+expr+") ORDER BY t.id FOR UPDATE")
	if err != nil {
		return nil, err
	}
	type before struct {
		id      int64
		feature json.RawMessage
	}
	var changed []before
	for rows.Next() {
		var (
			b before
			s string
		)
		if err := rows.Scan(&b.id, &s); err != nil {
			rows.Close()
			return nil, err
		}
		b.feature = json.RawMessage(s)
		changed = append(changed, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(changed) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(changed))
	for i, b := range changed {
		ids[i] = b.id
	}
	if _, err := tx.Exec(ctx, "UPDATE "+ident(l.Table)+" t SET "+col+" = ("+expr+"), version = t.version + 1, updated_at = now() WHERE t.id = ANY($1)", ids); err != nil {
		return nil, err
	}
	changes := make([]journal.Change, 0, len(changed)+1)
	for _, b := range changed {
		w, err := l.recorded(ctx, tx, actor, b.id, "update", b.feature)
		if err != nil {
			return nil, err
		}
		changes = append(changes, w.Changes...)
	}
	if len(changes) <= MaxImportEvents {
		return changes, nil
	}
	for i := range changes {
		changes[i].Topic = "" // audited, not streamed one by one
	}
	summary := map[string]any{"layer": l.Name, "reason": "recompute " + field, "updated": len(changes)}
	return append(changes, journal.Change{Entity: l.Name, EntityID: "*", Action: ActionReload,
		After: summary, Topic: l.Name, Event: summary}), nil
}
