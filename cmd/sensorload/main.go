// Command sensorload measures the sensor-reading ingest (POST
// /api/v1/sensor-readings through the whole server: authentication, JSON,
// checks, the idempotent insert into the day partitions, the minute
// aggregates, the alarm rules) against a bare COPY of the same rows into a
// plain table with the same key, side by side in one run.
//
//	go run ./cmd/sensorload -database-url postgres://…@127.0.0.1:5432/postgres [-sensors 500] [-batch 5000] [-workers 2] [-duration 10s]
//
// It creates a scratch database on that (loopback) cluster, serves Sitrep
// on 127.0.0.1 in this process, sends for -duration, COPYs the same rows,
// prints readings per second for both, and drops the database. It sends
// traffic to loopback only and stops by itself.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/loadenv"
	"sitrep/internal/sensorstore"
	"sitrep/internal/server"
)

func main() {
	dbURL := flag.String("database-url", os.Getenv("SITREP_TEST_DATABASE_URL"), "a loopback PostgreSQL/PostGIS cluster (a scratch database is made on it)")
	nSensors := flag.Int("sensors", 500, "sensors reporting")
	batch := flag.Int("batch", 5000, "readings per request")
	workers := flag.Int("workers", 2, "requests in flight")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	flag.Parse()
	if err := run(*dbURL, *nSensors, *batch, *workers, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "sensorload:", err)
		os.Exit(1)
	}
}

func run(adminURL string, nSensors, batch, workers int, duration time.Duration) error {
	if batch > sensorstore.MaxBatch || nSensors < 1 || workers < 1 {
		return fmt.Errorf("-batch at most %d, -sensors and -workers at least 1", sensorstore.MaxBatch)
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration+5*time.Minute)
	defer cancel()
	dbURL, _, drop, err := loadenv.Scratch(ctx, adminURL, "sensorload")
	if err != nil {
		return err
	}
	defer drop()
	pool, err := db.Open(ctx, dbURL, db.Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	_, token, err := auth.NewStore(pool).CreateUser(ctx, journal.Actor{Name: "sensorload"}, auth.NewUser{Name: "gateway", Role: auth.Editor})
	if err != nil {
		return err
	}
	var hs int64
	if err := pool.QueryRow(ctx, `INSERT INTO hazard_sources (geom, name, enterprise, filing_status, inventory, s, r, alpha, people_within_500m, major, grade, grading)
		VALUES (ST_SetSRID(ST_MakePoint(87.41, 43.47), 4326), '负载测试', '负载测试', 'filed', '[]', 2, 10, 1, 0, true, 'IV', '{}') RETURNING id`).Scan(&hs); err != nil {
		return err
	}
	// Sensors whose readings stay below their set points: the measure is
	// the ingest, not the alarm writes.
	rows, err := pool.Query(ctx, `INSERT INTO sensors (geom, name, hazard_source_id, kind, unit, range_max, warn_high, hold_s)
		SELECT ST_SetSRID(ST_MakePoint(87.41, 43.47), 4326), '检测器 ' || g, $1, 'flammable_gas', '%LEL', 100, 20, 10
		FROM generate_series(1, $2) g RETURNING id`, hs, nSensors)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Pool: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	// Each request is the next `batch` readings of a round-robin over the
	// sensors, one second apart per sensor, ending before now.
	total := int64(duration/time.Second+60) * int64(batch*workers)
	start := time.Now().Add(-time.Duration(total/int64(nSensors)+60) * time.Second).Truncate(time.Second)
	var next atomic.Int64
	reading := func(i int64) sensorstore.Reading {
		return sensorstore.Reading{Sensor: ids[i%int64(nSensors)], At: start.Add(time.Duration(i/int64(nSensors)) * time.Second),
			Value: float64(i%7) + 0.5, Unit: "%LEL"}
	}
	var sent atomic.Int64
	var failed error
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	deadline := t0.Add(duration)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				first := next.Add(int64(batch)) - int64(batch)
				rs := make([]sensorstore.Reading, batch)
				for i := range rs {
					rs[i] = reading(first + int64(i))
				}
				body, _ := json.Marshal(map[string]any{"readings": rs})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/api/v1/sensor-readings", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err == nil && resp.StatusCode != http.StatusOK {
					msg, _ := io.ReadAll(resp.Body)
					err = fmt.Errorf("status %d: %s", resp.StatusCode, msg)
				}
				if resp != nil {
					resp.Body.Close()
				}
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				sent.Add(int64(batch))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if failed != nil {
		return failed
	}
	n := sent.Load()
	var stored int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sensor_readings`).Scan(&stored); err != nil {
		return err
	}
	if stored != n {
		return fmt.Errorf("sent %d readings, %d stored", n, stored)
	}

	// The same rows by a bare COPY into a plain table with the same key.
	if _, err := pool.Exec(ctx, `CREATE TABLE bare_readings (sensor_id bigint NOT NULL, at timestamptz NOT NULL,
		value double precision NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (sensor_id, at))`); err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	c0 := time.Now()
	var i int64
	copied, err := conn.Conn().CopyFrom(ctx, pgx.Identifier{"bare_readings"}, []string{"sensor_id", "at", "value"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i >= n {
				return nil, nil
			}
			r := reading(i)
			i++
			return []any{r.Sensor, r.At, r.Value}, nil
		}))
	if err != nil {
		return err
	}
	copyElapsed := time.Since(c0)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("ingest (HTTP, %d workers, batches of %d, %d sensors): %d readings in %.1fs = %.0f readings/s\n",
		workers, batch, nSensors, n, elapsed.Seconds(), float64(n)/elapsed.Seconds())
	fmt.Printf("bare COPY of the same rows:                           %d readings in %.1fs = %.0f readings/s\n",
		copied, copyElapsed.Seconds(), float64(copied)/copyElapsed.Seconds())
	fmt.Printf("load average at the end: %s", load)
	return nil
}
