package incidentstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/journal"
)

// ClosedFunc is what another package does when an incident is closed, in
// the close's own transaction, at the close's time: a closed incident leaves
// the live map (its snapshot and its tiles leave it out), and so must what
// is drawn only for it — its staging point, the routes of the teams sent to
// it (package dispatch). The changes it returns are recorded and streamed
// with the incident's own, so a wall that is live sees them at once and one
// that reconnects catches up on them from its sequence number.
//
// It is a hook rather than a call because those packages build on this one.
type ClosedFunc func(ctx context.Context, tx pgx.Tx, incidentID int64, at time.Time) ([]journal.Change, error)

// closed runs the OnClose hooks.
func (s *Store) closed(ctx context.Context, tx pgx.Tx, id int64, at time.Time) ([]journal.Change, error) {
	var out []journal.Change
	for _, fn := range s.OnClose {
		changes, err := fn(ctx, tx, id, at)
		if err != nil {
			return nil, err
		}
		out = append(out, changes...)
	}
	return out, nil
}
