package realtime

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pruneLock is the advisory lock that keeps two servers from pruning at once.
const pruneLock = 727275

// prune deletes events older than retention, always keeping the newest
// minKeep, in short transactions of at most 10,000 rows so writers waiting on
// nothing are never held up. It returns how many rows it deleted. The audit
// trail keeps its event_seq numbers (migration 00003 drops the foreign key):
// the audit row is the record, the event only feeds the stream.
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
			tag, err := tx.Exec(ctx, `DELETE FROM events WHERE seq IN (
				SELECT seq FROM events
				WHERE recorded_at < now() - $1::interval
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
