package realtime_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sitrep/realtime"
)

// A client that stops reading altogether fills the socket before it fills
// its queue; the write that then runs out of time marks it slow (4008, the
// slow-close count), not a server-side write failure.
func TestStalledClientIsClosedAsSlow(t *testing.T) {
	e := newEnv(t)
	// A queue far larger than the run, so only the write deadline can fire.
	s := e.start(realtime.Config{WriteWait: 300 * time.Millisecond, MaxQueueBytes: 1 << 30})
	stalled := e.dial(s, dialOpt{readBuf: 4 << 10})
	stalled.subscribe([]string{"things"}, nil, nil)
	stalled.expect("snapshot")
	pad := strings.Repeat("x", 64<<10)
	deadline := time.Now().Add(2 * time.Minute)
	for w := 0; s.metric(t, "sitrep_ws_slow_client_closes_total") < 1; w++ {
		if time.Now().After(deadline) {
			t.Fatal("a client that never reads was never closed")
		}
		e.put(thing{ID: "t", Lon: 87, Lat: 43, Pad: pad + fmt.Sprint(w)})
	}
	if n := s.labelled(t, "sitrep_ws_disconnects_total", "reason", "write_error"); n != 0 {
		t.Fatalf("%v disconnects counted as write errors", n)
	}
}
