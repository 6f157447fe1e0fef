// Package server assembles Sitrep's HTTP surface: the router, the middleware
// every request passes (request id, log line, metrics, body limit, panics), the
// health and readiness probes, metrics, the OpenAPI document and the web page.
// Feature packages bring their own handlers; this package only mounts them.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sitrep/hazards"
	"sitrep/incidents/incidentstore"
	"sitrep/incidents/orgplan"
	"sitrep/internal/api"
	"sitrep/internal/areas"
	"sitrep/internal/auth"
	"sitrep/internal/basemap"
	"sitrep/internal/channels"
	"sitrep/internal/db"
	"sitrep/internal/dispatch"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/internal/ogc"
	"sitrep/internal/public"
	"sitrep/internal/sensorstore"
	"sitrep/internal/tiles"
	"sitrep/internal/vocabulary"
	"sitrep/internal/warnings"
	"sitrep/internal/weatherstore"
	"sitrep/internal/zones"
	"sitrep/realtime"
	"sitrep/routing"
)

// Config is what a server needs.
type Config struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// SecureCookie sets the Secure flag on the session cookie.
	SecureCookie bool
	// PublicOrigin is the origin people open Sitrep at, when a proxy in
	// front changes the scheme or host; empty trusts the request's own.
	PublicOrigin string
	// MetricsToken, when set, is a bearer token that may read /metrics (a
	// Prometheus scraper's); otherwise only a logged-in admin may. A
	// separate listener (MetricsHandler) serves them without credentials.
	MetricsToken string
	// LoginLimit tunes the login rate limit (tests slow its refill).
	LoginLimit auth.LoginLimit
	// MaxBodyBytes bounds request bodies; imports get ImportBodyBytes.
	MaxBodyBytes int64
	// BodyTimeout bounds the time a request body may take to arrive;
	// imports get ImportBodyTimeout. Zero values take the defaults.
	BodyTimeout, ImportBodyTimeout time.Duration
	// SafeDistances are the safe-distance rules (plan 3.1.2); nil means the
	// shipped defaults (hazards/safe_distances.json).
	SafeDistances *hazards.DistanceRules
	// Plan is the county's emergency organisation (orgplan); nil loads the
	// embedded default.
	Plan *orgplan.Plan
	// ReportingClock runs the reporting-clock ticker (plan 4.1), which records
	// missed reporting deadlines as they pass. sitrep serve sets it; test
	// servers leave it off so that nothing writes behind a test's back.
	ReportingClock bool
	// Basemap are the basemap settings: a PMTiles archive to serve, an
	// online basemap (package basemap).
	Basemap basemap.Settings
	// WarningOrg is the GB/T 4657 organisation code (3 digits) of the
	// county's emergency management bureau, coded in every warning's
	// identifier and CAP <sender>; empty keeps warnings.OrgUnassigned.
	WarningOrg string
	// Deliveries runs the warning channels' outbox worker (package
	// channels). sitrep serve sets it; test servers leave it off and drive
	// a worker of their own.
	Deliveries bool
}

// Defaults for Config.
const (
	DefaultMaxBodyBytes      = 1 << 20  // a feature or a form
	DefaultImportBodyBytes   = 64 << 20 // a layer file
	DefaultBodyTimeout       = 30 * time.Second
	DefaultImportBodyTimeout = 10 * time.Minute // 64 MiB at 1 Mbit/s
)

// Server is the HTTP handler and what it owns.
type Server struct {
	http.Handler
	Registry *prometheus.Registry

	migrator *db.Migrator
	pool     *pgxpool.Pool

	mu         sync.Mutex
	onShutdown []func()
	live       *realtime.Hub
	stopClock  func()
	// stopDeliveries stops the outbox worker and waits for it.
	stopDeliveries func()
	// closeBasemap closes the basemap's PMTiles archive.
	closeBasemap func() error
	// closeTeams stops the team index's loader.
	closeTeams func()
}

// New builds the server. Call Close when done.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.BodyTimeout == 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	if cfg.ImportBodyTimeout == 0 {
		cfg.ImportBodyTimeout = DefaultImportBodyTimeout
	}
	m, err := db.NewMigrator(cfg.Pool)
	if err != nil {
		return nil, err
	}
	s := &Server{Registry: prometheus.NewRegistry(), migrator: m, pool: cfg.Pool}
	s.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := newHTTPMetrics(s.Registry)

	authStore := auth.NewStore(cfg.Pool)
	authStore.Origins = auth.Origins{Public: cfg.PublicOrigin}
	authHandlers := auth.NewHandlers(authStore, auth.Options{SecureCookie: cfg.SecureCookie, LoginLimit: cfg.LoginLimit})
	areaStore := areas.NewStore(cfg.Pool)
	if cfg.Plan == nil {
		if cfg.Plan, err = orgplan.Default(); err != nil {
			return nil, err
		}
	}
	// The live stream (GET /ws). Map layers register their snapshotters here:
	// live.Register(realtime.QuerySnapshotter("teams", ...)) or a Snapshotter of their own.
	var wallOrigins []string
	if cfg.PublicOrigin != "" {
		wallOrigins = []string{cfg.PublicOrigin}
	}
	live := realtime.New(realtime.Config{Pool: cfg.Pool, Logger: cfg.Logger, Registry: s.Registry,
		Recheck: authStore.StillAllowed(auth.ReadMap), AllowedOrigins: wallOrigins, MayRead: mayReadLayer})
	live.OnEvents(func(evs []realtime.Event) {
		for _, e := range evs {
			if e.Topic == auth.CredentialsTopic { // a credential ended on another server
				auth.CredentialsEnded()
				return
			}
		}
	})
	live.Register(realtime.Boundaries())
	for _, l := range layers.All {
		if l.PlaceBy != "" {
			live.Register(realtime.PlacedQuerySnapshotter(l.Name, l.SnapshotSQL(), l.PlaceBy))
		} else {
			live.Register(realtime.QuerySnapshotter(l.Name, l.SnapshotSQL()))
		}
	}
	incidentStore, warningStore := incidentstore.New(cfg.Pool, cfg.Plan), warnings.NewStore(cfg.Pool)
	// A closed incident's staging point and its teams' routes leave the map with it.
	incidentStore.OnClose = append(incidentStore.OnClose, dispatch.IncidentClosed)
	warningStore.Outbox = channels.Outbox{}
	if cfg.WarningOrg != "" {
		warningStore.Issuer.Org = cfg.WarningOrg
		if err := warningStore.Issuer.Validate(); err != nil {
			return nil, err
		}
	}
	live.Register(incidentStore)
	live.Register(warningStore)
	live.Register(realtime.QuerySnapshotter(zones.Topic, zones.SnapshotSQL))
	live.Register(realtime.QuerySnapshotter(zones.EvacuationTopic, zones.EvacuationSnapshotSQL))
	live.Register(realtime.QuerySnapshotter(dispatch.StagingTopic, dispatch.StagingSnapshotSQL))
	live.Register(realtime.QuerySnapshotter(dispatch.RoutesTopic, dispatch.RoutesSnapshotSQL))
	sensorStore := sensorstore.New(cfg.Pool)
	live.Register(realtime.QuerySnapshotter(sensorstore.Topic, sensorstore.SnapshotSQL))
	live.Register(realtime.QuerySnapshotter(weatherstore.Topic, weatherstore.SnapshotSQL))
	zoneStore, err := zones.New(cfg.Pool, incidentStore, nil)
	if err != nil {
		return nil, err
	}
	ground, err := basemap.New(cfg.Pool, cfg.Basemap)
	if err != nil {
		return nil, err
	}
	s.closeBasemap = ground.Close
	tileService := tiles.NewWith(cfg.Pool, live, append(slices.Clone(tiles.Layers), ground.TileLayer()), tiles.DefaultCacheBytes)
	s.OnShutdown(live.Shutdown)
	s.live = live
	// Nearest rescue teams from memory, kept current by the live stream.
	dispatchStore := dispatch.NewStore(cfg.Pool)
	dispatchStore.Teams = dispatch.NewTeamIndex(cfg.Pool, live)
	dispatchStore.Router = routing.NewRouter(cfg.Pool)
	s.closeTeams = dispatchStore.Teams.Close
	s.stopClock = func() {}
	if cfg.ReportingClock {
		// The sensor watch (stale detectors, day partitions of the
		// readings) writes behind a test's back just the same.
		stopIncidents := incidentstore.NewTicker(incidentStore, cfg.Logger).Start(context.Background())
		stopSensors := sensorstore.NewTicker(sensorStore, cfg.Logger).Start(context.Background())
		s.stopClock = func() { stopIncidents(); stopSensors() }
	}
	s.stopDeliveries = func() {}
	if cfg.Deliveries {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { channels.NewWorker(cfg.Pool, cfg.Logger).Run(ctx, 4); close(done) }()
		s.stopDeliveries = func() { cancel(); <-done }
	}

	r := chi.NewRouter()
	r.Use(requestID, logRequests(cfg.Logger), metrics.middleware, recoverPanics(cfg.Logger),
		limitBodies(cfg.MaxBodyBytes, DefaultImportBodyBytes), timeBodies(cfg.BodyTimeout, cfg.ImportBodyTimeout), refuseUnstorableText)
	r.NotFound(api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return api.NotFound("路径 " + r.URL.Path)
	}).ServeHTTP)
	r.MethodNotAllowed(api.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return api.NewProblem(http.StatusMethodNotAllowed, "method-not-allowed", "不允许的请求方法",
			r.URL.Path+" 不接受 "+r.Method+" 请求")
	}).ServeHTTP)

	r.Get("/healthz", s.healthz)
	r.Method(http.MethodGet, "/readyz", api.HandlerFunc(s.readyz))
	r.With(metricsGuard(cfg.MetricsToken, authStore.Authenticate)).Method(http.MethodGet, "/metrics", s.MetricsHandler())
	r.Get("/api/openapi.json", serveOpenAPI)
	r.With(authStore.Authenticate, auth.Require(auth.ReadMap)).Method(http.MethodGet, "/ws", live)
	r.With(authStore.Authenticate, auth.Require(auth.ReadMap)).Route("/ogc", ogc.New(cfg.Pool).Routes)
	r.With(authStore.Authenticate, auth.Require(auth.ReadMap)).Route("/tiles", func(r chi.Router) {
		tileService.Routes(r)
		ground.OnlineRoutes(r)
	})

	r.Route("/api/v1", func(r chi.Router) {
		authHandlers.PublicRoutes(r)
		r.Group(func(r chi.Router) {
			r.Use(authStore.Authenticate)
			authHandlers.Routes(r)
			r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/boundaries", areaStore.Handler())
			r.With(auth.Require(auth.ReadAudit)).Method(http.MethodGet, "/audit", journal.AuditHandler(cfg.Pool))
			// Feature packages mount here, one line each (reads need auth.ReadMap,
			// writes check their own permission).
			layers.Mount(r, cfg.Pool, cfg.SafeDistances)
			incidentstore.NewHandlers(incidentStore).Routes(r)
			warnings.NewHandlers(warningStore).Routes(r)
			channels.NewStore(cfg.Pool).Routes(r)
			zones.NewHandlers(zoneStore).Routes(r)
			dispatch.NewHandlers(dispatchStore).Routes(r)
			sensorstore.NewHandlers(sensorStore).Routes(r)
			weatherstore.NewHandlers(weatherstore.New(cfg.Pool)).Routes(r)
			r.With(auth.Require(auth.ReadMap)).Method(http.MethodGet, "/vocabulary", vocabulary.Handler(zoneStore.Table()))
			ground.Routes(r)
		})
	})

	// The public page's data and the CAP feed: no login, from a snapshot.
	public.NewCache(cfg.Pool, warningStore, live, cfg.Logger).Routes(r)
	r.Method(http.MethodGet, "/*", staticFiles())
	s.Handler = r
	return s, nil
}

// MetricsHandler serves the Prometheus metrics with no credentials, for a
// listener of its own on an operator's network (sitrep serve --metrics-addr).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{Registry: s.Registry})
}

// metricsGuard lets a request to /metrics through with the metrics token,
// or when authenticate finds a caller allowed to read metrics: the numbers
// show who uses the system how much, which is not for anyone who asks.
func metricsGuard(token string, authenticate func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		asUser := authenticate(auth.Require(auth.ReadMetrics)(next))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if token != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+token)) == 1 {
				next.ServeHTTP(w, r)
				return
			}
			asUser.ServeHTTP(w, r)
		})
	}
}

// mayReadLayer applies a registry layer's read permission to the live
// stream, as its API routes do; other layers are the map wall's.
func mayReadLayer(r *http.Request, layer string) bool {
	if l, ok := layers.ByName(layer); ok {
		return auth.Check(r.Context(), l.CanRead()) == nil
	}
	return true
}

// OnShutdown registers fn to run when the server shuts down (for example, to
// close websockets with a going-away code; http.Server.Shutdown does not
// track hijacked connections).
func (s *Server) OnShutdown(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onShutdown = append(s.onShutdown, fn)
}

// Shutdown runs the registered shutdown hooks.
func (s *Server) Shutdown() {
	s.mu.Lock()
	hooks := s.onShutdown
	s.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// Close releases what New started and opened (not the pool): the reporting
// clock, which waits for a tick in progress so that the caller may close the
// pool next, the live stream's listener and the migrator.
func (s *Server) Close() error {
	s.stopClock()
	s.closeTeams()
	s.stopDeliveries()
	s.live.Close()
	return errors.Join(s.closeBasemap(), s.migrator.Close())
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database answers and has every migration
// this binary expects, so a load balancer sends no traffic to a server that
// would fail on the schema.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		why := db.Unavailable(err)
		if why == "" {
			why = "数据库未及时应答"
		}
		p := api.Unavailable("未就绪：" + why)
		p.RetryAfter = 5
		return p
	}
	current, target, err := s.migrator.Versions(ctx)
	if err != nil {
		return api.Unavailable("无法读取数据库结构版本")
	}
	if current != target {
		return api.Unavailable("数据库结构版本为 " + itoa(current) + "，本服务需要 " + itoa(target))
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"status": "ready", "schema_version": current})
}
