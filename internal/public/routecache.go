package public

import (
	"context"
	"math"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/paulmach/orb"
)

// RouteCacheBytes bounds the answers one snapshot's route cache keeps.
const RouteCacheBytes = 32 << 20

// perDegree is the grid readers' positions are rounded to before a route
// is looked for: 0.001°, about 110 m north–south and 80 m east–west in the
// county. Everyone in one cell asking for one shelter shares one answer,
// which is what spares the database when a village reads the page at once.
const perDegree = 1000

// routeKey is a cell of the grid and a shelter.
type routeKey struct {
	lon, lat int32
	shelter  int64
}

// keyOf rounds p to the grid; p is a valid lon/lat, so it fits.
func keyOf(p orb.Point, shelter int64) routeKey {
	return routeKey{lon: int32(math.Round(p.Lon() * perDegree)), lat: int32(math.Round(p.Lat() * perDegree)), shelter: shelter}
}

// from is the cell's point, where every route of the cell starts.
func (k routeKey) from() orb.Point {
	return orb.Point{float64(k.lon) / perDegree, float64(k.lat) / perDegree}
}

// answer is a route answer's JSON; keep is false for an answer that only
// says the route could not be computed now (busy, the database away),
// which is neither cached nor kept by a browser.
type answer struct {
	body []byte
	keep bool
}

// flight is a route being computed; the requests for the same key wait
// for it instead of computing it again.
type flight struct {
	done chan struct{}
	ans  *answer // nil when the computing request ended first
}

// routeCache holds one snapshot's route answers, least recently used
// dropped first beyond maxBytes, and the computations in progress.
type routeCache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[routeKey, answer]
	bytes    int
	maxBytes int
	flights  map[routeKey]*flight
}

func newRouteCache(maxBytes int) *routeCache {
	c := &routeCache{maxBytes: maxBytes, flights: map[routeKey]*flight{}}
	// The count bound is only a backstop; bytes are what is limited.
	c.lru, _ = simplelru.NewLRU(1<<20, func(_ routeKey, a answer) { c.bytes -= len(a.body) })
	return c
}

// get returns the answer for k: cached, or computed once by compute
// however many ask at the same time. A request whose computation ended
// with its own context leaves the others to compute it again.
func (c *routeCache) get(ctx context.Context, k routeKey, compute func() (answer, error)) (answer, error) {
	for {
		c.mu.Lock()
		if a, ok := c.lru.Get(k); ok {
			c.mu.Unlock()
			return a, nil
		}
		if f := c.flights[k]; f != nil {
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return answer{}, ctx.Err()
			}
			if f.ans != nil {
				return *f.ans, nil
			}
			continue
		}
		f := &flight{done: make(chan struct{})}
		c.flights[k] = f
		c.mu.Unlock()

		a, err := compute()
		c.mu.Lock()
		delete(c.flights, k)
		if err == nil {
			f.ans = &a
			c.put(k, a)
		}
		c.mu.Unlock()
		close(f.done)
		return a, err
	}
}

// put keeps a (mu is held).
func (c *routeCache) put(k routeKey, a answer) {
	if !a.keep || len(a.body) > c.maxBytes/16 {
		return
	}
	c.lru.Add(k, a)
	c.bytes += len(a.body)
	for c.bytes > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
	}
}
