package realtime

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/journal"
	"sitrep/pgtest"
)

// Pruning deletes old events but keeps the newest minKeep, and leaves the
// audit rows that named them (the migration dropped their foreign key).
func TestPruneKeepsTheNewest(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	for range 20 {
		_, err := journal.Write(ctx, pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
			return []journal.Change{{Entity: "x", EntityID: "1", Action: "update", Topic: "x"}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := prune(ctx, pool, time.Hour, 5); err != nil || n != 0 {
		t.Fatalf("recent events pruned: %d, %v", n, err)
	}
	n, err := prune(ctx, pool, time.Nanosecond, 5)
	if err != nil || n != 15 {
		t.Fatalf("pruned %d, %v; want 15", n, err)
	}
	var minSeq, audits int64
	if err := pool.QueryRow(ctx, `SELECT (SELECT min(seq) FROM events), (SELECT count(*) FROM audit_log WHERE event_seq IS NOT NULL)`).Scan(&minSeq, &audits); err != nil {
		t.Fatal(err)
	}
	if minSeq != 16 || audits != 20 {
		t.Fatalf("oldest kept %d, audit rows %d", minSeq, audits)
	}
}
