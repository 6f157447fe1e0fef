package realtime

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

// A gap signal left over from before a subscribe brought the stream up to
// date must not start a table read on the live connection: that read would
// resend what the hub delivered and move the cursor back (duplicates, out
// of order). The signal arises when offer finds a gap and a subscribe wins
// the syncer's select; here it is forced on every round.
func TestStaleGapSignalSendsNothingTwice(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	h := New(Config{Pool: pool, Registry: reg})
	defer h.Close()
	c := newClient(h, nil, nil)
	defer c.cancel()
	var last int64
	if err := pool.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.sub = &subscription{layers: map[string]bool{"things": true}, layerList: []string{"things"}}
	c.cursor = last
	c.mu.Unlock()
	go c.syncLoop()

	for round := range 30 {
		c.mu.Lock()
		from := c.cursor
		c.mu.Unlock()
		_, err := journal.Write(ctx, pool, journal.Actor{Name: "t"}, func(tx pgx.Tx) ([]journal.Change, error) {
			var cs []journal.Change
			for range 5 {
				cs = append(cs, journal.Change{Entity: "x", EntityID: "1", Action: "update", Topic: "things",
					Event: map[string]any{"type": "Feature", "id": "1", "geometry": nil}})
			}
			return cs, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		evs, _, err := readEvents(ctx, pool, from, DefaultReadBytes)
		if err != nil {
			t.Fatal(err)
		}
		signal(c.gapCh) // the leftover signal
		time.Sleep(time.Duration(round%10) * 100 * time.Microsecond)
		c.offer(&batch{events: evs}) // the live delivery of the same events
		time.Sleep(50 * time.Millisecond)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "sitrep_ws_backlog_reads_total" && mf.GetMetric()[0].GetCounter().GetValue() != 0 {
			t.Errorf("%v reads of the table on a live connection with no gap", mf.GetMetric()[0].GetCounter().GetValue())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[int64]bool{}
	var prev int64
	for i, it := range c.queue {
		if seen[it.seq] || it.seq != prev+1 && i > 0 {
			t.Fatalf("queued event %d has seq %d after %d (duplicate or out of order)", i, it.seq, prev)
		}
		seen[it.seq], prev = true, it.seq
	}
	if want := 30 * 5; len(c.queue) != want {
		t.Fatalf("%d events queued, want %d", len(c.queue), want)
	}
}

// A subscribe clears a pending gap signal: what the signal was for, it
// reads itself.
func TestSubscribeDrainsTheGapSignal(t *testing.T) {
	pool := pgtest.New(t)
	h := New(Config{Pool: pool})
	defer h.Close()
	h.Register(QuerySnapshotter("things", `SELECT NULL::json WHERE false AND $1::float8 IS NULL AND $2::float8 IS NULL AND $3::float8 IS NULL AND $4::float8 IS NULL`))
	c := newClient(h, nil, nil)
	defer c.cancel()
	signal(c.gapCh)
	sub := &subscription{layers: map[string]bool{"things": true}, layerList: []string{"things"}}
	if err := c.subscribe(context.Background(), subscribeReq{sub: sub}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.gapCh:
		t.Fatal("the gap signal outlived the subscribe")
	default:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.syncing {
		t.Fatal("still syncing after the subscribe")
	}
}

// A client that catches up while the listener is still starting joins the
// live stream only from the listener's start on: an event committed after
// the client's last read of the table but before the listener's start (it
// is not delivered live) still reaches the client, from the table.
func TestCatchUpReachesTheListenersStart(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	// A hub whose listener has not started (none runs).
	h := &Hub{cfg: Config{Pool: pool, MaxQueueBytes: DefaultMaxQueueBytes, ReadBatchBytes: DefaultReadBytes},
		log: slog.New(slog.DiscardHandler), m: newMetrics(prometheus.NewRegistry()),
		layers: map[string]Snapshotter{}, clients: map[*client]struct{}{}, started: make(chan struct{})}
	c := newClient(h, nil, nil)
	defer c.cancel()
	var since int64
	if err := pool.QueryRow(ctx, `SELECT last_seq FROM event_counter`).Scan(&since); err != nil {
		t.Fatal(err)
	}
	sub := &subscription{layers: map[string]bool{"things": true}, layerList: []string{"things"}}
	done := make(chan error, 1)
	go func() { done <- c.subscribe(ctx, subscribeReq{sub: sub, since: &since}) }()
	time.Sleep(100 * time.Millisecond) // the resume has read the (empty) backlog
	seqs, err := journal.Write(ctx, pool, journal.Actor{Name: "t"}, func(tx pgx.Tx) ([]journal.Change, error) {
		return []journal.Change{{Entity: "x", EntityID: "1", Action: "update", Topic: "things",
			Event: map[string]any{"type": "Feature", "id": "1", "geometry": nil}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The listener starts now: it will deliver what follows seqs[0] only.
	h.startSeq = seqs[0]
	h.ready.Store(true)
	close(h.started)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.syncing || c.cursor != seqs[0] {
		t.Fatalf("joined live at %d (syncing %v), want at the listener's start %d", c.cursor, c.syncing, seqs[0])
	}
	if n := len(c.queue); n != 2 || c.queue[1].seq != seqs[0] {
		t.Fatalf("queued %d messages, want resumed and event %d", n, seqs[0])
	}
}
