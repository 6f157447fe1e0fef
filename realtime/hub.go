package realtime

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"sitrep/internal/api"
)

// Config is what a Hub needs. Zero values take the defaults below.
type Config struct {
	Pool     *pgxpool.Pool
	Logger   *slog.Logger
	Registry prometheus.Registerer
	// AllowedOrigins lists browser origins ("https://wall.example.org") that
	// may open the stream besides the server's own host.
	AllowedOrigins []string

	// MaxQueueBytes bounds what may wait to be written to one client; a client
	// whose queue would grow past it is closed with CloseTooSlow.
	MaxQueueBytes int
	// WriteWait bounds one write to a client socket.
	WriteWait time.Duration
	// PingPeriod is how often the server pings; a client that sends nothing
	// (not even a pong) for PongWait is dropped.
	PingPeriod, PongWait time.Duration
	// SafetyRead is how often the listener reads new events even without a
	// notification: a fallback, not the way events normally arrive.
	SafetyRead time.Duration
	// Retention is how long events are kept for resuming clients; at least
	// MinKeepEvents of the newest are kept whatever their age. Pruning runs
	// every PruneEvery in its own goroutine, from New to Close. Retention < 0
	// disables it.
	Retention     time.Duration
	MinKeepEvents int64
	PruneEvery    time.Duration
	// ReadBatchBytes bounds the event data one read of the events table
	// (the listener's, or a connection's resume) holds, besides BatchSize.
	ReadBatchBytes int

	// Recheck, when set, is asked every RecheckEvery whether the credential
	// a connection was opened with (the upgrade request's Authorization and
	// Cookie headers) is still good: an API token not revoked, a session not
	// ended or expired, a user not disabled and still allowed to read the
	// map. false closes the connection with CloseRevoked; an error means it
	// could not tell (the database): the connection stays and is asked
	// again next time. Without Recheck, credentials are checked at the
	// upgrade only.
	Recheck func(ctx context.Context, h http.Header) (bool, error)
	// MayRead, when set, says whether the caller of the upgrade request may
	// read a layer (people's contacts are not for every role); asked once
	// per layer when the connection opens. A layer it refuses cannot be
	// subscribed to. Nil lets every caller read every layer.
	MayRead      func(r *http.Request, layer string) bool
	RecheckEvery time.Duration
}

// Defaults.
const (
	DefaultMaxQueueBytes = 8 << 20
	DefaultWriteWait     = 10 * time.Second
	DefaultPingPeriod    = 25 * time.Second
	DefaultPongWait      = 60 * time.Second
	DefaultSafetyRead    = 5 * time.Second
	DefaultRetention     = 7 * 24 * time.Hour
	DefaultMinKeepEvents = 100_000
	DefaultPruneEvery    = 10 * time.Minute
	DefaultReadBytes     = 1 << 20
	DefaultRecheckEvery  = 30 * time.Second
	// MaxMessageBytes is the read limit: a subscribe is a few hundred bytes.
	MaxMessageBytes = 64 << 10
	// BatchSize is how many events one read of the events table returns.
	BatchSize = 500
)

// Hub is the live stream of one server process: the listener that reads
// committed events, the connected clients, and the layer snapshotters.
type Hub struct {
	cfg      Config
	log      *slog.Logger
	m        *metrics
	upgrader websocket.Upgrader

	layersMu sync.RWMutex
	layers   map[string]Snapshotter

	mu      sync.Mutex
	clients map[*client]struct{}
	closed  bool
	conns   sync.WaitGroup
	pubMu   sync.Mutex // orders publishes

	// The listener and the pruner run from New until Close (or Shutdown).
	stopL     context.CancelFunc
	listenWG  sync.WaitGroup
	closeOnce sync.Once
	ready     atomic.Bool // the listener knows its start; every later commit reaches the subscribers
	// started is closed when ready turns true; startSeq is then the last
	// seq committed before the listener's start: the listener delivers
	// every later one, none before.
	started  chan struct{}
	startSeq int64

	subsMu sync.RWMutex
	subs   []func([]Event)
}

// New returns a hub and starts its listener, which runs until Close or
// Shutdown. It registers its metrics on cfg.Registry.
func New(cfg Config) *Hub {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.MaxQueueBytes <= 0 {
		cfg.MaxQueueBytes = DefaultMaxQueueBytes
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = DefaultWriteWait
	}
	if cfg.PingPeriod <= 0 {
		cfg.PingPeriod = DefaultPingPeriod
	}
	if cfg.PongWait <= 0 {
		cfg.PongWait = DefaultPongWait
	}
	if cfg.SafetyRead <= 0 {
		cfg.SafetyRead = DefaultSafetyRead
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.MinKeepEvents <= 0 {
		cfg.MinKeepEvents = DefaultMinKeepEvents
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = DefaultPruneEvery
	}
	if cfg.ReadBatchBytes <= 0 {
		cfg.ReadBatchBytes = DefaultReadBytes
	}
	if cfg.RecheckEvery <= 0 {
		cfg.RecheckEvery = DefaultRecheckEvery
	}
	h := &Hub{cfg: cfg, log: cfg.Logger, m: newMetrics(cfg.Registry),
		layers: map[string]Snapshotter{}, clients: map[*client]struct{}{}, started: make(chan struct{})}
	h.upgrader = websocket.Upgrader{
		// Clients send a few small subscribes; the write buffer (used for
		// snapshots and small messages, not for prepared events) is taken
		// from a pool only while writing, so an idle connection holds none.
		ReadBufferSize:  1 << 10,
		WriteBufferSize: 16 << 10,
		WriteBufferPool: &sync.Pool{},
		// ServeHTTP checks the origin itself, to answer with a problem.
		CheckOrigin: func(*http.Request) bool { return true },
		// Events are encoded once and shared; per-connection compression
		// would undo that.
		EnableCompression: false,
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.stopL = cancel
	h.listenWG.Add(1)
	go func() {
		defer h.listenWG.Done()
		h.listen(ctx)
	}()
	if cfg.Retention > 0 {
		h.listenWG.Add(1)
		go func() {
			defer h.listenWG.Done()
			h.pruneLoop(ctx)
		}()
	}
	return h
}

// Close stops the listener (and the pruner) and waits for them; it does not touch connected
// clients (Shutdown does both). Safe to call more than once.
func (h *Hub) Close() {
	h.closeOnce.Do(h.stopL)
	h.listenWG.Wait()
}

// Register adds layer sources for snapshots. A layer can be subscribed to
// only once its Snapshotter is registered. Registering a layer twice panics:
// it is a wiring mistake.
func (h *Hub) Register(ss ...Snapshotter) {
	h.layersMu.Lock()
	defer h.layersMu.Unlock()
	for _, s := range ss {
		if _, dup := h.layers[s.Layer()]; dup {
			panic(fmt.Sprintf("realtime: layer %q registered twice", s.Layer()))
		}
		h.layers[s.Layer()] = s
	}
}

// Layers lists the registered layers, sorted.
func (h *Hub) Layers() []string {
	h.layersMu.RLock()
	defer h.layersMu.RUnlock()
	out := make([]string, 0, len(h.layers))
	for l := range h.layers {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

func (h *Hub) snapshotter(layer string) (Snapshotter, bool) {
	h.layersMu.RLock()
	defer h.layersMu.RUnlock()
	s, ok := h.layers[layer]
	return s, ok
}

// readableBy lists the layers the caller of r may read.
func (h *Hub) readableBy(r *http.Request) map[string]bool {
	out := map[string]bool{}
	for _, l := range h.Layers() {
		out[l] = h.cfg.MayRead == nil || h.cfg.MayRead(r, l)
	}
	return out
}

// placeProperty is the layer's Placer property, or "".
func (h *Hub) placeProperty(layer string) string {
	if p, ok := h.snapshotter(layer); ok {
		if p, ok := p.(Placer); ok {
			return p.PlaceProperty()
		}
	}
	return ""
}

// ServeHTTP upgrades GET /ws. Mount it behind authentication and the
// map-read permission.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	api.HandlerFunc(h.serve).ServeHTTP(w, r)
}

func (h *Hub) serve(w http.ResponseWriter, r *http.Request) error {
	if !websocket.IsWebSocketUpgrade(r) {
		return api.NewProblem(http.StatusUpgradeRequired, "upgrade-required", "需要 WebSocket",
			"/ws 只支持 WebSocket 协议，请用 WebSocket 客户端连接")
	}
	if !h.originAllowed(r) {
		return api.Forbidden("Origin", "此来源（Origin）不能连接实时数据流")
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return api.Unavailable("服务器正在关闭")
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader has answered
	}
	// The listener runs for the hub's whole life; a client whose snapshot
	// is older than the listener's start (the server just started) reads
	// on from the table up to that start before it joins the live stream
	// (sync.go).
	c := newClient(h, ws, credentials(r.Header))
	c.readable = h.readableBy(r)
	if !h.add(c) {
		c.closeWith(websocket.CloseGoingAway, "服务器正在关闭", "shutdown")
	}
	c.run()
	return nil
}

// originAllowed accepts non-browser clients (no Origin), the server's own
// origin (scheme and host), and the configured allowlist (where a proxy in
// front serves Sitrep under another scheme or name). Browsers always send
// Origin, and a foreign page must not ride on the user's session cookie.
func (h *Hub) originAllowed(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	origin := u.Scheme + "://" + u.Host
	own := "http://" + r.Host
	if r.TLS != nil {
		own = "https://" + r.Host
	}
	if strings.EqualFold(origin, own) {
		return true
	}
	for _, a := range h.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), origin) {
			return true
		}
	}
	return false
}

func (h *Hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.clients[c] = struct{}{}
	h.conns.Add(1)
	h.m.clients.Inc()
	return true
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; !ok {
		return
	}
	delete(h.clients, c)
	h.conns.Done()
	h.m.clients.Dec()
}

// publish hands a batch read by the listener to every client. It never
// blocks on a client: offer only appends to a bounded queue.
func (h *Hub) publish(b *batch) {
	h.pubMu.Lock()
	defer h.pubMu.Unlock()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	cs := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		cs = append(cs, c)
	}
	h.mu.Unlock()
	for _, c := range cs {
		c.offer(b)
	}
}

// Shutdown closes every connection with 1001 going-away, stops the listener
// and waits (briefly) for the connections to end. Register it with
// server.Server.OnShutdown.
func (h *Hub) Shutdown() {
	h.mu.Lock()
	h.closed = true
	cs := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		cs = append(cs, c)
	}
	h.mu.Unlock()
	h.closeOnce.Do(h.stopL)
	for _, c := range cs {
		c.closeWith(websocket.CloseGoingAway, "服务器正在关闭", "shutdown")
	}
	done := make(chan struct{})
	go func() { h.conns.Wait(); h.listenWG.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(h.cfg.WriteWait + time.Second):
		h.log.Warn("live stream: connections still closing after shutdown wait")
	}
}
