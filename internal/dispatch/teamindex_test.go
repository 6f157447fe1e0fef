package dispatch

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/realtime"
)

func newIndexedTeam(t *testing.T, s *Store, lon, lat float64) int64 {
	t.Helper()
	var id int64
	if err := s.pool.QueryRow(context.Background(), `INSERT INTO rescue_teams (geom, name, kind, headcount, status)
		VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4326), 'team ' || clock_timestamp(), 'hazmat', 8, 'available') RETURNING id`, lon, lat).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// waitLoaded waits (generously) for the index's first load.
func waitLoaded(t *testing.T, x *TeamIndex) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		x.mu.RLock()
		loaded := x.loaded
		x.mu.RUnlock()
		if loaded {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the team index did not load within 60 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Without a live stream delivering anything, the index still answers with
// every write this process committed: it reads the events table up to
// journal.Committed before answering, and after a gap in what the stream
// delivered. Each answer says which event it reflects.
func TestTeamIndexSeesOwnWrites(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	s := NewStore(pool)
	a, b := newIndexedTeam(t, s, 87.0, 43.0), newIndexedTeam(t, s, 87.5, 43.5)
	s.Teams = NewTeamIndex(pool, nil)
	defer s.Teams.Close()
	waitLoaded(t, s.Teams)

	nearest := func(lon, lat float64) (int64, int64) {
		t.Helper()
		res, seq, indexed, err := s.Nearest(ctx, NearestQuery{Layer: "rescue_teams", Lon: lon, Lat: lat, K: 1, Values: url.Values{"status": {"available"}}})
		if err != nil || len(res) != 1 {
			t.Fatalf("nearest: %v %v", res, err)
		}
		if !indexed {
			t.Fatal("the answer did not come from the index")
		}
		return res[0].ID, seq
	}
	if id, _ := nearest(87.0, 43.0); id != a {
		t.Fatalf("nearest %d, want %d", id, a)
	}
	lon, lat := 87.0002, 43.0
	in, err := s.Ingest(ctx, journal.Actor{Name: "test"}, []Fix{{TeamID: b, Lon: &lon, Lat: &lat, ObservedAt: time.Now().Add(-time.Second)}})
	if err != nil || len(in.Moved) != 1 {
		t.Fatalf("ingest: %+v %v", in, err)
	}
	id, seq := nearest(87.0003, 43.0)
	if id != b {
		t.Fatalf("after the move, nearest %d, want the moved team %d", id, b)
	}
	var moveSeq int64
	if err := pool.QueryRow(ctx, `SELECT max(seq) FROM events`).Scan(&moveSeq); err != nil {
		t.Fatal(err)
	}
	if seq < moveSeq {
		t.Fatalf("answer reflects seq %d, the move committed %d", seq, moveSeq)
	}

	// A gap in what the stream delivers: the events are read from the table.
	s.Teams.apply([]realtime.Event{{Seq: seq + 2, Topic: "rescue_teams", EntityID: "1", Action: "update"}})
	if !s.Teams.stale {
		t.Fatal("a gap did not mark the index stale")
	}
	lon = 87.6
	if _, err := s.Ingest(ctx, journal.Actor{Name: "test"}, []Fix{{TeamID: b, Lon: &lon, Lat: &lat, ObservedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if id, _ := nearest(87.0003, 43.0); id != a {
		t.Fatalf("after moving away, nearest %d, want %d", id, a)
	}
}

// A team across the world and a question nothing matches: the walk looks
// at about the populated cells, not at every empty cell in between (the
// rings alone would look at billions; the hostile sweep's /nearest with an
// empty filter hung on them).
func TestWalkCellsBoundedByPopulatedCells(t *testing.T) {
	cells := map[cellKey][]*indexedTeam{}
	for i := range 50 {
		cells[cellOf(orb.Point{87.40 + float64(i)*0.02, 43.5})] = []*indexedTeam{{}}
	}
	far := cellOf(orb.Point{-179.9, -80})
	cells[far] = []*indexedTeam{{}}
	c0 := cellOf(orb.Point{87.5, 43.5})
	span := max(chebyshev(far, c0), 1)
	seen := map[cellKey]bool{}
	looked := walkCells(c0, cells, span, func(c cellKey) {
		if _, ok := cells[c]; ok {
			seen[c] = true
		}
	}, func(int32) bool { return false })
	if len(seen) != len(cells) {
		t.Fatalf("visited %d of %d populated cells", len(seen), len(cells))
	}
	if looked > 2*len(cells)+8 {
		t.Fatalf("looked at %d cells for %d populated", looked, len(cells))
	}
}
