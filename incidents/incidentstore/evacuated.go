package incidentstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/db"
	"sitrep/internal/journal"
)

// RaiseEvacuated raises the incident's evacuated count to at least n, as
// when people are given shelter places: people placed in shelters have been
// evacuated, so the count the grade and the 1.5.2(3) flag (紧急疏散500人以上)
// read must be at least that. It never lowers the count (a duty officer may
// know of more people evacuated than the shelters took). It runs inside the
// caller's journal.Write (the zones feature owns that write) and returns the
// change to record with it; changed is false, and nothing is written, when
// the count is already at least n.
func (s *Store) RaiseEvacuated(ctx context.Context, tx pgx.Tx, id int64, n int, actor, reason string) (ch journal.Change, changed bool, err error) {
	rec, err := load(ctx, tx, id, true)
	if db.IsNotFound(err) {
		return journal.Change{}, false, notFound(id)
	}
	if err != nil {
		return journal.Change{}, false, err
	}
	if rec.Inc.Casualties.Evacuated >= n {
		return journal.Change{}, false, nil
	}
	ch, _, err = s.mutate(ctx, tx, id, "evacuated", func(rec *record, now time.Time) error {
		before := rec.Inc.Assess()
		from := rec.Inc.Casualties.Evacuated
		c := rec.Inc.Casualties
		c.Evacuated = n
		if err := rec.Inc.Revise(c, rec.Inc.Exposure, rec.Inc.OtherRiskReason, now); err != nil {
			return err
		}
		return AddTimeline(ctx, tx, id, now, actor, "updated", reason, map[string]any{
			"evacuated_before": from, "evacuated_after": n, "assessment": assessmentChange(before, rec.Inc.Assess())})
	})
	if err != nil {
		return journal.Change{}, false, err
	}
	return ch, true, nil
}
