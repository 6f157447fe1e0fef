package simulate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Config sets what the simulator drives and how fast.
type Config struct {
	// URL is the Sitrep server, e.g. http://127.0.0.1:8080.
	URL string
	// Token is an API token whose role may record incidents, dispatch, warn
	// (yellow) and activate a response: a commander or an admin.
	Token string
	// Tick is the time between position fixes (default 2 s).
	Tick time.Duration
	// SpeedMS is how fast teams drive (default 15 m/s, mountain roads).
	SpeedMS float64
	// Teams is how many teams are sent to each incident (default 3).
	Teams int
	// OnScene is how long teams work on scene (default 1 min).
	OnScene time.Duration
	// Pause is the quiet time between incidents (default 20 s).
	Pause time.Duration
	// Seed makes a run repeatable.
	Seed   uint64
	Logger *slog.Logger
	HTTP   *http.Client
}

func (c *Config) defaults() {
	if c.Tick <= 0 {
		c.Tick = 2 * time.Second
	}
	if c.SpeedMS <= 0 {
		c.SpeedMS = 15
	}
	if c.Teams <= 0 {
		c.Teams = 3
	}
	if c.OnScene < 0 {
		c.OnScene = 0
	} else if c.OnScene == 0 {
		c.OnScene = time.Minute
	}
	if c.Pause <= 0 {
		c.Pause = 20 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.HTTP == nil {
		c.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
}

// Simulator runs scenarios against one server.
type Simulator struct {
	cfg Config
	api *client
	rnd *rand.Rand
}

// New returns a simulator; Config's zero values take the defaults.
func New(cfg Config) *Simulator {
	cfg.defaults()
	return &Simulator{
		cfg: cfg,
		api: &client{base: strings.TrimRight(cfg.URL, "/"), token: cfg.Token, http: cfg.HTTP},
		rnd: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed)),
	}
}

// Run plays scenarios until ctx ends. A failed scenario is logged and the
// next one starts after the pause: a demo wall should not go dark because
// one call failed. It returns early only if the very first scenario fails,
// which means the URL, token or data are wrong.
func (s *Simulator) Run(ctx context.Context) error {
	// The instruments report all along, beside the scenarios.
	go s.runInstruments(ctx)
	for n := 1; ; n++ {
		rep, err := s.Scenario(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && n == 1:
			return err
		case err != nil:
			s.cfg.Logger.Error("simulation: scenario failed; next one after the pause", "err", err)
		default:
			s.cfg.Logger.Info("simulation: scenario done", "incident", rep.IncidentID, "teams", len(rep.TeamIDs),
				"fixes", rep.Fixes)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.cfg.Pause):
		}
	}
}

// Report says what one scenario did.
type Report struct {
	IncidentID string
	ZoneRun    int
	WarningID  string
	TeamIDs    []int64
	Fixes      int
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ErrNoData means the server has nothing to simulate with (load the demo).
var ErrNoData = errors.New("no hazard sources or available rescue teams: run 'sitrep demo' first")

func idPath(format string, id any) string { return fmt.Sprintf(format, id) }
