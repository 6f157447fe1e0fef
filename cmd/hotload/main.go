// Command hotload measures Sitrep's hot paths against the raw PostGIS query
// for the same question, side by side in one run, at 1 and 4 concurrent
// clients: the 10 nearest available teams, one viewport of about 415 teams
// (REST and OGC), position fixes in batches of 100, a z12 vector tile
// (uncached and cached) and an import of 10,000 sensitive sites.
//
//	go run ./cmd/hotload -database-url postgres://…@127.0.0.1:5432/postgres [-teams 1000000] [-duration 10s]
//
// It creates a scratch database on that (loopback) cluster, fills it with
// -teams rescue teams spread over the county, runs Sitrep in this process on
// 127.0.0.1 (server, database and load generator share the machine, as in
// production on a small host), prints one table and drops the database. It
// sends traffic to loopback only and stops by itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/auth"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/loadenv"
	"sitrep/internal/server"
)

func main() {
	dbURL := flag.String("database-url", loadenv.FirstEnv("DATABASE_URL", "SITREP_TEST_DATABASE_URL"), "a loopback PostgreSQL/PostGIS cluster (a scratch database is made on it)")
	teams := flag.Int("teams", 1_000_000, "rescue teams to create")
	duration := flag.Duration("duration", 10*time.Second, "length of each measured phase")
	only := flag.String("only", "", "comma-separated paths to run (nearest,viewport,positions,tiles,import); empty: all")
	keep := flag.Bool("keep", false, "keep the scratch database (its name is printed)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured phases (server and load generator) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			profileTo = f
		}
	}
	if err := run(*dbURL, *teams, *duration, *only, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "hotload:", err)
		os.Exit(1)
	}
}

// profileTo receives the CPU profile (-cpuprofile).
var profileTo *os.File

// env is what every path measures with: the pool the raw queries use, and
// a running Sitrep with an admin's bearer token.
type env struct {
	pool     *pgxpool.Pool
	base     string
	token    string
	client   *http.Client
	duration time.Duration
	teams    int
	// restart gives a fresh Sitrep (empty caches) and its base URL.
	restart func() (string, error)
}

func run(adminURL string, nTeams int, duration time.Duration, only string, keep bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()

	dbURL, name, drop, err := loadenv.Scratch(ctx, adminURL, "hotload")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("hotload: scratch database", name, "(kept)")
	} else {
		defer drop()
	}
	pool, err := db.Open(ctx, dbURL, db.Options{StatementTimeout: time.Minute})
	if err != nil {
		return err
	}
	defer pool.Close()
	start := time.Now()
	if err := seedTeams(ctx, pool, nTeams); err != nil {
		return err
	}
	fmt.Printf("hotload: %d teams in %s\n", nTeams, time.Since(start).Round(time.Second))
	_, token, err := auth.NewStore(pool).CreateUser(ctx, journal.Actor{Name: "hotload"}, auth.NewUser{Name: "hotload", Role: auth.Admin})
	if err != nil {
		return err
	}

	var stop func()
	restart := func() (string, error) {
		if stop != nil {
			stop()
		}
		var base string
		base, stop, err = startSitrep(pool)
		return base, err
	}
	base, err := restart()
	if err != nil {
		return err
	}
	defer func() { stop() }()
	e := &env{pool: pool, base: base, token: token, duration: duration, teams: nTeams, restart: restart,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}, Timeout: time.Minute}}
	start = time.Now()
	if err := e.waitTeamIndex(ctx); err != nil {
		return err
	}
	fmt.Printf("hotload: the team index loaded in %s\n", time.Since(start).Round(100*time.Millisecond))

	if profileTo != nil {
		if err := pprof.StartCPUProfile(profileTo); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
		runtime.SetBlockProfileRate(int(time.Millisecond))
		defer func() {
			if f, err := os.Create(profileTo.Name() + ".block"); err == nil {
				_ = pprof.Lookup("block").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	var rows []row
	for _, p := range paths {
		if only != "" && !strings.Contains(","+only+",", ","+p.name+",") {
			continue
		}
		fmt.Printf("hotload: %s…\n", p.name)
		r, err := p.run(ctx, e)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		rows = append(rows, r...)
	}
	printTable(os.Stdout, rows)
	return nil
}

// waitTeamIndex waits until /nearest answers from the in-memory team index
// (its answer carries seq): measuring before would measure the fallback.
func (e *env) waitTeamIndex(ctx context.Context) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		_, body, err := e.do(ctx, "GET", "/api/v1/nearest?layer=rescue_teams&lon=87.4&lat=43.5&k=1", nil, 200)
		if err != nil {
			return err
		}
		if strings.Contains(string(body), `"seq":`) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the team index did not load within 5 minutes")
}

// startSitrep serves Sitrep as `sitrep serve` builds it, on a loopback
// port, logging its JSON lines to nowhere (the cost of writing them stays).
func startSitrep(pool *pgxpool.Pool) (string, func(), error) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := server.New(server.Config{Pool: pool, Logger: logger})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return "", nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		srv.Shutdown()
		_ = hs.Close()
		srv.Close()
	}, nil
}

// seedTeams makes n rescue teams over the county (86.9–87.9°E,
// 43.0–44.0°N), in SQL and in chunks that each fit a statement timeout: a
// third available, half with hazmat, three in four with a recent fix.
func seedTeams(ctx context.Context, pool *pgxpool.Pool, n int) error {
	for lo := 1; lo <= n; lo += 100_000 {
		if _, err := pool.Exec(ctx, `INSERT INTO rescue_teams (geom, name, kind, headcount, status, capabilities, last_position, observed_at)
			SELECT ST_SetSRID(ST_MakePoint(86.9 + random(), 43.0 + random()), 4326), '队伍 ' || g, 'fire_rescue', 5,
			       (ARRAY['available', 'dispatched', 'on_scene'])[1 + g % 3], CASE WHEN g % 2 = 0 THEN ARRAY['hazmat'] ELSE '{}' END,
			       CASE WHEN g % 4 <> 0 THEN ST_SetSRID(ST_MakePoint(86.9 + random(), 43.0 + random()), 4326) END,
			       CASE WHEN g % 4 <> 0 THEN now() - interval '2 hours' - g % 7200 * interval '1 second' END
			FROM generate_series($1::int, $2::int) g`, lo, min(n, lo+99_999)); err != nil {
			return err
		}
	}
	_, err := pool.Exec(ctx, `VACUUM ANALYZE rescue_teams`)
	return err
}
