package public

import (
	"log/slog"
	"sync"
	"testing"
	"time"

	"sitrep/internal/pgtest"
	"sitrep/internal/warnings"
	"sitrep/realtime"
)

// fakeLive stands for the live stream's in-process subscription: the test
// delivers the batches the listener would.
type fakeLive struct {
	fns   []func([]realtime.Event)
	ready bool
}

func (l *fakeLive) OnEvents(fn func([]realtime.Event)) { l.fns = append(l.fns, fn) }
func (l *fakeLive) Ready() bool                        { return l.ready }
func (l *fakeLive) send(topic string) {
	for _, fn := range l.fns {
		fn([]realtime.Event{{Seq: 1, Topic: topic}})
	}
}

// A surge of requests reads the database once; a commit to what the page
// shows, and only that, makes the next request read it again; so does age,
// by the cache's clock.
func TestSnapshotIsBuiltOncePerChange(t *testing.T) {
	pool := pgtest.New(t)
	live := &fakeLive{ready: true}
	c := NewCache(pool, warnings.NewStore(pool), live, slog.New(slog.DiscardHandler))
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := c.get(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := c.Rebuilds(); n != 1 {
		t.Fatalf("50 requests built the snapshot %d times, want 1", n)
	}
	live.send("rescue_teams")
	live.send("hazard_sources")
	_, _ = c.get(t.Context())
	if n := c.Rebuilds(); n != 1 {
		t.Fatalf("a commit the page does not show rebuilt it: %d builds", n)
	}
	for i, topic := range []string{"warnings", "shelters", "zones", "boundaries"} {
		live.send(topic)
		_, _ = c.get(t.Context())
		_, _ = c.get(t.Context())
		if n := c.Rebuilds(); n != int64(i+2) {
			t.Fatalf("after a %s commit: %d builds, want %d", topic, n, i+2)
		}
	}
	now = now.Add(MaxAge + time.Second)
	_, _ = c.get(t.Context())
	if n := c.Rebuilds(); n != 6 {
		t.Fatalf("an old snapshot was not rebuilt: %d builds", n)
	}
	// Until the live stream listens, a commit could go unreported: no reuse.
	live.ready = false
	_, _ = c.get(t.Context())
	if n := c.Rebuilds(); n != 7 {
		t.Fatalf("before the stream is ready: %d builds, want 7", n)
	}
}
