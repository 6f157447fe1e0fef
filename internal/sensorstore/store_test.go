package sensorstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/internal/sensorstore"
)

var gateway = journal.Actor{Name: "gateway-1"}

// t0 is "now" for the tests' clock.
var t0 = time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)

// setup makes a store with a clock at t0 and a chlorine detector (0–10 ppm,
// 一级 0.5, 二级 1, hold 20 s, deadband 0.1, stale after 120 s) at a
// chlorine store; it returns the store and the sensor's id.
func setup(t *testing.T) (*pgxpool.Pool, *sensorstore.Store, int64) {
	t.Helper()
	pool := pgtest.New(t)
	ctx := context.Background()
	var hs, id int64
	pgtest.Must(t, pool.QueryRow(ctx, `INSERT INTO hazard_sources (geom, name, enterprise, township_code, filing_status, inventory, s, r, alpha, people_within_500m, major, grade, grading)
		VALUES (ST_SetSRID(ST_MakePoint(87.41, 43.47), 4326), '液氯库', '某化工公司', NULL, 'filed', '[{"chemical":"氯","max_tonnes":10}]', 2, 10, 1, 0, true, 'IV', '{}')
		RETURNING id`).Scan(&hs))
	pgtest.Must(t, pool.QueryRow(ctx, `INSERT INTO sensors (geom, code, name, hazard_source_id, kind, unit, range_max, warn_high, alarm_high, hold_s, deadband, stale_after_s, updated_at)
		VALUES (ST_SetSRID(ST_MakePoint(87.4101, 43.4701), 4326), 'GT-101', '液氯库有毒气体检测器', $1, 'toxic_gas', 'ppm', 10, 0.5, 1, 20, 0.1, 120, $2)
		RETURNING id`, hs, t0.Add(-time.Hour)).Scan(&id))
	st := sensorstore.New(pool)
	st.Now = func() time.Time { return t0 }
	return pool, st, id
}

func readings(id int64, from time.Time, values ...float64) []sensorstore.Reading {
	out := make([]sensorstore.Reading, len(values))
	for i, v := range values {
		out[i] = sensorstore.Reading{Sensor: id, At: from.Add(time.Duration(i) * 10 * time.Second), Value: v, Unit: "ppm"}
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	pgtest.Must(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// A batch sent twice stores nothing twice; a batch listed backwards is
// stored the same; a late batch is kept as history and changes no alarm;
// the minute aggregates count each reading once.
func TestIngestIsIdempotentAndOutOfOrderSafe(t *testing.T) {
	pool, st, id := setup(t)
	ctx := context.Background()
	from := t0.Add(-5 * time.Minute)
	rs := readings(id, from, 0.1, 0.2, 0.3, 0.2)
	back := []sensorstore.Reading{rs[3], rs[2], rs[1], rs[0]}
	res, err := st.Ingest(ctx, gateway, back)
	if err != nil || res.Stored != 4 || res.Duplicates != 0 {
		t.Fatalf("first: %+v, %v", res, err)
	}
	res, err = st.Ingest(ctx, gateway, append(rs, rs[0]))
	if err != nil || res.Stored != 0 || res.Duplicates != 5 {
		t.Fatalf("again: %+v, %v", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM sensor_readings WHERE sensor_id = $1`, id); n != 4 {
		t.Fatalf("%d readings stored", n)
	}
	if n := count(t, pool, `SELECT sum(n) FROM sensor_readings_minute WHERE sensor_id = $1`, id); n != 4 {
		t.Fatalf("minute aggregates count %d", n)
	}
	// A late spike, older than what the rules took: stored, no alarm.
	res, err = st.Ingest(ctx, gateway, readings(id, from.Add(-time.Minute), 5, 5, 5, 5))
	if err != nil || res.Stored != 4 || res.Late != 4 || len(res.Alarms) != 0 {
		t.Fatalf("late: %+v, %v", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM alarms`); n != 0 {
		t.Fatalf("%d alarms from a late batch", n)
	}
	// The readings are not in the audit trail nor on the stream.
	if n := count(t, pool, `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM events)`); n != 0 {
		t.Fatalf("%d audit rows and events from readings", n)
	}
}

// A reading in another unit, outside the range, of an unknown sensor or
// from a wrong clock refuses the whole batch, each fault named.
func TestIngestRefusesBadReadingsWhole(t *testing.T) {
	pool, st, id := setup(t)
	rs := readings(id, t0.Add(-time.Minute), 0.1, 0.2, 0.3, 0.4, 0.5)
	rs[1].Unit = "mg/m3"
	rs[2].Value = 50
	rs[3].Sensor = id + 1000
	rs[4].At = t0.Add(time.Hour)
	_, err := st.Ingest(context.Background(), gateway, rs)
	var p *api.Problem
	if !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("err %v", err)
	}
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Field)
		if e.Detail == "" {
			t.Errorf("%s: no detail", e.Field)
		}
	}
	want := []string{"/readings/1/unit", "/readings/2/value", "/readings/3/sensor", "/readings/4/at"}
	if len(got) != len(want) {
		t.Fatalf("faults %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("faults %v, want %v", got, want)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM sensor_readings`); n != 0 {
		t.Fatalf("%d readings stored from a refused batch", n)
	}
}

// A slow leak: the value crosses 一级 and is held, then 二级; a person
// acknowledges; the value comes back past the deadband and the alarm
// clears. Each change is one audit row and one live event on "alarms".
func TestAlarmLifecycle(t *testing.T) {
	pool, st, id := setup(t)
	ctx := context.Background()
	from := t0.Add(-10 * time.Minute)
	res, err := st.Ingest(ctx, gateway, readings(id, from, 0.2, 0.55, 0.6, 0.7))
	if err != nil || len(res.Alarms) != 1 || res.Alarms[0].Action != sensorstore.ActionRaise {
		t.Fatalf("raise: %+v, %v", res, err)
	}
	alarm := res.Alarms[0].Alarm
	if _, err := st.Acknowledge(ctx, journal.Actor{Name: "wang"}, "王值班", alarm); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM alarms WHERE acked_by = '王值班'`); n != 1 {
		t.Fatal("the alarm does not name who acknowledged it")
	}
	var p *api.Problem
	if _, err := st.Acknowledge(ctx, journal.Actor{Name: "wang"}, "王值班", alarm); !errors.As(err, &p) || p.Status != 409 {
		t.Fatalf("second acknowledgement: %v", err)
	}
	// Escalation needs a new acknowledgement.
	res, err = st.Ingest(ctx, gateway, readings(id, from.Add(time.Minute), 1.2, 1.3, 1.4))
	if err != nil || len(res.Alarms) != 1 || res.Alarms[0].Action != sensorstore.ActionEscalate {
		t.Fatalf("escalate: %+v, %v", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM alarms WHERE id = $1 AND acked_at IS NULL AND level = 'alarm'`, alarm); n != 1 {
		t.Fatal("an escalated alarm keeps the old acknowledgement")
	}
	// Hovering just inside the deadband of 二级, then of 一级: steps down
	// once, then clears once.
	res, err = st.Ingest(ctx, gateway, readings(id, from.Add(2*time.Minute), 0.95, 0.92, 0.85, 0.45, 0.52, 0.3))
	if err != nil || len(res.Alarms) != 2 || res.Alarms[0].Action != sensorstore.ActionStepDown || res.Alarms[1].Action != sensorstore.ActionClear {
		t.Fatalf("step down and clear: %+v, %v", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM alarms WHERE cleared_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d cleared alarms", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM events WHERE topic = 'alarms'`); n != 5 {
		t.Fatalf("%d alarm events, want raise, ack, escalate, step down, clear", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'alarms'`); n != 5 {
		t.Fatalf("%d alarm audit rows", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE entity = 'alarms' AND actor_name = 'wang' AND action = 'acknowledge'`); n != 1 {
		t.Fatal("the acknowledgement does not name the person")
	}
}

// A detector that stops reporting raises a stale alarm once; a reading
// clears it.
func TestStaleSensor(t *testing.T) {
	pool, st, id := setup(t)
	ctx := context.Background()
	if _, err := st.Ingest(ctx, gateway, readings(id, t0.Add(-30*time.Second), 0.1)); err != nil {
		t.Fatal(err)
	}
	tk := sensorstore.NewTicker(st, nil)
	now := t0
	tk.Now = func() time.Time { return now }
	if n, err := tk.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("reporting: %d stale, %v", n, err)
	}
	now = t0.Add(91 * time.Second) // 121 s after the last reading
	if n, err := tk.Tick(ctx); err != nil || n != 1 {
		t.Fatalf("silent: %d stale, %v", n, err)
	}
	if n, err := tk.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("again: %d stale, %v", n, err)
	}
	st.Now = func() time.Time { return now }
	res, err := st.Ingest(ctx, gateway, readings(id, now, 0.1))
	if err != nil || len(res.Alarms) != 1 || res.Alarms[0].Action != sensorstore.ActionClear {
		t.Fatalf("back: %+v, %v", res, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM alarms WHERE kind = 'stale' AND cleared_at IS NOT NULL`); n != 1 {
		t.Fatal("the stale alarm did not clear")
	}
}

// An alarm offers a prefilled incident and zone run at its hazard source.
func TestDraftFromAlarm(t *testing.T) {
	_, st, id := setup(t)
	ctx := context.Background()
	res, err := st.Ingest(ctx, gateway, readings(id, t0.Add(-time.Minute), 2, 2, 2))
	if err != nil || len(res.Alarms) != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	d, err := st.Draft(ctx, res.Alarms[0].Alarm)
	if err != nil {
		t.Fatal(err)
	}
	if d.Incident.Kind != "hazardous_chemicals" || d.Incident.Place != "某化工公司 液氯库" || d.Zone.Model != "plume" ||
		d.Zone.Chemical == nil || *d.Zone.Chemical != "氯" ||
		d.Zone.CatalogueID == nil || *d.Zone.CatalogueID != "chlorine" || d.Zone.Lon != 87.4101 || len(d.Incident.Location) == 0 {
		t.Fatalf("draft %+v", d)
	}
}

// Partitions are made ahead and dropped past the retention.
func TestPartitions(t *testing.T) {
	pool, st, _ := setup(t)
	ctx := context.Background()
	st.Retention = 2 * 24 * time.Hour
	if _, err := st.MaintainPartitions(ctx, t0); err != nil {
		t.Fatal(err)
	}
	parts := `SELECT count(*) FROM pg_inherits WHERE inhparent = 'sensor_readings'::regclass`
	if n := count(t, pool, parts); n != 6 { // two days back, today, three ahead
		t.Fatalf("%d partitions", n)
	}
	dropped, err := st.MaintainPartitions(ctx, t0.Add(3*24*time.Hour))
	if err != nil || len(dropped) != 3 || dropped[0] != "sensor_readings_20250530" {
		t.Fatalf("dropped %v, %v", dropped, err)
	}
}
