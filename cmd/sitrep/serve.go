package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"sitrep/hazards"
	"sitrep/incidents/orgplan"
	"sitrep/internal/basemap"
	"sitrep/internal/server"
	"sitrep/internal/warnings"
)

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := newDBCommand("serve [flags]", "Run the HTTP server. Applies pending migrations first, under an advisory lock,\nso several servers may start against one database at once.", stdout)
	addr := cmd.String("addr", envOr("SITREP_ADDR", ":8080"), "listen address (env SITREP_ADDR)")
	migrate := cmd.Bool("migrate", true, "apply pending migrations at start-up")
	insecure := cmd.Bool("insecure-cookie", os.Getenv("SITREP_INSECURE_COOKIE") == "1", "drop the Secure flag from the session cookie (env SITREP_INSECURE_COOKIE=1)")
	safeDistances := cmd.String("safe-distances", os.Getenv("SITREP_SAFE_DISTANCES"), "safe-distance rules file replacing the shipped defaults (env SITREP_SAFE_DISTANCES; format: hazards/safe_distances.json)")
	grace := cmd.Duration("shutdown-grace", 20*time.Second, "how long in-flight requests may take to finish after SIGTERM")
	publicOrigin := cmd.String("public-origin", os.Getenv("SITREP_PUBLIC_ORIGIN"), "the origin people open Sitrep at, when a proxy in front changes the scheme or host (env SITREP_PUBLIC_ORIGIN; e.g. https://sitrep.example.gov.cn)")
	metricsAddr := cmd.String("metrics-addr", os.Getenv("SITREP_METRICS_ADDR"), "also serve /metrics without credentials on this address, for an operator's network (env SITREP_METRICS_ADDR; e.g. 127.0.0.1:9090)")
	metricsToken := cmd.String("metrics-token", os.Getenv("SITREP_METRICS_TOKEN"), "a bearer token that may read /metrics on the main address (env SITREP_METRICS_TOKEN; otherwise only an admin may)")
	planFile := cmd.String("plan", os.Getenv("SITREP_PLAN"), "the county's emergency organisation as a plan file (env SITREP_PLAN; default: the embedded 乌鲁木齐县 plan)")
	warningOrg := cmd.String("warning-org", os.Getenv("SITREP_WARNING_ORG"), "the GB/T 4657 organisation code (3 digits) of the county's emergency management bureau, coded in warning identifiers and CAP <sender> (env SITREP_WARNING_ORG; default 000, unassigned)")
	var ground basemap.Settings
	cmd.StringVar(&ground.PMTiles, "basemap-pmtiles", os.Getenv("SITREP_BASEMAP_PMTILES"), "serve the basemap from this PMTiles archive (Sitrep's schema: sitrep basemap export) instead of the imported data (env SITREP_BASEMAP_PMTILES)")
	cmd.StringVar(&ground.Online, "basemap", os.Getenv("SITREP_BASEMAP"), "online basemap over the local one: tianditu-vec, tianditu-img, xyz or wmts; empty for none (env SITREP_BASEMAP)")
	cmd.StringVar(&ground.URL, "basemap-url", os.Getenv("SITREP_BASEMAP_URL"), "xyz: tile URL template with {z} {x} {y}; wmts: GetTile template on a Web Mercator matrix set (env SITREP_BASEMAP_URL)")
	cmd.StringVar(&ground.TiandituKey, "tianditu-key", os.Getenv("SITREP_TIANDITU_KEY"), "Tianditu key (tk) for tianditu-vec/tianditu-img; stays on the server (env SITREP_TIANDITU_KEY)")
	cmd.StringVar(&ground.Attribution, "basemap-attribution", os.Getenv("SITREP_BASEMAP_ATTRIBUTION"), "attribution shown with an xyz or wmts basemap (env SITREP_BASEMAP_ATTRIBUTION)")
	cmd.StringVar(&ground.CRS, "basemap-crs", os.Getenv("SITREP_BASEMAP_CRS"), "the online basemap's datum: wgs84 (default) or cgcs2000; gcj02/bd09 services are refused (env SITREP_BASEMAP_CRS)")
	if _, err := cmd.parse(args); err != nil {
		return err
	}
	if err := cmd.check(); err != nil {
		return err
	}
	// A bad basemap setting or plan file stops the start before the
	// database is touched.
	if err := ground.Check(); err != nil {
		return err
	}
	if *warningOrg != "" {
		issuer := warnings.CountyIssuer
		issuer.Org = *warningOrg
		if err := issuer.Validate(); err != nil {
			return errors.New("--warning-org: " + err.Error())
		}
	}
	plan, err := orgplan.Default()
	if *planFile != "" {
		plan, err = orgplan.Load(*planFile)
	}
	if err != nil {
		return err
	}
	if *migrate {
		n, err := cmd.migrate(ctx)
		if err != nil {
			return err
		}
		slog.Info("migrations applied", "count", n)
	}
	var rules *hazards.DistanceRules
	if *safeDistances != "" {
		var err error
		if rules, err = hazards.LoadDistanceRulesFile(*safeDistances); err != nil {
			return errors.New("--safe-distances: " + err.Error())
		}
	}
	pool, err := cmd.open(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	srv, err := server.New(server.Config{Pool: pool, Logger: slog.Default(), SecureCookie: !*insecure, SafeDistances: rules, Plan: plan,
		ReportingClock: true, Deliveries: true, MetricsToken: *metricsToken, PublicOrigin: *publicOrigin, Basemap: ground, WarningOrg: *warningOrg})
	if err != nil {
		return err
	}
	defer srv.Close() // before pool.Close: it stops the reporting clock

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	httpSrv := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	slog.Info("listening", "addr", ln.Addr().String())

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	if *metricsAddr != "" {
		mln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return err
		}
		metricsSrv := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = metricsSrv.Serve(mln) }()
		defer metricsSrv.Close()
		slog.Info("serving metrics", "addr", mln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: no new connections, finishing requests in flight", "grace", grace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	// http.Server.Shutdown does not track websockets (hijacked connections)
	// and would not wait for a RegisterOnShutdown hook; closing them here,
	// synchronously, lets every map wall get its 1001 going-away frame before
	// the pool closes and the process exits.
	srv.Shutdown()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	slog.Info("stopped")
	return nil
}
