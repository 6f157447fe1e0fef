package dispatch

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/journal"
)

// IncidentClosed is dispatch's part of closing an incident (an
// incidentstore.ClosedFunc, run in the close's transaction): what the map
// draws only for an open incident leaves it, on the live stream, so that
// a wall sees it go at once and not at its next snapshot.
//
//   - The staging point leaves the map. Its row stays, for the record (the
//     snapshot already leaves out the staging points of closed incidents).
//   - The assignments still open to the incident end at the close: a
//     closed incident has nothing left for a team to do (incidents.Closed).
//     The route of a team still on its way goes from the map with its
//     assignment; an ended assignment is out of the routes' snapshot and no
//     later fix of the team brings its route back. The team keeps its
//     status: where it is and what it does now is the dispatcher's to
//     record.
//
// The close is the decision the audit trail records; these are its
// consequences, streamed only.
func IncidentClosed(ctx context.Context, tx pgx.Tx, incidentID int64, at time.Time) ([]journal.Change, error) {
	var changes []journal.Change
	var staged bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM staging_points WHERE incident_id = $1)`, incidentID).Scan(&staged); err != nil {
		return nil, err
	}
	if staged {
		changes = append(changes, journal.Change{Entity: StagingTopic, EntityID: strconv.FormatInt(incidentID, 10), Action: "delete",
			Topic: StagingTopic, Event: map[string]any{"id": incidentID}, StreamOnly: true})
	}
	// An assignment never ends before it began, whatever time the close
	// is recorded at.
	rows, err := tx.Query(ctx, `UPDATE team_assignments a SET ended_at = greatest(a.dispatched_at, $2)
		FROM rescue_teams t
		WHERE t.id = a.team_id AND a.incident_id = $1 AND a.ended_at IS NULL
		RETURNING a.id, a.route IS NOT NULL AND t.status = ANY($3)`, incidentID, at, travelling)
	if err != nil {
		return nil, err
	}
	var (
		id    int64
		drawn bool
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &drawn}, func() error {
		if drawn {
			changes = append(changes, routeChange(id, nil))
		}
		return nil
	})
	return changes, err
}
