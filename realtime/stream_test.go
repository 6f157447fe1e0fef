package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb/geojson"

	"sitrep/realtime"
)

// writeConcurrently runs writers goroutines each putting n things and
// returns when all have committed.
func (e *env) writeConcurrently(writers, n int, prefix string) {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				id := fmt.Sprintf("%s%d-%d", prefix, w, i%5)
				e.put(thing{ID: id, Lon: 87 + float64(i)/100, Lat: 43 + float64(w)/100})
			}
		}()
	}
	wg.Wait()
}

// Clients joining while writers commit, by snapshot or by resuming, each
// receive every event after their starting point exactly once, in order, and
// a snapshot plus its deltas rebuild exactly what the database holds.
func TestOrderWithoutGapsUnderConcurrentWriters(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	e.put(thing{ID: "seed", Lon: 87.5, Lat: 43.5})

	type result struct {
		from   int64
		events []msg
		state  map[string]string
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	go func() { e.writeConcurrently(6, 40, "w"); close(done) }()

	results := make([]*result, 6)
	for i := range results {
		time.Sleep(15 * time.Millisecond) // join at different moments of the writing
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.dial(s)
			r := &result{state: map[string]string{}}
			results[i] = r
			if i%2 == 1 {
				// Resume from the start of time: backlog from the table,
				// then live, across the race with the fan-out.
				c.subscribe([]string{"things"}, nil, ptr(int64(0)))
				r.from = c.expect("resumed").From
			} else {
				c.subscribe([]string{"things"}, nil, nil)
				snap := c.expect("snapshot")
				r.from = snap.Seq
				for _, f := range snap.Layers["things"].Features {
					var p struct {
						ID string `json:"id"`
					}
					_ = json.Unmarshal(f, &p)
					r.state[p.ID] = string(f)
				}
			}
			<-done
			r.events = c.eventsThrough(lastSeq(t, e.pool))
			for _, m := range r.events {
				r.state[m.ID] = string(m.Data)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	final := lastSeq(t, e.pool)
	if final != 1+6*40 {
		t.Fatalf("last seq %d, want %d", final, 1+6*40)
	}
	// What the database holds, as the snapshot query writes it.
	want := map[string]string{}
	rows, err := e.pool.Query(context.Background(), `SELECT id, ST_X(geom), ST_Y(geom) FROM rt_things`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var lon, lat float64
		if err := rows.Scan(&id, &lon, &lat); err != nil {
			t.Fatal(err)
		}
		want[id] = fmt.Sprintf("%.7f %.7f", lon, lat)
	}
	for i, r := range results {
		contiguous(t, fmt.Sprintf("client %d", i), r.events, r.from+1, final)
		got := map[string]string{}
		for id, f := range r.state {
			feat, err := geojson.UnmarshalFeature([]byte(f))
			if err != nil {
				t.Fatalf("client %d: %v", i, err)
			}
			p := feat.Point()
			got[id] = fmt.Sprintf("%.7f %.7f", p.Lon(), p.Lat())
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("client %d (from %d) rebuilt\n%v\nthe database holds\n%v", i, r.from, got, want)
		}
	}
}

// A client that lost its connection resumes from its last seq and gets
// exactly what it missed, then live events.
func TestResumeAfterDroppedConnection(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	c := e.dial(s)
	c.subscribe([]string{"things"}, nil, nil)
	snap := c.expect("snapshot")
	seq := e.put(thing{ID: "a", Lon: 87.1, Lat: 43.1})
	got := c.eventsThrough(seq)
	contiguous(t, "before the drop", got, snap.Seq+1, seq)

	_ = c.conn.NetConn().Close() // the network drops; no close frame
	missedTo := int64(0)
	for i := range 30 {
		missedTo = e.put(thing{ID: fmt.Sprint("b", i%3), Lon: 87.2, Lat: 43.2 + float64(i)/1000})
	}
	c2 := e.dial(s)
	c2.subscribe([]string{"things"}, nil, &seq)
	if r := c2.expect("resumed"); r.From != seq {
		t.Fatalf("resumed from %d, want %d", r.From, seq)
	}
	live := e.put(thing{ID: "c", Lon: 87.3, Lat: 43.3})
	contiguous(t, "after resuming", c2.eventsThrough(live), seq+1, live)
	_ = missedTo
}

// A server restart closes clients with 1001; they resume on the new server
// (same database) without losing or repeating an event.
func TestResumeAfterServerRestart(t *testing.T) {
	e := newEnv(t)
	s1 := e.start(realtime.Config{})
	c := e.dial(s1)
	c.subscribe([]string{"things"}, nil, nil)
	snap := c.expect("snapshot")
	seq := e.put(thing{ID: "a", Lon: 87.1, Lat: 43.1})
	c.eventsThrough(seq)

	s1.stop()
	_, err := c.read()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Fatalf("after shutdown: %v, want close 1001", err)
	}
	for i := range 20 {
		e.put(thing{ID: fmt.Sprint("r", i%4), Lon: 87.4, Lat: 43.4})
	}
	s2 := e.start(realtime.Config{})
	c2 := e.dial(s2)
	c2.subscribe([]string{"things"}, nil, &seq)
	c2.expect("resumed")
	last := e.put(thing{ID: "z", Lon: 87.5, Lat: 43.5})
	contiguous(t, "on the new server", c2.eventsThrough(last), seq+1, last)
	_ = snap
}

// Two servers on one database deliver the same events in the same order.
func TestTwoServersAgree(t *testing.T) {
	e := newEnv(t)
	a, b := e.start(realtime.Config{}), e.start(realtime.Config{})
	ca, cb := e.dial(a), e.dial(b)
	ca.subscribe([]string{"things"}, nil, ptr(int64(0)))
	cb.subscribe([]string{"things"}, nil, ptr(int64(0)))
	ca.expect("resumed")
	cb.expect("resumed")
	e.writeConcurrently(4, 30, "t")
	last := lastSeq(t, e.pool)
	ga, gb := ca.eventsThrough(last), cb.eventsThrough(last)
	contiguous(t, "server a", ga, 1, last)
	contiguous(t, "server b", gb, 1, last)
	for i := range ga {
		if ga[i].ID != gb[i].ID || string(ga[i].Data) != string(gb[i].Data) {
			t.Fatalf("event %d differs: %s %s vs %s %s", ga[i].Seq, ga[i].ID, ga[i].Data, gb[i].ID, gb[i].Data)
		}
	}
}

// A client that never reads is closed with 4008 and counted; a client that
// reads gets every event, in order, meanwhile.
func TestSlowClientIsClosedAndOthersKeepUp(t *testing.T) {
	e := newEnv(t)
	// The default 8 MiB bound: far less than the 19 MiB the run writes, but
	// room enough that a fast reader on a loaded, race-instrumented machine
	// is never mistaken for a slow one.
	// A write deadline far longer than a loaded machine can stall: the slow
	// client starts draining once the server gives up on it, and the close
	// frame behind the data must still be writable then.
	s := e.start(realtime.Config{WriteWait: 5 * time.Minute})
	slow := e.dial(s, dialOpt{readBuf: 64 << 10})
	fast := e.dial(s)
	slow.subscribe([]string{"things"}, nil, nil)
	fast.subscribe([]string{"things"}, nil, nil)
	// The slow client reads its snapshot, then nothing.
	snapSeq := slow.expect("snapshot").Seq
	fastSnap := fast.expect("snapshot").Seq

	t0 := time.Now()
	pad := strings.Repeat("x", 16<<10)
	const writes, per = 240, 5 // 1,200 events of 16 KiB: far more than any socket buffer
	var fastEvents []msg
	var last int64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			m, err := fast.read()
			if err != nil {
				t.Errorf("fast client: %v", err)
				return
			}
			fastEvents = append(fastEvents, m)
			if int64(len(fastEvents)) == writes*per {
				return
			}
		}
	}()
	// The slow client starts reading only once the server has given up on
	// it: from then on it drains what the kernel buffered and must find the
	// close code behind it. (Reading only after the whole run would leave the
	// server's close frame stuck behind full socket buffers past its write
	// deadline on a loaded machine: a test artefact, not the behaviour.)
	var got []msg
	slowDone := make(chan error, 1)
	go func() {
		deadline := time.Now().Add(60 * time.Second)
		for s.metric(t, "sitrep_ws_slow_client_closes_total") < 1 {
			if time.Now().After(deadline) {
				slowDone <- errors.New("the slow client was not closed")
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		for {
			m, err := slow.read()
			if err != nil {
				slowDone <- err
				return
			}
			got = append(got, m)
		}
	}()
	for w := range writes {
		batch := make([]thing, per)
		for i := range batch {
			batch[i] = thing{ID: fmt.Sprint("s", i), Lon: 87, Lat: 43, Pad: pad + fmt.Sprint(w)}
		}
		last = e.put(batch...)
	}
	t.Logf("written through %d at %v", last, time.Since(t0))
	<-readDone
	t.Logf("fast client done at %v", time.Since(t0))
	contiguous(t, "fast client", fastEvents, fastSnap+1, last)

	// What the slow client got before the close is a gap-free prefix, then
	// the close code.
	err := <-slowDone
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != realtime.CloseTooSlow {
		t.Fatalf("slow client ended with %v, want close %d", err, realtime.CloseTooSlow)
	}
	if len(got) == 0 || int64(len(got)) >= writes*per {
		t.Fatalf("slow client got %d events before the close", len(got))
	}
	contiguous(t, "slow client's prefix", got, snapSeq+1, snapSeq+int64(len(got)))
	if n := s.metric(t, "sitrep_ws_slow_client_closes_total"); n != 1 {
		t.Fatalf("slow closes %v, want 1", n)
	}
	if n := s.metric(t, "sitrep_ws_dropped_messages_total"); n == 0 {
		t.Fatal("the dropped messages were not counted")
	}
}

// A bbox subscription gets only what concerns its box: features that enter
// it, a "leave" when one it holds moves out, deletes of what it holds.
func TestBBoxSubscription(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	e.put(thing{ID: "in", Lon: 87.5, Lat: 43.5}, thing{ID: "out", Lon: 80, Lat: 40})
	c := e.dial(s)
	c.subscribe([]string{"things"}, []float64{87, 43, 88, 44}, nil)
	snap := c.expect("snapshot")
	if fs := snap.Layers["things"].Features; len(fs) != 1 || !strings.Contains(string(fs[0]), `"in"`) {
		t.Fatalf("snapshot features %s, want only \"in\"", fs)
	}
	leave := e.put(thing{ID: "in", Lon: 86, Lat: 43.5})        // moves out
	e.put(thing{ID: "far", Lon: 10, Lat: 10})                  // never concerns us
	enter := e.put(thing{ID: "out", Lon: 87.2, Lat: 43.2})     // moves in
	e.put(thing{ID: "in", Lon: 85, Lat: 43.5})                 // moves further outside: nothing
	e.del("far")                                               // not held: nothing
	del := e.del("out")                                        // held: delete
	last := e.put(thing{ID: "sentinel", Lon: 87.9, Lat: 43.9}) // created inside
	got := c.eventsThrough(last)
	want := []struct {
		seq        int64
		id, action string
	}{{leave, "in", realtime.ActionLeave}, {enter, "out", "update"}, {del, "out", "delete"}, {last, "sentinel", "update"}}
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Seq != w.seq || got[i].ID != w.id || got[i].Action != w.action {
			t.Fatalf("event %d: seq %d %s %s, want seq %d %s %s", i, got[i].Seq, got[i].ID, got[i].Action, w.seq, w.id, w.action)
		}
	}
	if string(got[0].Data) != `{"id":"in"}` {
		t.Fatalf("leave data %s", got[0].Data)
	}

	// Changing the subscription needs no reconnect: a new snapshot for the
	// new box and layers, then deltas for it.
	c.subscribe([]string{"things", "boundaries"}, []float64{80, 40, 90, 45}, nil)
	snap2 := c.expect("snapshot")
	ids := map[string]bool{}
	for _, f := range snap2.Layers["things"].Features {
		var p struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(f, &p)
		ids[p.ID] = true
	}
	if _, ok := snap2.Layers["boundaries"]; !ok || len(ids) != 2 || !ids["in"] || !ids["sentinel"] {
		t.Fatalf("second snapshot: layers %v, things %v", len(snap2.Layers), ids)
	}
	if snap2.Seq != last {
		t.Fatalf("second snapshot at %d, want %d", snap2.Seq, last)
	}
	moved := e.put(thing{ID: "far", Lon: 10, Lat: 10}, thing{ID: "in", Lon: 81, Lat: 41})
	evs := c.eventsThrough(moved)
	if len(evs) != 1 || evs[0].ID != "in" || evs[0].Action != "update" {
		t.Fatalf("after the change: %+v", evs)
	}
}

// A resume from before the oldest kept event is told to resync and gets a
// snapshot; a since from the future (another database) too.
func TestResyncWhenEventsArePruned(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	for i := range 10 {
		e.put(thing{ID: fmt.Sprint("p", i), Lon: 87, Lat: 43})
	}
	if _, err := e.pool.Exec(context.Background(), `DELETE FROM events WHERE seq <= 5`); err != nil {
		t.Fatal(err)
	}
	for _, since := range []int64{3, 99} {
		c := e.dial(s)
		c.subscribe([]string{"things"}, nil, &since)
		c.expect("resync")
		snap := c.expect("snapshot")
		if snap.Seq != 10 || len(snap.Layers["things"].Features) != 10 {
			t.Fatalf("since %d: snapshot at %d with %d features", since, snap.Seq, len(snap.Layers["things"].Features))
		}
	}
	// Still kept: a plain resume.
	c := e.dial(s)
	c.subscribe([]string{"things"}, nil, ptr(int64(5)))
	c.expect("resumed")
	contiguous(t, "resume from 5", c.eventsThrough(10), 6, 10)
}

func TestBadSubscribeGetsAnErrorNamingTheField(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{})
	c := e.dial(s)
	for _, tc := range []struct {
		msg   string
		field string
	}{
		{`{"type":"subscribe","layers":["nope"]}`, "/layers/0"},
		{`{"type":"subscribe","layers":["things"],"bbox":[88,43,87,44]}`, "/bbox/2"},
		{`{"type":"subscribe","layers":["things"],"bbox":[87,43,88]}`, "/bbox"},
		{`{"type":"subscribe","layers":["things"],"since":-1}`, "/since"},
		{`{"type":"hello"}`, "/type"},
		{`{"type":"subscribe"}`, "/layers"},
	} {
		if err := c.conn.WriteMessage(websocket.TextMessage, []byte(tc.msg)); err != nil {
			t.Fatal(err)
		}
		m := c.expect("error")
		if m.Field != tc.field {
			t.Errorf("%s: field %q (%s), want %q", tc.msg, m.Field, m.Detail, tc.field)
		}
	}
	// The connection is still usable.
	c.subscribe([]string{"things"}, nil, nil)
	c.expect("snapshot")
}

func TestOriginAndAuthentication(t *testing.T) {
	e := newEnv(t)
	s := e.start(realtime.Config{AllowedOrigins: []string{"https://wall.example.org"}})
	for _, tc := range []struct {
		name   string
		opt    dialOpt
		status int
	}{
		{"no credentials", dialOpt{}, http.StatusUnauthorized},
		{"bad token", dialOpt{token: "nope"}, http.StatusUnauthorized},
		{"foreign origin", dialOpt{token: e.token, origin: "https://evil.example.com"}, http.StatusForbidden},
	} {
		conn, resp, err := s.dialRaw(t, tc.opt)
		if err == nil {
			conn.Close()
			t.Fatalf("%s: connected", tc.name)
		}
		if resp == nil || resp.StatusCode != tc.status {
			t.Fatalf("%s: %v, want status %d", tc.name, resp, tc.status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s: Content-Type %q", tc.name, ct)
		}
	}
	for _, origin := range []string{s.URL, "https://wall.example.org"} {
		c := e.dial(s, dialOpt{origin: origin})
		c.subscribe([]string{"boundaries"}, nil, nil)
		c.expect("snapshot")
	}
	// Plain HTTP on the websocket route is told to upgrade.
	req, _ := http.NewRequest("GET", s.URL+"/ws", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Fatalf("plain GET: %d", resp.StatusCode)
	}
}
