package weatherstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/journal"
	"sitrep/internal/pgtest"
	"sitrep/internal/weatherstore"
	"sitrep/weather"
)

func f(v float64) *float64 { return &v }

// Observations: a batch sent again stores nothing twice and publishes
// nothing; the newest observation of each station is one live event and
// no audit row; a bad value refuses the batch whole.
func TestIngestObservations(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 21, 6, 0, 0, 0, time.UTC)
	var id int64
	pgtest.Must(t, pool.QueryRow(ctx, `INSERT INTO weather_stations (geom, name) VALUES (ST_SetSRID(ST_MakePoint(87.41, 43.47), 4326), '县气象站') RETURNING id`).Scan(&id))
	st := weatherstore.New(pool)
	st.Now = func() time.Time { return now }
	obs := func(age time.Duration, from float64) weatherstore.Observation {
		return weatherstore.Observation{Station: id, Observation: weather.Observation{At: now.Add(-age), WindFromDeg: f(from), WindSpeedMS: f(3)}}
	}
	actor := journal.Actor{Name: "station"}
	batch := []weatherstore.Observation{obs(time.Minute, 300), obs(11*time.Minute, 290)}
	if res, err := st.Ingest(ctx, actor, batch); err != nil || res.Stored != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if res, err := st.Ingest(ctx, actor, batch); err != nil || res.Stored != 0 || res.Duplicates != 2 {
		t.Fatalf("again: %+v %v", res, err)
	}
	// An older observation arriving late changes nothing on the wall.
	if res, err := st.Ingest(ctx, actor, []weatherstore.Observation{obs(20*time.Minute, 280)}); err != nil || res.Stored != 1 {
		t.Fatalf("late: %+v %v", res, err)
	}
	var events, audits int
	pgtest.Must(t, pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM events WHERE topic = 'weather'), (SELECT count(*) FROM audit_log)`).Scan(&events, &audits))
	if events != 1 || audits != 0 {
		t.Fatalf("%d weather events, %d audit rows; want 1 and 0", events, audits)
	}
	bad := obs(time.Minute, 400)
	bad.At = now.Add(-2 * time.Minute)
	_, err := st.Ingest(ctx, actor, []weatherstore.Observation{obs(3*time.Minute, 10), bad, {Station: id + 99, Observation: weather.Observation{At: now}}})
	var p *api.Problem
	if !errors.As(err, &p) || p.Status != 422 || len(p.Errors) < 2 || p.Errors[0].Field != "/observations/1/wind_from_deg" || p.Errors[1].Field != "/observations/2/station" {
		t.Fatalf("bad batch: %v %+v", err, p)
	}
	var n int
	pgtest.Must(t, pool.QueryRow(ctx, `SELECT count(*) FROM weather_observations`).Scan(&n))
	if n != 3 {
		t.Fatalf("%d observations after a refused batch", n)
	}
}
