package incidentstore_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"sitrep/incidents"
	"sitrep/incidents/incidentstore"
	"sitrep/incidents/orgplan"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
)

// fakeClock is a settable now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newStore(t *testing.T) (*incidentstore.Store, *fakeClock, func(string, ...any) int) {
	t.Helper()
	pool := pgtest.New(t)
	plan, err := orgplan.Default()
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{}
	s := incidentstore.New(pool, plan)
	s.Now = clock.Now
	count := func(q string, args ...any) int {
		var n int
		if err := pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	return s, clock, count
}

var actor = journal.Actor{Name: "test"}

// Each kind of deadline becomes overdue once, at the right instant, as an
// overdue row, a timeline entry and a live event.
func TestReportingClockDeadlines(t *testing.T) {
	ctx := context.Background()
	s, clock, count := newStore(t)
	t0 := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC) // 10:00 北京时间
	clock.Set(t0.Add(5 * time.Minute))
	f, err := s.Create(ctx, actor, incidentstore.NewIncident{Kind: incidents.Gas, Place: "某小区", OccurredAt: t0,
		Casualties: incidents.Casualties{Deaths: 3}})
	if err != nil {
		t.Fatal(err)
	}
	id := mustID(t, f.ID)
	tick := incidentstore.NewTicker(s, nil)
	tick.Now = clock.Now
	step := func(at time.Time, want int, keys ...string) {
		t.Helper()
		clock.Set(at)
		n, err := tick.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("at %s: %d recorded, want %d", at, n, want)
		}
		for _, k := range keys {
			if count(`SELECT count(*) FROM incident_overdue WHERE incident_id = $1 AND deadline_key = $2`, id, k) != 1 {
				t.Fatalf("at %s: %s not recorded", at, k)
			}
		}
	}
	// Unit → county within 30 minutes; the 30th minute itself is on time.
	step(t0.Add(30*time.Minute), 0)
	step(t0.Add(30*time.Minute+time.Second), 1, "unit_report")
	step(t0.Add(31*time.Minute), 0) // exactly once

	// The county receives it late, at +40 min: the chain clock starts.
	clock.Set(t0.Add(40 * time.Minute))
	if _, _, err := s.AddReport(ctx, actor, id, incidentstore.NewReport{Kind: "first", Tier: incidents.TierCounty}); err != nil {
		t.Fatal(err)
	}
	// 较大 (3 deaths): city and region within 2 hours of county receipt.
	step(t0.Add(2*time.Hour+40*time.Minute), 0)
	step(t0.Add(2*time.Hour+41*time.Minute), 2, "chain_report:city", "chain_report:region")
	// Follow-ups at least once a day (4.1.3), from the county's receipt.
	step(t0.Add(24*time.Hour+40*time.Minute), 0)
	step(t0.Add(24*time.Hour+41*time.Minute), 1, "follow_up:1")
	clock.Set(t0.Add(25 * time.Hour))
	if _, _, err := s.AddReport(ctx, actor, id, incidentstore.NewReport{Kind: "follow_up", Tier: incidents.TierCity}); err != nil {
		t.Fatal(err)
	}
	step(t0.Add(49*time.Hour), 0)
	step(t0.Add(49*time.Hour+time.Second), 1, "follow_up:2")

	if n := count(`SELECT count(*) FROM events WHERE topic = 'incidents' AND action = 'overdue' AND entity_id = $1`, f.ID); n != 5 {
		t.Fatalf("%d overdue events, want 5", n)
	}
	if n := count(`SELECT count(*) FROM events WHERE action = 'overdue' AND data->'overdue'->>'key' = 'unit_report'
		AND (data->'properties'->>'overdue_count')::int >= 1`); n != 1 {
		t.Fatalf("unit_report event carries the feature and the deadline: %d", n)
	}
	if n := count(`SELECT count(*) FROM incident_timeline WHERE incident_id = $1 AND type = 'overdue'`, id); n != 5 {
		t.Fatalf("%d overdue timeline entries, want 5", n)
	}
}

// Twice-daily follow-ups for 重大 (4.1.3).
func TestReportingClockTwiceDaily(t *testing.T) {
	ctx := context.Background()
	s, clock, count := newStore(t)
	t0 := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	clock.Set(t0.Add(10 * time.Minute))
	f, err := s.Create(ctx, actor, incidentstore.NewIncident{Kind: incidents.Fire, Place: "x", OccurredAt: t0,
		Casualties: incidents.Casualties{Deaths: 10}})
	if err != nil {
		t.Fatal(err)
	}
	id := mustID(t, f.ID)
	if _, _, err := s.AddReport(ctx, actor, id, incidentstore.NewReport{Kind: "first", Tier: incidents.TierStateCouncil}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecordOverdue(ctx, t0.Add(12*time.Hour+10*time.Minute)); err != nil || n != 0 {
		t.Fatalf("%d, %v", n, err)
	}
	if n, err := s.RecordOverdue(ctx, t0.Add(12*time.Hour+11*time.Minute)); err != nil || n != 1 {
		t.Fatalf("%d, %v", n, err)
	}
	if count(`SELECT count(*) FROM incident_overdue WHERE deadline_key = 'follow_up:1'`) != 1 {
		t.Fatal("follow_up:1 not recorded")
	}
}

// Two servers ticking at once record each overdue deadline exactly once.
func TestReportingClockTwoTickers(t *testing.T) {
	ctx := context.Background()
	s, clock, count := newStore(t)
	t0 := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	clock.Set(t0)
	for i := 0; i < 5; i++ {
		if _, err := s.Create(ctx, actor, incidentstore.NewIncident{Kind: incidents.Fire, Place: "x", OccurredAt: t0, Drill: i == 0}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Set(t0.Add(time.Hour))
	var wg sync.WaitGroup
	totals := make([]int, 2)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := incidentstore.NewTicker(s, nil)
			n, err := tk.Tick(ctx)
			if err != nil {
				t.Error(err)
			}
			totals[i] = n
		}()
	}
	wg.Wait()
	if totals[0]+totals[1] != 5 || count(`SELECT count(*) FROM events WHERE action = 'overdue'`) != 5 {
		t.Fatalf("recorded %v; events %d", totals, count(`SELECT count(*) FROM events WHERE action = 'overdue'`))
	}
	if count(`SELECT count(*) FROM events WHERE action = 'overdue' AND drill AND (data->'properties'->>'drill')::boolean`) != 1 {
		t.Fatal("the drill's overdue event is not marked")
	}
}

// Start runs the clock on its own and stop ends it.
func TestTickerStartStop(t *testing.T) {
	ctx := context.Background()
	s, clock, count := newStore(t)
	t0 := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	clock.Set(t0)
	if _, err := s.Create(ctx, actor, incidentstore.NewIncident{Kind: incidents.Fire, Place: "x", OccurredAt: t0}); err != nil {
		t.Fatal(err)
	}
	tk := incidentstore.NewTicker(s, nil)
	tk.Interval = 10 * time.Millisecond
	stop := tk.Start(ctx)
	clock.Set(t0.Add(31 * time.Minute))
	deadline := time.Now().Add(10 * time.Second)
	for count(`SELECT count(*) FROM incident_overdue`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the ticker recorded nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if count(`SELECT count(*) FROM incident_overdue`) != 1 {
		t.Fatal("recorded more than once")
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
