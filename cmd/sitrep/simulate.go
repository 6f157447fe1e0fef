package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"sitrep/internal/simulate"
)

func runSimulate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("simulate [flags]", "Drive the demo through the public API: drill incidents reported, zoned, warned about\n"+
		"and closed, the nearest teams dispatched and driving there and back, until stopped.\n"+
		"The token (env SITREP_TOKEN, or --token-file) must belong to a commander or an admin.", stdout)
	base := fs.String("url", envOr("SITREP_URL", "http://127.0.0.1:8080"), "the Sitrep server (env SITREP_URL)")
	tokenFile := fs.String("token-file", "", "read the API token from this file instead of SITREP_TOKEN")
	var cfg simulate.Config
	fs.DurationVar(&cfg.Tick, "tick", 0, "time between position fixes (default 2s)")
	fs.Float64Var(&cfg.SpeedMS, "speed", 0, "team speed in m/s (default 15)")
	fs.IntVar(&cfg.Teams, "teams", 0, "teams sent to each incident (default 3)")
	fs.DurationVar(&cfg.OnScene, "on-scene", 0, "time teams work on scene (default 1m)")
	fs.DurationVar(&cfg.Pause, "pause", 0, "quiet time between incidents (default 20s)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed (the same seed replays the same choices)")
	once := fs.Bool("once", false, "play one scenario and exit")
	if _, err := fs.parse(args); err != nil {
		return err
	}
	token := os.Getenv("SITREP_TOKEN")
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return err
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		return errors.New("no API token: set SITREP_TOKEN or pass --token-file (create one with 'sitrep users token admin')")
	}
	cfg.URL, cfg.Token, cfg.Logger = *base, token, slog.Default()
	sim := simulate.New(cfg)
	if *once {
		rep, err := sim.Scenario(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "incident %s: %d teams, %d position fixes, warning %s\n", rep.IncidentID, len(rep.TeamIDs), rep.Fixes, rep.WarningID)
		return nil
	}
	return sim.Run(ctx)
}
