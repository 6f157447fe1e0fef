package realtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"sitrep/realtime"
)

// A hole anywhere in what a resume reads (not only before its first event)
// makes the client resync: it never gets a stream with an event missing.
func TestResumeAcrossAHoleResyncs(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	var seqs []int64
	for i := range 10 {
		seqs = append(seqs, e.put(thing{ID: fmt.Sprint("h", i), Lon: 87.5, Lat: 43.5}))
	}
	if _, err := e.pool.Exec(context.Background(), `DELETE FROM events WHERE seq = $1`, seqs[5]); err != nil {
		t.Fatal(err)
	}
	c := e.dial(s)
	c.subscribe([]string{"things"}, nil, &seqs[1])
	c.expect("resumed")
	contiguous(t, "before the hole", c.eventsThrough(seqs[4]), seqs[2], seqs[4])
	if m := c.next(); m.Type != "resync" {
		t.Fatalf("after seq %d, with %d missing: got %s seq %d, want resync", seqs[4], seqs[5], m.Type, m.Seq)
	}
	if snap := c.expect("snapshot"); snap.Seq != seqs[9] || len(snap.Layers["things"].Features) != 10 {
		t.Fatalf("snapshot at %d with %d features", snap.Seq, len(snap.Layers["things"].Features))
	}
	next := e.put(thing{ID: "after", Lon: 87.5, Lat: 43.5})
	contiguous(t, "live after the resync", c.eventsThrough(next), next, next)
}

// A resume reads the table in batches bounded by bytes as well as by count:
// large events are read a few at a time, and all arrive, in order.
func TestResumeReadsAreBoundedInBytes(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	from := lastSeq(t, e.pool)
	pad := strings.Repeat("x", 256<<10)
	var last int64
	for i := range 12 { // 3 MiB of data in 12 events: far below BatchSize
		last = e.put(thing{ID: fmt.Sprint("big", i), Lon: 87.5, Lat: 43.5, Pad: pad})
	}
	c := e.dial(s)
	c.subscribe([]string{"things"}, nil, &from)
	c.expect("resumed")
	contiguous(t, "resume", c.eventsThrough(last), from+1, last)
	// 1 MiB a read: at least 3 reads for 3 MiB.
	if n := s.metric(t, "sitrep_ws_backlog_reads_total"); n < 3 {
		t.Fatalf("%v reads for 3 MiB of events, want at least 3 (1 MiB each)", n)
	}
}

// A syncing client is judged by what it would be sent: a flood on a layer
// it does not follow, or outside its box, does not close it as too slow.
func TestSyncingClientIsJudgedByWhatItGets(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{MaxQueueBytes: 256 << 10})
	box := []float64{87, 43, 88, 44}
	var heard atomic.Int64
	s.Hub.OnEvents(func(evs []realtime.Event) { heard.Store(evs[len(evs)-1].Seq) })
	from := lastSeq(t, e.pool)
	// A backlog in the box far larger than the socket buffers and the
	// queue: the client reads nothing for now, so its syncer stays busy
	// with the backlog and the hub's batches wait in pending.
	pad := strings.Repeat("b", 128<<10)
	var backlog []int64
	for i := range 60 {
		backlog = append(backlog, e.put(thing{ID: fmt.Sprint("in", i%10), Lon: 87.5, Lat: 43.5, Pad: pad}))
	}
	// The hub has handed the backlog out live (to nobody) before the
	// client comes: the client reads it from the table.
	for heard.Load() < backlog[len(backlog)-1] {
		time.Sleep(10 * time.Millisecond)
	}
	c := e.dial(s, dialOpt{readBuf: 64 << 10})
	c.subscribe([]string{"things"}, box, &from)
	deadline := time.Now().Add(10 * time.Second)
	for s.metric(t, "sitrep_ws_backlog_events_total") < 10 {
		if time.Now().After(deadline) {
			t.Fatal("the resume did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// 1.25 MiB the client would never be sent: another layer, and things
	// outside its box (never held).
	noise := strings.Repeat("n", 64<<10)
	for i := range 10 {
		e.writeRaw("noise", fmt.Sprint(i), "update", fmt.Sprintf(`{"type":"Feature","id":"%d","geometry":null,"properties":{"pad":%q}}`, i, noise))
		e.put(thing{ID: fmt.Sprint("out", i), Lon: 10, Lat: 10, Pad: noise})
	}
	sentinel := e.put(thing{ID: "sentinel", Lon: 87.5, Lat: 43.5})
	time.Sleep(500 * time.Millisecond) // the listener hands the flood over
	if n := s.metric(t, "sitrep_ws_slow_client_closes_total"); n != 0 {
		t.Fatalf("the syncing client was closed as too slow for events it would not get")
	}
	c.expect("resumed")
	// Every event in the box, in order; and, since a resuming client may
	// hold anything, a "leave" for each thing outside it.
	var got []int64
	leaves := 0
	for _, m := range c.eventsThrough(sentinel) {
		if m.Action == realtime.ActionLeave && strings.HasPrefix(m.ID, "out") {
			leaves++
			continue
		}
		got = append(got, m.Seq)
	}
	want := append(backlog, sentinel)
	if len(got) != len(want) || leaves != 10 {
		t.Fatalf("got %d events and %d leaves, want %d and 10", len(got), leaves, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d: seq %d, want %d", i, got[i], want[i])
		}
	}
}

// Pruning runs apart from the listener: a prune stuck on a lock does not
// hold up live events.
func TestPruningDoesNotHoldUpTheStream(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first := e.put(thing{ID: "old", Lon: 87.5, Lat: 43.5})
	for i := range 20 {
		e.put(thing{ID: fmt.Sprint("p", i), Lon: 87.5, Lat: 43.5})
	}
	// Lock the oldest event: the pruner's delete waits on it.
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT 1 FROM events WHERE seq = $1 FOR UPDATE`, first); err != nil {
		t.Fatal(err)
	}
	s := e.start(realtime.Config{Retention: time.Nanosecond, MinKeepEvents: 5, PruneEvery: 20 * time.Millisecond,
		SafetyRead: 50 * time.Millisecond})
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting bool
		if err := e.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%DELETE FROM events%')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pruner did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	c := e.dial(s)
	c.subscribe([]string{"things"}, nil, nil)
	c.expect("snapshot")
	// A put right after the snapshot may still reach the client by its own
	// read of the table; once the client is live, only the listener
	// delivers.
	c.eventsThrough(e.put(thing{ID: "first", Lon: 87.5, Lat: 43.5}))
	time.Sleep(200 * time.Millisecond)
	live := e.put(thing{ID: "live", Lon: 87.5, Lat: 43.5})
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		t.Fatalf("no live event while the pruner waits: %v", err)
	}
	if !strings.Contains(string(data), fmt.Sprintf(`"seq":%d`, live)) {
		t.Fatalf("got %s, want seq %d", data, live)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Released, the prune completes: only the newest 5 are kept.
	for {
		var n int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events left after pruning, want 5", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A connection whose credential stops holding is closed with CloseRevoked;
// one whose credential holds stays open and keeps getting events.
func TestRevokedCredentialClosesTheStream(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{RecheckEvery: 100 * time.Millisecond})
	store := authStore(e)
	stay := e.dial(s)
	stay.subscribe([]string{"things"}, nil, nil)
	stay.expect("snapshot")

	for _, tc := range []struct {
		name   string
		revoke func(c credential)
	}{
		{"token revoked", func(c credential) { revokeToken(t, store, c.user) }},
		{"user disabled", func(c credential) { exec(t, e, `UPDATE users SET disabled_at = now() WHERE id = $1`, c.user.ID) }},
		{"logged out", func(c credential) { logout(t, store, c) }},
		{"session expired", func(c credential) {
			exec(t, e, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, c.user.ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred := newCredential(t, e, store, strings.ReplaceAll(tc.name, " ", "-"), strings.HasPrefix(tc.name, "log") || strings.HasPrefix(tc.name, "session"))
			c := e.dial(s, dialOpt{token: cred.token, cookie: cred.session})
			c.subscribe([]string{"things"}, nil, nil)
			c.expect("snapshot")
			time.Sleep(300 * time.Millisecond) // several rechecks while valid
			seq := e.put(thing{ID: "still", Lon: 87.5, Lat: 43.5})
			contiguous(t, "valid", c.eventsThrough(seq), seq, seq)

			tc.revoke(cred)
			start := time.Now()
			for {
				_, err := c.read()
				if err == nil {
					continue
				}
				var ce *websocket.CloseError
				if !errors.As(err, &ce) || ce.Code != realtime.CloseRevoked {
					t.Fatalf("ended with %v, want close %d", err, realtime.CloseRevoked)
				}
				t.Logf("closed %v after revocation: %s", time.Since(start).Round(time.Millisecond), ce.Text)
				break
			}
		})
	}
	// The valid connection outlived all that, and still gets events.
	seq := e.put(thing{ID: "end", Lon: 87.5, Lat: 43.5})
	for {
		m := stay.next()
		if m.Type != "event" {
			t.Fatalf("valid connection got %s", m.Type)
		}
		if m.Seq == seq {
			break
		}
	}
	if n := s.metric(t, "sitrep_ws_recheck_errors_total"); n != 0 {
		t.Fatalf("%v recheck errors", n)
	}
}
