package journal_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

var actor = journal.Actor{Name: "test"}

func TestSequenceIsGapFreeUnderConcurrentWriters(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
					if i%5 == 4 {
						// Some writes fail after taking part: they must leave no gap.
						return nil, errors.New("boom")
					}
					return []journal.Change{
						{Entity: "things", EntityID: "a", Action: "update", Topic: "things", After: map[string]int{"w": w, "i": i}},
						{Entity: "things", EntityID: "b", Action: "update", Topic: "things"},
					}, nil
				})
				if err != nil && err.Error() != "boom" {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n, minSeq, maxSeq int64
	if err := pool.QueryRow(ctx, `SELECT count(*), min(seq), max(seq) FROM events`).Scan(&n, &minSeq, &maxSeq); err != nil {
		t.Fatal(err)
	}
	want := int64(writers * each * 4 / 5 * 2)
	if n != want || minSeq != 1 || maxSeq != want {
		t.Fatalf("events: count %d, seq %d..%d; want %d, 1..%d", n, minSeq, maxSeq, want, want)
	}
	// Commit order is sequence order: the recorded time never goes backwards.
	var backwards int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT recorded_at < lag(recorded_at) OVER (ORDER BY seq) AS back FROM events) s WHERE back`).Scan(&backwards); err != nil {
		t.Fatal(err)
	}
	if backwards != 0 {
		t.Fatalf("%d events recorded before their predecessor", backwards)
	}
	var audits int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE event_seq IS NOT NULL`).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != want {
		t.Fatalf("audit rows %d, want %d", audits, want)
	}
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	_, err := journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if _, err := tx.Exec(ctx, `INSERT INTO users (name, role) VALUES ('ghost', 'viewer')`); err != nil {
			return nil, err
		}
		return nil, errors.New("validation failed after the insert")
	})
	if err == nil {
		t.Fatal("want the error back")
	}
	// A write that reports no change is refused too, so none can skip the trail.
	_, err = journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		_, err := tx.Exec(ctx, `INSERT INTO users (name, role) VALUES ('ghost2', 'viewer')`)
		return nil, err
	})
	if !errors.Is(err, journal.ErrNoChange) {
		t.Fatalf("got %v, want ErrNoChange", err)
	}
	var users, audits, events int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM events)`).Scan(&users, &audits, &events); err != nil {
		t.Fatal(err)
	}
	if users+audits+events != 0 {
		t.Fatalf("after failed writes: %d users, %d audit rows, %d events", users, audits, events)
	}
}

func TestAuditOnlyChangesTakeNoSequence(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	seqs, err := journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "api_tokens", EntityID: "1", Action: "revoke"}}, nil
	})
	if err != nil || len(seqs) != 0 {
		t.Fatalf("seqs %v, err %v", seqs, err)
	}
	seqs, err = journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "x", EntityID: "1", Action: "create", Topic: "x"}}, nil
	})
	if err != nil || len(seqs) != 1 || seqs[0] != 1 {
		t.Fatalf("seqs %v, err %v; want [1]", seqs, err)
	}
}

// A stream-only change (a latest reading) takes a sequence number and an
// event, and no audit row; one without a topic is a programming mistake.
func TestStreamOnlyChangesLeaveNoAuditRow(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	seqs, err := journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{
			{Entity: "weather_stations", EntityID: "1", Action: "reading", Topic: "weather", StreamOnly: true, After: map[string]int{"v": 1}},
			{Entity: "alarms", EntityID: "2", Action: "raise", Topic: "alarms"},
		}, nil
	})
	if err != nil || len(seqs) != 2 {
		t.Fatalf("seqs %v, err %v", seqs, err)
	}
	var events, audits int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM audit_log)`).Scan(&events, &audits); err != nil {
		t.Fatal(err)
	}
	if events != 2 || audits != 1 {
		t.Fatalf("%d events, %d audit rows; want 2 and 1", events, audits)
	}
	_, err = journal.Write(ctx, pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "x", EntityID: "1", Action: "reading", StreamOnly: true}}, nil
	})
	if err == nil {
		t.Fatal("a stream-only change without a topic was recorded")
	}
}
