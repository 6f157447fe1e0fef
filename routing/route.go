package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/internal/db"
)

// ErrNoNetwork is the answer when no roads are loaded: there is nothing to
// route on, which is not the same as a place no road reaches.
var ErrNoNetwork = errors.New("未加载道路网络：请先导入底图（sitrep basemap import）")

// MaxSnapM is how far from the nearest road a point may be and still be
// routed. Beyond it the network does not cover the place (a gap in the
// map, a team up a mountain), and a time that leaves out kilometres off
// the road would rank it ahead of teams that can really drive there.
const MaxSnapM = 1000

// MaxPoints bounds the many side of ToOne and FromOne: one search carries
// them all, and a dispatcher compares a handful of teams, not thousands.
const MaxPoints = 500

// DB is what a Router reads through: a pool, a connection or a
// transaction (a search runs in a transaction of its own, a savepoint in
// the caller's).
type DB interface {
	db.Querier
	Begin(ctx context.Context) (pgx.Tx, error)
}

// Router answers travel questions on the network Build made.
type Router struct {
	db DB
	// Now is the clock Loaded's memory runs on.
	Now func() time.Time

	mu          sync.Mutex
	loaded      bool
	loadedUntil time.Time
}

// NewRouter returns a Router reading through d (the pool).
func NewRouter(d DB) *Router { return &Router{db: d, Now: time.Now} }

// Route is the way by road from one point to another.
//
// Each point is snapped to the nearest point of the nearest edge (of a
// road a vehicle drives), and the route starts and ends there: the part of
// that edge driven counts in Seconds and DistanceM, one-way rules included.
// FromSnapM and ToSnapM are how far each point is from its road, as the
// crow flies, and are in neither.
//
// The route keeps off roads closed in force (road_closures) and out of
// active danger zones as their rules say (ZoneOnWay). A closure on the
// very road a point is snapped to blocks it on its side only: a team
// standing behind a roadblock can still drive away from it.
type Route struct {
	// Reachable is false when no road leads from one to the other
	// (another piece of the network, only against a one-way street, or
	// only through a closure or a closed zone); Seconds, DistanceM and
	// Geometry are then zero and null.
	Reachable bool `json:"reachable"`
	// Seconds is the time it takes to drive; the search, which makes a
	// danger zone's roads dearer, ranks by more than that.
	Seconds   float64 `json:"seconds"`
	DistanceM float64 `json:"distance_m"`
	// Geometry is the road taken, a GeoJSON LineString in lon/lat from the
	// start's snapped point to the end's; null when unreachable or when
	// both snap to the same place.
	Geometry  json.RawMessage `json:"geometry"`
	FromSnapM float64         `json:"from_snap_m"`
	ToSnapM   float64         `json:"to_snap_m"`
	// OffRoad says one of the points is farther than MaxSnapM from every
	// road: the network does not cover it, and the route is not searched.
	OffRoad bool `json:"off_road"`
	// Zones are the active danger zones near the route and what it made
	// of them: kept out of, made dearer, driven into.
	Zones []ZoneOnWay `json:"zones"`
	// cost is what the search minimised, for ranking.
	cost float64
}

// Route is the fastest way by road from from to to.
func (r *Router) Route(ctx context.Context, from, to orb.Point) (Route, error) {
	if err := checkPoint("from", from); err != nil {
		return Route{}, err
	}
	rs, err := r.ToOne(ctx, []orb.Point{from}, to)
	if err != nil {
		return Route{}, err
	}
	return rs[0], nil
}

// ToOne is the fastest way by road from each of from to to (the teams to
// an incident), in from's order, with one shortest-path search for all.
// Errors name the bad point as "from/i" or "to" (*geo.InputError).
func (r *Router) ToOne(ctx context.Context, from []orb.Point, to orb.Point) ([]Route, error) {
	if err := checkPoints("from", from); err != nil {
		return nil, err
	}
	if err := checkPoint("to", to); err != nil {
		return nil, err
	}
	return r.search(ctx, from, []orb.Point{to})
}

// FromOne is the fastest way by road from from to each of to (an incident
// to the shelters with room, the hospitals), in to's order, with one
// search for all. Errors name the bad point as "from" or "to/i".
func (r *Router) FromOne(ctx context.Context, from orb.Point, to []orb.Point) ([]Route, error) {
	if err := checkPoint("from", from); err != nil {
		return nil, err
	}
	if err := checkPoints("to", to); err != nil {
		return nil, err
	}
	return r.search(ctx, []orb.Point{from}, to)
}

// search answers from one side to the other, one of which is a single
// point; the answers are in the order of the many side.
//
// It reads only the network in searchArea of the points, which is what
// keeps a county's search to milliseconds; a pair not joined there is
// searched again on the whole network before it is called unreachable
// (the only way may be a long way round a ridge).
func (r *Router) search(ctx context.Context, from, to []orb.Point) ([]Route, error) {
	manyToOne := len(to) == 1
	n := max(len(from), len(to))
	pair := func(i int) (int, int) {
		if manyToOne {
			return i, 0
		}
		return 0, i
	}
	all := append(append([]orb.Point{}, from...), to...)

	tx, err := r.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing; a read-only transaction
	// The zones come first: a point's own road is closed where it runs
	// into a closed zone, as the search's roads are.
	first := searchArea(all)
	zones, err := zonesNear(ctx, tx, first, all)
	if err != nil {
		return nil, err
	}
	snaps, err := snap(ctx, tx, all, closedZones(zones))
	if err != nil {
		return nil, err
	}
	fromS, toS := snaps[:len(from)], snaps[len(from):]

	out := make([]Route, n)
	var pending []int
	for i := range out {
		a, b := pair(i)
		out[i] = Route{Geometry: json.RawMessage("null"), FromSnapM: fromS[a].distM, ToSnapM: toS[b].distM}
		if out[i].OffRoad = fromS[a].distM > MaxSnapM || toS[b].distM > MaxSnapM; !out[i].OffRoad {
			pending = append(pending, i)
		}
	}
	for _, area := range []orb.Bound{first, wholeWorld} {
		if len(pending) == 0 {
			break
		}
		if area != first {
			if zones, err = zonesNear(ctx, tx, area, all); err != nil {
				return nil, err
			}
		}
		if err := setSearch(ctx, tx, area, zones); err != nil {
			return nil, err
		}
		var starts, ends []int64
		for _, i := range pending {
			a, b := pair(i)
			for _, l := range fromS[a].entries() {
				starts = append(starts, l.vertex)
			}
			for _, l := range toS[b].exits() {
				ends = append(ends, l.vertex)
			}
		}
		found, err := paths(ctx, tx, starts, ends, manyToOne)
		if err != nil {
			return nil, err
		}
		var still []int
		for _, i := range pending {
			a, b := pair(i)
			rt := out[i]
			best, ok := bestWay(fromS[a], toS[b], found)
			if !ok {
				still = append(still, i)
				continue
			}
			if best.direct {
				if best.line, err = along(ctx, tx, fromS[a], toS[b]); err != nil {
					return nil, err
				}
			}
			rt.Reachable, rt.cost, rt.Seconds, rt.DistanceM = true, best.cost, best.secs, best.metres
			if rt.Geometry, err = lineJSON(best.line); err != nil {
				return nil, err
			}
			out[i] = rt
		}
		pending = still
	}
	if err := markEntered(ctx, tx, out, zones); err != nil {
		return nil, err
	}
	return out, tx.Commit(ctx)
}

// minMarginM is the least a search area reaches beyond its points: room
// for the road to leave the straight line between them.
const minMarginM = 5000

var wholeWorld = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// searchArea is the part of the network a search reads: the points'
// bounding box widened by half its diagonal, and at least minMarginM, on
// every side. A mountain road can wind further than that; search tries
// the whole network for what it does not join.
func searchArea(pts []orb.Point) orb.Bound {
	b := orb.MultiPoint(pts).Bound()
	m := max(minMarginM, geo.Distance(b.Min, b.Max)/2)
	sw := geo.ToLonLat(b.Min, geo.Offset{East: -m, North: -m})
	ne := geo.ToLonLat(b.Max, geo.Offset{East: m, North: m})
	return orb.Bound{
		Min: orb.Point{max(sw.Lon(), -180), max(sw.Lat(), -90)},
		Max: orb.Point{min(ne.Lon(), 180), min(ne.Lat(), 90)},
	}
}

// way is a candidate route for one start: what the search minimised, its
// time, length and line.
type way struct {
	cost, secs, metres float64
	line               orb.LineString
	// direct is a way along the one edge both points are on, whose line
	// is still to be cut from it.
	direct bool
}

// bestWay is the cheapest of: onto the network at each of the start edge's
// ends it may leave by, the search's path, off at each of the end edge's
// ends it may be reached from; and, when both points are on one edge,
// along it if its one-way rule allows.
func bestWay(s, end snapped, found map[[2]int64]path) (way, bool) {
	var best way
	ok := false
	consider := func(w way) {
		if !ok || w.cost < best.cost {
			best, ok = w, true
		}
	}
	for _, a := range s.entries() {
		for _, b := range end.exits() {
			p, has := found[[2]int64{a.vertex, b.vertex}]
			if a.vertex == b.vertex {
				p, has = path{}, true // pgRouting has no path from a vertex to itself
			}
			if !has {
				continue
			}
			consider(way{cost: a.secs + p.cost + b.secs, secs: a.secs + p.secs + b.secs,
				metres: a.metres + p.metres + b.metres, line: joinLines(a.line, p.line, b.line)})
		}
	}
	if d, has := s.along(end); has {
		d.cost = d.secs
		consider(d)
	}
	return best, ok
}

// joinLines puts lines end to end, dropping the point where each meets the
// next.
func joinLines(lines ...orb.LineString) orb.LineString {
	var out orb.LineString
	for _, l := range lines {
		for _, p := range l {
			if len(out) == 0 || out[len(out)-1] != p {
				out = append(out, p)
			}
		}
	}
	return out
}

// lineJSON is a line as a GeoJSON geometry, null when it has no length.
func lineJSON(l orb.LineString) (json.RawMessage, error) {
	if len(l) < 2 {
		return json.RawMessage("null"), nil
	}
	return geojson.NewGeometry(l).MarshalJSON()
}

func checkPoints(input string, pts []orb.Point) error {
	if len(pts) == 0 {
		return geo.BadInput(input, "至少需要一个点")
	}
	if len(pts) > MaxPoints {
		return geo.BadInput(input, "最多 %d 个点", MaxPoints)
	}
	for i, p := range pts {
		if err := checkPoint(fmt.Sprintf("%s/%d", input, i), p); err != nil {
			return err
		}
	}
	return nil
}

func checkPoint(input string, p orb.Point) error {
	lon, lat := p.Lon(), p.Lat()
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return geo.BadInput(input, "坐标无效：经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间")
	}
	return nil
}

func coords(pts []orb.Point) (lons, lats []float64) {
	lons, lats = make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lons[i], lats[i] = p.Lon(), p.Lat()
	}
	return lons, lats
}

// LoadedTTL is how long Loaded keeps its answer. The network changes only
// when a basemap import commits, perhaps from another process; until then
// every nearest-by-straight-line question would otherwise ask again.
const LoadedTTL = 10 * time.Second

// Loaded says whether there is a network to route on, as it was at most
// LoadedTTL ago.
func (r *Router) Loaded(ctx context.Context) (bool, error) {
	r.mu.Lock()
	if r.Now().Before(r.loadedUntil) {
		defer r.mu.Unlock()
		return r.loaded, nil
	}
	r.mu.Unlock()
	var ok bool
	if err := r.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM routing_edges)`).Scan(&ok); err != nil {
		return false, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loaded, r.loadedUntil = ok, r.Now().Add(LoadedTTL)
	return ok, nil
}
