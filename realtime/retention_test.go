package realtime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
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

// Pruning deletes a prefix of the table only: an event recorded within the
// retention keeps every later one, whatever their recorded_at (a writer's
// clock, not commit order), so the table never has a hole in the middle.
func TestPruneDeletesAPrefixOnly(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	var seqs []int64
	for range 10 {
		s, err := journal.Write(ctx, pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
			return []journal.Change{{Entity: "x", EntityID: "1", Action: "update", Topic: "x"}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, s[0])
	}
	// All old but the fifth.
	if _, err := pool.Exec(ctx, `UPDATE events SET recorded_at = now() - interval '2 hours' WHERE seq <> $1`, seqs[4]); err != nil {
		t.Fatal(err)
	}
	n, err := prune(ctx, pool, time.Hour, 1)
	if err != nil || n != 4 {
		t.Fatalf("pruned %d, %v; want the 4 before the recent one", n, err)
	}
	var minSeq, maxSeq, count int64
	if err := pool.QueryRow(ctx, `SELECT min(seq), max(seq), count(*) FROM events`).Scan(&minSeq, &maxSeq, &count); err != nil {
		t.Fatal(err)
	}
	if minSeq != seqs[4] || maxSeq != seqs[9] || count != 6 {
		t.Fatalf("kept %d..%d (%d events), want %d..%d unbroken", minSeq, maxSeq, count, seqs[4], seqs[9])
	}
}

// One read holds at most BatchSize events and stops at the event that
// reaches maxBytes; one event larger than the bound is still read; more
// says whether to read again.
func TestReadEventsIsBoundedByBytes(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	var from int64
	if err := pool.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(&from); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 10_000)
	for range 10 {
		_, err := journal.Write(ctx, pool, journal.Actor{Name: "test"}, func(tx pgx.Tx) ([]journal.Change, error) {
			return []journal.Change{{Entity: "x", EntityID: "1", Action: "update", Topic: "x", Event: map[string]string{"pad": pad}}}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var size int // of one event's data
	if err := pool.QueryRow(ctx, `SELECT octet_length(data::text) FROM events WHERE seq = $1`, from+1).Scan(&size); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		max, want int
		more      bool
	}{
		{1, 1, true},             // one event larger than the bound is still read
		{2*size + 1, 3, true},    // stops at the event that reaches the bound
		{3 * size, 3, true},      // reached exactly
		{10*size - 1, 10, false}, // the last event reaches it: nothing more
		{1 << 20, 10, false},
	} {
		evs, more, err := readEvents(ctx, pool, from, tc.max)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != tc.want || more != tc.more {
			t.Errorf("max %d: %d events, more %v; want %d, %v", tc.max, len(evs), more, tc.want, tc.more)
		}
		for i, e := range evs {
			if e.Seq != from+int64(i)+1 || e.msg == nil {
				t.Fatalf("max %d: event %d is seq %d (prepared %v)", tc.max, i, e.Seq, e.msg != nil)
			}
		}
	}
}
