// Command publicload measures the public page's data under a surge, the
// way a warning going out brings one, and the command centre's usual
// requests at the same time:
//
//	go run ./cmd/publicload -url http://127.0.0.1:8080 -token <a viewer's or duty officer's bearer token> [-concurrency 64] [-duration 20s]
//
// Phase 1 measures the command centre's requests alone (the baseline);
// phase 2 runs the same while -concurrency clients fetch
// /public/situation.json as fast as it answers, as new visitors do (no
// If-None-Match). With a duty officer's token and -warn, a blue warning
// is issued a second into phase 2 (so the snapshot is rebuilt under the
// surge) and lifted at the end. It prints requests per second, latency
// percentiles and errors. It sends traffic only to -url, and stops by
// itself.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// commandCentre are the command centre's usual reads: the lists the
// console loads and refreshes.
var commandCentre = []string{
	"/api/v1/warnings", "/api/v1/incidents", "/api/v1/shelters?limit=100", "/api/v1/rescue_teams?limit=100",
	"/api/v1/hazard_sources?limit=100", "/api/v1/vocabulary",
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the Sitrep to load")
	token := flag.String("token", os.Getenv("SITREP_TOKEN"), "a bearer token for the command centre's requests (env SITREP_TOKEN)")
	concurrency := flag.Int("concurrency", 64, "public clients in the surge")
	duration := flag.Duration("duration", 20*time.Second, "length of each phase")
	ccRate := flag.Int("cc-rate", 10, "command-centre requests per second")
	warn := flag.Bool("warn", false, "issue a warning under the surge and lift it after (needs a duty officer's token)")
	flag.Parse()
	if err := run(*base, *token, *concurrency, *duration, *ccRate, *warn); err != nil {
		fmt.Fprintln(os.Stderr, "publicload:", err)
		os.Exit(1)
	}
}

type sample struct {
	mu   sync.Mutex
	durs []time.Duration
	errs atomic.Int64
}

func (s *sample) add(d time.Duration) { s.mu.Lock(); s.durs = append(s.durs, d); s.mu.Unlock() }

func (s *sample) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.durs) == 0 {
		return fmt.Sprintf("no answers, %d errors", s.errs.Load())
	}
	d := slices.Clone(s.durs)
	slices.Sort(d)
	p := func(q float64) time.Duration {
		return d[min(len(d)-1, int(q*float64(len(d))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("%d answers, p50 %v, p90 %v, p99 %v, max %v, %d errors", len(d), p(.5), p(.9), p(.99), d[len(d)-1], s.errs.Load())
}

func get(ctx context.Context, c *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	return nil
}

// commandCentreLoop sends the usual requests at rate per second until ctx ends.
func commandCentreLoop(ctx context.Context, c *http.Client, base, token string, rate int, s *sample) {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-tick.C:
		}
		path := commandCentre[i%len(commandCentre)]
		wg.Go(func() {
			start := time.Now()
			if err := get(context.WithoutCancel(ctx), c, base+path, token); err != nil {
				s.errs.Add(1)
				return
			}
			s.add(time.Since(start))
		})
	}
}

func run(base, token string, concurrency int, duration time.Duration, ccRate int, warn bool) error {
	if token == "" {
		return errors.New("-token is required (the command centre's requests need one)")
	}
	tr := &http.Transport{MaxIdleConns: concurrency + 16, MaxIdleConnsPerHost: concurrency + 16}
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	if err := get(context.Background(), c, base+"/public/situation.json", ""); err != nil {
		return err
	}

	fmt.Printf("phase 1: command centre alone, %d requests/s for %v\n", ccRate, duration)
	alone := &sample{}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	commandCentreLoop(ctx, c, base, token, ccRate, alone)
	cancel()
	fmt.Println("  command centre:", alone)

	fmt.Printf("phase 2: %d public clients flat out, and the command centre, for %v\n", concurrency, duration)
	under, public := &sample{}, &sample{}
	ctx, cancel = context.WithTimeout(context.Background(), duration)
	defer cancel()
	var done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				t := time.Now()
				if err := get(ctx, c, base+"/public/situation.json", ""); err != nil {
					if ctx.Err() == nil {
						public.errs.Add(1)
					}
					continue
				}
				public.add(time.Since(t))
				done.Add(1)
			}
		})
	}
	var issued map[string]any
	var etag string
	if warn {
		wg.Go(func() {
			time.Sleep(time.Second)
			var err error
			if issued, etag, err = issue(c, base, token); err != nil {
				fmt.Fprintln(os.Stderr, "  issuing the warning:", err)
			}
		})
	}
	commandCentreLoop(ctx, c, base, token, ccRate, under)
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("  public: %.0f requests/s; %s\n", float64(done.Load())/elapsed.Seconds(), public)
	fmt.Println("  command centre:", under)
	if issued != nil {
		if err := lift(c, base, token, issued, etag); err != nil {
			fmt.Fprintln(os.Stderr, "  lifting the warning:", err)
		}
	}
	return nil
}

func issue(c *http.Client, base, token string) (map[string]any, string, error) {
	body, _ := json.Marshal(map[string]any{"level": "blue", "category": "hazardous_chemicals", "event": "压力测试",
		"area":      map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{87.40, 43.50}, {87.45, 43.50}, {87.45, 43.53}, {87.40, 43.53}, {87.40, 43.50}}}},
		"area_desc": "压力测试区域（测试）", "onset": time.Now().UTC().Format(time.RFC3339), "items": []string{"压力测试，无需行动"}})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/warnings", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	var f map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil || resp.StatusCode != http.StatusCreated {
		return nil, "", fmt.Errorf("issue: %d %v", resp.StatusCode, err)
	}
	fmt.Println("  issued warning", f["id"], "under the surge")
	return f, resp.Header.Get("ETag"), nil
}

func lift(c *http.Client, base, token string, f map[string]any, etag string) error {
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/warnings/%v/lift", base, f["id"]), bytes.NewReader([]byte(`{}`)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", etag)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("lift: %d", resp.StatusCode)
	}
	return nil
}
