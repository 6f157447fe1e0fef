package public

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/basemap"
	"sitrep/internal/warnings"
	"sitrep/realtime"
	"sitrep/routing"
)

// Live is what the cache needs from the live stream (*realtime.Hub).
type Live interface {
	OnEvents(func([]realtime.Event))
	Ready() bool
}

// topics are the live-stream topics whose commits change what the public
// sees (warnings, shelters, zones, the county boundary) or the road routes
// it is answered (zones again, road closures, the roads themselves).
var topics = map[string]bool{warnings.Topic: true, "shelters": true, "zones": true, "boundaries": true,
	roadClosuresTopic: true, basemap.Topic: true}

// roadClosuresTopic is the road closures layer's topic (migration 00061),
// whose closures no route drives through.
const roadClosuresTopic = "road_closures"

// Cache holds the public snapshot. A commit to one of its topics marks it
// stale; the next request after that rebuilds it once, whatever the number
// of requests waiting (they share the one rebuild), and serves the previous
// snapshot to nobody: a warning just issued is on the page at the next
// request. Now is the clock (tests replace it).
type Cache struct {
	pool   *pgxpool.Pool
	store  *warnings.Store
	live   Live
	logger *slog.Logger
	Now    func() time.Time

	cur atomic.Pointer[snapshot]
	// at is when cur was built (by Now).
	at    atomic.Int64
	stale atomic.Bool
	// built counts rebuilds (tests and metrics read it).
	built atomic.Int64
	mu    sync.Mutex // held by the one rebuild in progress

	router *routing.Router
	// slots bounds the road routes computed at once (MaxRouting); a
	// request waits up to routeWait for one.
	slots     chan struct{}
	routeWait time.Duration
	// routed counts the routes asked of the router.
	routed atomic.Int64
}

// NewCache returns a cache refreshed by live's events.
func NewCache(pool *pgxpool.Pool, store *warnings.Store, live Live, logger *slog.Logger) *Cache {
	c := &Cache{pool: pool, store: store, live: live, logger: logger, Now: time.Now,
		router: routing.NewRouter(pool), slots: make(chan struct{}, MaxRouting), routeWait: DefaultRouteWait}
	c.stale.Store(true)
	live.OnEvents(c.apply)
	return c
}

// apply marks the snapshot stale when a batch touches what it holds; it
// runs on the live stream's goroutine, so it only flips a flag.
func (c *Cache) apply(evs []realtime.Event) {
	for _, ev := range evs {
		if topics[ev.Topic] {
			c.stale.Store(true)
			return
		}
	}
}

// Rebuilds is how many times the snapshot was built.
func (c *Cache) Rebuilds() int64 { return c.built.Load() }

// MaxAge bounds a snapshot's age with no commit: a lifted warning's Cancel
// leaves the published set by the clock (warnings.LiftedKept), not by a
// commit.
const MaxAge = time.Minute

// fresh returns cur when nothing has made it stale.
func (c *Cache) fresh() *snapshot {
	s := c.cur.Load()
	if s == nil || c.stale.Load() || !c.live.Ready() || c.Now().Sub(time.Unix(0, c.at.Load())) > MaxAge {
		return nil
	}
	return s
}

// get returns a current snapshot, rebuilding it when stale. Until the live
// stream is listening a commit could go unreported, so each request then
// rebuilds (still one at a time).
func (c *Cache) get(ctx context.Context) (*snapshot, error) {
	if s := c.fresh(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Another request may have rebuilt it while this one waited.
	if s := c.fresh(); s != nil {
		return s, nil
	}
	// Cleared before reading, so a commit during the read marks it again.
	c.stale.Store(false)
	now := c.Now()
	s, err := build(ctx, c.pool, c.store, now)
	if err != nil {
		c.stale.Store(true)
		if old := c.cur.Load(); old != nil {
			// The database is away: what was published stays readable.
			c.logger.Warn("public snapshot rebuild failed; serving the previous one", "err", err)
			return old, nil
		}
		return nil, err
	}
	c.built.Add(1)
	c.at.Store(now.UnixNano())
	c.cur.Store(s)
	return s, nil
}
