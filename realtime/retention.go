package realtime

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pruneLock is the advisory lock that keeps two servers from pruning at once.
const pruneLock = 727275

// pruneLoop prunes every PruneEvery (the first time after a minute at most)
// until ctx ends. It has its own goroutine: a slow delete must never hold
// up the listener and so the live stream.
func (h *Hub) pruneLoop(ctx context.Context) {
	t := time.NewTimer(min(time.Minute, h.cfg.PruneEvery))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := prune(ctx, h.cfg.Pool, h.cfg.Retention, h.cfg.MinKeepEvents)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			h.log.Warn("live stream: pruning old events failed", "err", err)
		case n > 0:
			h.m.pruned.Add(float64(n))
			h.log.Info("live stream: pruned old events", "count", n)
		}
		t.Reset(h.cfg.PruneEvery)
	}
}

// prune deletes events older than retention, always keeping the newest
// minKeep, in short transactions of at most 10,000 rows so writers waiting on
// nothing are never held up. It returns how many rows it deleted. The audit
// trail keeps its event_seq numbers (migration 00003 drops the foreign key):
// the audit row is the record, the event only feeds the stream.
//
// It deletes a prefix of the table only: the events before the first one
// recorded within retention (recorded_at is the writer's clock, not commit
// order, so an old-looking event may follow a recent one). The table then
// always holds one unbroken run of seqs, and a client reading it finds a
// hole only before the oldest kept event.
//
// A client resuming from before the oldest kept event is told to resync and
// gets a fresh snapshot, so pruning can cost a client a snapshot, never an
// event.
func prune(ctx context.Context, pool *pgxpool.Pool, retention time.Duration, minKeep int64) (int64, error) {
	var total int64
	for {
		var n int64
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var got bool
			if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, pruneLock).Scan(&got); err != nil || !got {
				return err
			}
			// The first recent event is found walking the primary key
			// from the oldest, over what is to be deleted anyway.
			tag, err := tx.Exec(ctx, `DELETE FROM events WHERE seq IN (
				SELECT seq FROM events
				WHERE seq < coalesce(
						(SELECT seq FROM events WHERE recorded_at >= now() - $1::interval ORDER BY seq LIMIT 1),
						(SELECT last_seq FROM event_counter) + 1)
				  AND seq <= (SELECT last_seq FROM event_counter) - $2
				ORDER BY seq LIMIT 10000)`, retention, minKeep)
			n = tag.RowsAffected()
			return err
		})
		total += n
		if err != nil || n < 10000 {
			return total, err
		}
	}
}
