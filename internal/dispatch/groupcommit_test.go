package dispatch

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"

	"github.com/jackc/pgx/v5"
)

// Batches committed as one group are each answered for their own fixes,
// audited under their own caller and refused alone for their own bad
// fixes; each team gets one event per group, from its latest fix.
func TestGroupCommit(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	s := NewStore(pool)
	a, b := newIndexedTeam(t, s, 87.0, 43.0), newIndexedTeam(t, s, 87.5, 43.5)
	t0 := time.Now().Add(-time.Hour).Truncate(time.Microsecond).UTC()
	fix := func(team int64, lon float64, sec int) Fix {
		lat := 43.2
		return Fix{TeamID: team, Lon: &lon, Lat: &lat, ObservedAt: t0.Add(time.Duration(sec) * time.Second)}
	}
	req := func(actor string, fixes ...Fix) *ingestReq {
		return &ingestReq{actor: journal.Actor{Name: actor}, fixes: fixes, done: make(chan struct{})}
	}
	r1 := req("one", fix(a, 87.1, 10), fix(b, 87.2, 10))
	r2 := req("two", fix(a, 87.3, 20), fix(a, 87.1, 10)) // a's latest, and a fix r1 sent
	r3 := req("three", fix(a, 87.4, 30), fix(1<<40, 87.4, 30))
	r4 := req("four", fix(b, 87.05, 5)) // older than b's fix in r1
	s.commitGroup([]*ingestReq{r1, r2, r3, r4})
	for _, r := range []*ingestReq{r1, r2, r3, r4} {
		<-r.done
	}
	if r1.err != nil || r1.res.Stored != 2 || r1.res.Duplicates != 0 || len(r1.res.Moved) != 2 {
		t.Fatalf("first batch: %+v %v", r1.res, r1.err)
	}
	if r2.err != nil || r2.res.Stored != 1 || r2.res.Duplicates != 1 || len(r2.res.Moved) != 1 || r2.res.Moved[0] != a {
		t.Fatalf("second batch: %+v %v", r2.res, r2.err)
	}
	var p *api.Problem
	if !errors.As(r3.err, &p) || len(p.Errors) != 1 || p.Errors[0].Field != "/1/team_id" {
		t.Fatalf("third batch (unknown team): %+v %v", r3.res, r3.err)
	}
	if r4.err != nil || r4.res.Stored != 1 || len(r4.res.Moved) != 1 {
		// Alone, b's fix at 5 s would move it from home: it is newer than
		// b's position before the group.
		t.Fatalf("fourth batch: %+v %v", r4.res, r4.err)
	}
	count := func(sql string, args ...any) int {
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM events WHERE topic = 'rescue_teams'`); n != 2 {
		t.Fatalf("%d team events for a group moving two teams, want 2", n)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE entity = 'team_positions' AND actor_name = ANY('{one,two,four}')`); n != 3 {
		t.Fatalf("%d batch audit rows under their callers, want 3", n)
	}
	if n := count(`SELECT count(*) FROM team_positions WHERE observed_at = $1`, t0.Add(30*time.Second)); n != 0 {
		t.Fatal("the refused batch left a fix")
	}
	var lon float64
	if err := pool.QueryRow(ctx, `SELECT ST_X(last_position) FROM rescue_teams WHERE id = $1`, a).Scan(&lon); err != nil || lon != 87.3 {
		t.Fatalf("team a at %v (%v), want its latest fix 87.3", lon, err)
	}
	if err := pool.QueryRow(ctx, `SELECT ST_X(last_position) FROM rescue_teams WHERE id = $1`, b).Scan(&lon); err != nil || lon != 87.2 {
		t.Fatalf("team b at %v (%v), want its latest fix 87.2", lon, err)
	}
}

// A group whose transaction fails for a reason no batch was refused for
// (here a fix the database refuses) is rolled back whole, and each batch is
// then tried alone: the good one commits, the bad one gets the error.
func TestGroupCommitFailedGroupRetriesAlone(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	s := NewStore(pool)
	a := newIndexedTeam(t, s, 87.0, 43.0)
	t0 := time.Now().Add(-time.Hour).Truncate(time.Microsecond).UTC()
	lon, lat, badHeading := 87.1, 43.2, 400.0 // past the column's check
	good := &ingestReq{actor: journal.Actor{Name: "good"}, done: make(chan struct{}),
		fixes: []Fix{{TeamID: a, Lon: &lon, Lat: &lat, ObservedAt: t0}}}
	bad := &ingestReq{actor: journal.Actor{Name: "bad"}, done: make(chan struct{}),
		fixes: []Fix{{TeamID: a, Lon: &lon, Lat: &lat, ObservedAt: t0.Add(time.Second), HeadingDeg: &badHeading}}}
	s.commitGroup([]*ingestReq{good, bad})
	<-good.done
	<-bad.done
	if good.err != nil || good.res.Stored != 1 || len(good.res.Moved) != 1 {
		t.Fatalf("good batch: %+v %v", good.res, good.err)
	}
	if bad.err == nil {
		t.Fatalf("bad batch committed: %+v", bad.res)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM team_positions WHERE team_id = $1`, a).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d fixes stored (%v), want the good batch's 1", n, err)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'team_positions' AND actor_name = 'bad'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d audit rows for the bad batch (%v), want 0", n, err)
	}
}

// Groups commit concurrently (maxGroups): batches for the same teams from
// many callers at once, times shuffled, all commit without a deadlock; each
// team ends at its latest fix, its events never take it back in time, and
// no group is left counted as running.
func TestConcurrentGroupsKeepEachTeamInOrder(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	s := NewStore(pool)
	teams := []int64{newIndexedTeam(t, s, 87.0, 43.0), newIndexedTeam(t, s, 87.5, 43.5), newIndexedTeam(t, s, 87.2, 43.8)}
	t0 := time.Now().Add(-48 * time.Hour).Truncate(time.Microsecond).UTC()
	const callers, batches = 8, 12
	errs := make(chan error, callers)
	for c := range callers {
		go func() {
			r := rand.New(rand.NewPCG(uint64(c), 1))
			for b := range batches {
				var fixes []Fix
				for _, team := range teams {
					// Each (caller, batch) has its own second, so every fix
					// is new; the order they arrive in is the scheduler's.
					sec := r.IntN(1000)*100 + c*batches + b
					lon, lat := 87.0+float64(sec)/1e6, 43.5
					fixes = append(fixes, Fix{TeamID: team, Lon: &lon, Lat: &lat, ObservedAt: t0.Add(time.Duration(sec) * time.Second)})
				}
				if _, err := s.Ingest(ctx, journal.Actor{Name: "device"}, fixes); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range callers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, team := range teams {
		var latest, at time.Time
		if err := pool.QueryRow(ctx, `SELECT max(observed_at) FROM team_positions WHERE team_id = $1`, team).Scan(&latest); err != nil {
			t.Fatal(err)
		}
		if err := pool.QueryRow(ctx, `SELECT observed_at FROM rescue_teams WHERE id = $1`, team).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if !at.Equal(latest) {
			t.Errorf("team %d at its fix of %v, want its latest %v", team, at, latest)
		}
		rows, err := pool.Query(ctx, `SELECT (data->'properties'->>'observed_at')::timestamptz FROM events
			WHERE topic = 'rescue_teams' AND entity_id = $1 ORDER BY seq`, strconv.FormatInt(team, 10))
		if err != nil {
			t.Fatal(err)
		}
		times, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(times); i++ {
			if !times[i].After(times[i-1]) {
				t.Fatalf("team %d: event %d at %v after one at %v", team, i, times[i], times[i-1])
			}
		}
		if len(times) == 0 || !times[len(times)-1].Equal(latest) {
			t.Errorf("team %d: last event not at its latest fix", team)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM team_positions`).Scan(&n); err != nil || n != callers*batches*len(teams) {
		t.Errorf("%d fixes stored (%v), want %d", n, err, callers*batches*len(teams))
	}
	s.positions.mu.Lock()
	running, queued := s.positions.running, len(s.positions.queue)
	s.positions.mu.Unlock()
	if running != 0 || queued != 0 {
		t.Errorf("after every batch: %d groups running, %d batches queued", running, queued)
	}
}
