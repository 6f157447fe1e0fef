package realtime_test

import (
	"sync"
	"testing"
	"time"

	"sitrep/realtime"
)

// The listener runs with no websocket client at all, and in-process
// subscribers get every committed event once, in commit order; Close stops
// it (no event after Close is delivered).
func TestOnEventsWithoutClients(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{SafetyRead: 200 * time.Millisecond})
	var (
		mu   sync.Mutex
		seqs []int64
		ids  []string
	)
	s.Hub.OnEvents(func(b []realtime.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range b {
			seqs = append(seqs, ev.Seq)
			ids = append(ids, ev.Topic+"/"+ev.EntityID+"/"+ev.Action)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !s.Hub.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("listener not ready without clients")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first := e.put(thing{ID: "a", Lon: 87.4, Lat: 43.5})
	e.writeConcurrently(3, 20, "w")
	last := e.del("a")
	for {
		mu.Lock()
		n := len(seqs)
		done := n > 0 && seqs[n-1] >= last
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d events, want through seq %d", n, last)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	if seqs[0] != first || int64(len(seqs)) != last-first+1 {
		t.Fatalf("events %d..%d (%d), want %d..%d", seqs[0], seqs[len(seqs)-1], len(seqs), first, last)
	}
	for i := 1; i < len(seqs); i++ {
		if seqs[i] != seqs[i-1]+1 {
			t.Fatalf("out of order or gap at %d: %d after %d", i, seqs[i], seqs[i-1])
		}
	}
	if ids[0] != "things/a/update" || ids[len(ids)-1] != "things/a/delete" {
		t.Fatalf("first %s, last %s", ids[0], ids[len(ids)-1])
	}
	n := len(seqs)
	mu.Unlock()

	s.Hub.Close()
	e.put(thing{ID: "b", Lon: 87.4, Lat: 43.5})
	time.Sleep(500 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(seqs) != n {
		t.Fatalf("an event reached a subscriber after Close")
	}
}
