package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one request of a path by worker w (its i-th): it returns the
// bytes it received and how many units (requests, fixes, rows) it did.
type op func(ctx context.Context, w, i int) (bytes, units int, err error)

// row is one line of the table: a system on a path at a concurrency.
type row struct {
	path, system string
	clients      int
	perSecond    float64 // units a second
	unit         string
	p50, p99     time.Duration
	bytes        int // per request, on average
}

// measure runs clients workers in a closed loop for d (after a warm-up of
// a tenth of it, not counted), or until limit requests have run when limit
// > 0, and returns the throughput and latency.
func measure(ctx context.Context, pathName, system, unit string, clients int, d time.Duration, limit int, f op) (row, error) {
	warm := d / 10
	if limit > 0 {
		warm = 0
	}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		units   int
		bytes   int
		firstEr error
		next    atomic.Int64
	)
	t0 := time.Now()
	measureFrom := t0.Add(warm)
	deadline := measureFrom.Add(d)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var myLat []time.Duration
			myUnits, myBytes := 0, 0
			for i := 0; ; i++ {
				if limit > 0 {
					if next.Add(1) > int64(limit) {
						break
					}
				} else if time.Now().After(deadline) {
					break
				}
				s := time.Now()
				b, u, err := f(ctx, w, i)
				if err != nil {
					mu.Lock()
					if firstEr == nil {
						firstEr = err
					}
					mu.Unlock()
					return
				}
				if s.After(measureFrom) || limit > 0 {
					myLat = append(myLat, time.Since(s))
					myUnits += u
					myBytes += b
				}
			}
			mu.Lock()
			lat = append(lat, myLat...)
			units += myUnits
			bytes += myBytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstEr != nil {
		return row{}, fmt.Errorf("%s %s: %w", system, pathName, firstEr)
	}
	elapsed := time.Since(measureFrom)
	r := row{path: pathName, system: system, clients: clients, unit: unit, perSecond: float64(units) / elapsed.Seconds()}
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
		r.bytes = bytes / len(lat)
	}
	fmt.Printf("  %-30s %d clients: %9.0f %s/s  p50 %8s  p99 %8s\n", system, clients, r.perSecond, unit,
		r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond))
	return r, nil
}

// printTable prints every row, each Sitrep row with its ratio to the raw
// row of the same path and concurrency.
func printTable(w io.Writer, rows []row) {
	fmt.Fprintf(w, "\n%-22s %-34s %7s %12s %10s %10s %9s %9s %8s\n", "path", "system", "clients", "per second", "p50", "p99", "p99/p50", "bytes", "vs raw")
	raw := map[string]float64{}
	for _, r := range rows {
		if r.system == "raw PostGIS" {
			raw[fmt.Sprint(r.path, r.clients)] = r.perSecond
		}
	}
	for _, r := range rows {
		ratio := ""
		if b := raw[fmt.Sprint(r.path, r.clients)]; b > 0 && r.system != "raw PostGIS" {
			ratio = fmt.Sprintf("%.2fx", r.perSecond/b)
		}
		spread := 0.0
		if r.p50 > 0 {
			spread = float64(r.p99) / float64(r.p50)
		}
		fmt.Fprintf(w, "%-22s %-34s %7d %12.0f %10s %10s %9.1f %9d %8s\n", r.path, r.system, r.clients, r.perSecond,
			r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), spread, r.bytes, ratio)
	}
}
