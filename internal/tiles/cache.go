package tiles

import (
	"strconv"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/paulmach/orb"

	"sitrep/realtime"
)

// DefaultCacheBytes bounds the tile cache.
const DefaultCacheBytes = 256 << 20

type key struct {
	layer   string
	z, x, y int
}

type entry struct {
	data  []byte
	etag  string
	ids   []int64 // nil: too many to index (a coarse tile)
	bound orb.Bound
}

// Cache holds rendered tiles, invalidated by live-stream events. All its
// state is guarded by mu; the LRU's eviction callback runs under it.
type Cache struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[key, *entry]
	bytes    int
	maxBytes int

	byLayer map[string]map[key]struct{}
	byID    map[string]map[int64]map[key]struct{}
	coarse  map[string]map[key]struct{}
	// epoch counts the events applied per layer: a render that saw the
	// epoch change while it ran is not cached.
	epoch map[string]uint64

	topics map[string][]*Layer
}

// NewCache returns a cache of at most maxBytes of tiles for layers.
func NewCache(maxBytes int, layers []*Layer) *Cache {
	c := &Cache{maxBytes: maxBytes, byLayer: map[string]map[key]struct{}{},
		byID: map[string]map[int64]map[key]struct{}{}, coarse: map[string]map[key]struct{}{},
		epoch: map[string]uint64{}, topics: map[string][]*Layer{}}
	for _, l := range layers {
		c.topics[l.Topic] = append(c.topics[l.Topic], l)
	}
	// The count bound is only a backstop; bytes are what is limited.
	c.lru, _ = simplelru.NewLRU[key, *entry](1<<20, c.evicted)
	return c
}

// evicted unindexes an entry leaving the LRU (mu is held).
func (c *Cache) evicted(k key, e *entry) {
	c.bytes -= len(e.data)
	delete(c.byLayer[k.layer], k)
	delete(c.coarse[k.layer], k)
	for _, id := range e.ids {
		if m := c.byID[k.layer][id]; m != nil {
			delete(m, k)
			if len(m) == 0 {
				delete(c.byID[k.layer], id)
			}
		}
	}
}

func (c *Cache) get(k key) (*entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(k)
}

// Epoch is the layer's event count, read before rendering.
func (c *Cache) Epoch(layer string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch[layer]
}

// put caches e unless an event of the layer arrived since epoch.
func (c *Cache) put(k key, e *entry, epoch uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch[k.layer] != epoch || len(e.data) > c.maxBytes/16 {
		return false
	}
	c.lru.Remove(k)
	c.lru.Add(k, e)
	c.bytes += len(e.data)
	add := func(m map[string]map[key]struct{}) {
		if m[k.layer] == nil {
			m[k.layer] = map[key]struct{}{}
		}
		m[k.layer][k] = struct{}{}
	}
	add(c.byLayer)
	if e.ids == nil {
		add(c.coarse)
	}
	for _, id := range e.ids {
		if c.byID[k.layer] == nil {
			c.byID[k.layer] = map[int64]map[key]struct{}{}
		}
		if c.byID[k.layer][id] == nil {
			c.byID[k.layer][id] = map[key]struct{}{}
		}
		c.byID[k.layer][id][k] = struct{}{}
	}
	for c.bytes > c.maxBytes && c.lru.Len() > 0 {
		c.lru.RemoveOldest()
	}
	return true
}

// Len is the number of cached tiles.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Apply drops the tiles that the events change: for each event of a tiled
// layer, every cached tile that held the feature (its old place) and every
// one its new place meets (Event.Place: a team's last position). It is the
// realtime.Hub.OnEvents callback.
func (c *Cache) Apply(evs []realtime.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ev := range evs {
		ls := c.topics[ev.Topic]
		if len(ls) == 0 {
			continue
		}
		// Where the event puts the feature, as the layers draw it (a team
		// at its last position, else at its base); decoded once per event
		// for every subscriber. The old place is dropped through the ids.
		place, placed := ev.Place()
		for _, l := range ls {
			c.epoch[l.Name]++
			var drop []key
			if ev.Action == actionReload {
				// A large import changed the layer without an event per
				// feature: nothing cached for it can be trusted.
				for k := range c.byLayer[l.Name] {
					drop = append(drop, k)
				}
			}
			if id, err := strconv.ParseInt(ev.EntityID, 10, 64); err == nil {
				for k := range c.byID[l.Name][id] {
					drop = append(drop, k)
				}
			}
			if ev.Action != "create" {
				// The old place is unknown for tiles that do not list
				// their ids.
				for k := range c.coarse[l.Name] {
					drop = append(drop, k)
				}
			}
			if placed {
				for k := range c.byLayer[l.Name] {
					if e, ok := c.lru.Peek(k); ok && e.bound.Intersects(place) {
						drop = append(drop, k)
					}
				}
			}
			for _, k := range drop {
				c.lru.Remove(k)
			}
		}
	}
}

// actionReload is the event a large import sends for its layer instead of
// one event per feature (registry.ActionReload).
const actionReload = "reload"

// Live is what the cache needs from the live stream (*realtime.Hub).
type Live interface {
	OnEvents(func([]realtime.Event))
	Ready() bool
}
