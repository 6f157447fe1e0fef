package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/geo"
	"sitrep/internal/db"
)

// ErrNoNetwork is the answer when no roads are loaded: there is nothing to
// route on, which is not the same as a place no road reaches.
var ErrNoNetwork = errors.New("未加载道路网络：请先导入底图（sitrep basemap import）")

// MaxSources bounds ToOne's sources: one search carries them all, and a
// dispatcher compares a handful of teams, not thousands.
const MaxSources = 500

// Router answers travel questions on the network Build made.
type Router struct {
	q db.Querier
}

// NewRouter returns a Router reading through q (the pool).
func NewRouter(q db.Querier) *Router { return &Router{q: q} }

// Route is the way by road from one point to another.
//
// Each point is snapped to the nearest point of the nearest edge (of a
// road a vehicle drives), and the route starts and ends there: the part of
// that edge driven counts in Seconds and DistanceM, one-way rules included.
// FromSnapM and ToSnapM are how far each point is from its road, as the
// crow flies, and are in neither.
type Route struct {
	// Reachable is false when no road leads from one to the other
	// (another piece of the network, or only against a one-way street);
	// Seconds, DistanceM and Geometry are then zero and null.
	Reachable bool    `json:"reachable"`
	Seconds   float64 `json:"seconds"`
	DistanceM float64 `json:"distance_m"`
	// Geometry is the road taken, a GeoJSON LineString in lon/lat from the
	// start's snapped point to the end's; null when unreachable or when
	// both snap to the same place.
	Geometry  json.RawMessage `json:"geometry"`
	FromSnapM float64         `json:"from_snap_m"`
	ToSnapM   float64         `json:"to_snap_m"`
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
	if len(from) == 0 {
		return nil, geo.BadInput("from", "至少需要一个起点")
	}
	if len(from) > MaxSources {
		return nil, geo.BadInput("from", "起点最多 %d 个", MaxSources)
	}
	for i, p := range from {
		if err := checkPoint(fmt.Sprintf("from/%d", i), p); err != nil {
			return nil, err
		}
	}
	if err := checkPoint("to", to); err != nil {
		return nil, err
	}
	snaps, err := r.snap(ctx, append(append([]orb.Point{}, from...), to))
	if err != nil {
		return nil, err
	}
	end := snaps[len(from)]
	exits := end.exits()
	var starts, ends []int64
	for _, s := range snaps[:len(from)] {
		for _, l := range s.entries() {
			starts = append(starts, l.vertex)
		}
	}
	for _, l := range exits {
		ends = append(ends, l.vertex)
	}
	found, err := r.paths(ctx, starts, ends)
	if err != nil {
		return nil, err
	}
	out := make([]Route, len(from))
	for i, s := range snaps[:len(from)] {
		rt := Route{Geometry: json.RawMessage("null"), FromSnapM: s.distM, ToSnapM: end.distM}
		if best, ok := bestWay(s, end, exits, found); ok {
			if best.direct {
				if best.line, err = r.along(ctx, s, end); err != nil {
					return nil, err
				}
			}
			rt.Reachable, rt.Seconds, rt.DistanceM = true, best.secs, best.metres
			if rt.Geometry, err = lineJSON(best.line); err != nil {
				return nil, err
			}
		}
		out[i] = rt
	}
	return out, nil
}

// way is a candidate route for one start: its time, length and line.
type way struct {
	secs, metres float64
	line         orb.LineString
	// direct is a way along the one edge both points are on, whose line
	// is still to be cut from it.
	direct bool
}

// bestWay is the fastest of: onto the network at each of the start edge's
// ends it may leave by, the search's path, off at each of the end edge's
// ends it may be reached from; and, when both points are on one edge,
// along it if its one-way rule allows.
func bestWay(s, end snapped, exits []leg, found map[[2]int64]path) (way, bool) {
	var best way
	ok := false
	consider := func(w way) {
		if !ok || w.secs < best.secs {
			best, ok = w, true
		}
	}
	for _, a := range s.entries() {
		for _, b := range exits {
			p, has := found[[2]int64{a.vertex, b.vertex}]
			if a.vertex == b.vertex {
				p, has = path{}, true // pgRouting has no path from a vertex to itself
			}
			if !has {
				continue
			}
			consider(way{secs: a.secs + p.secs + b.secs, metres: a.metres + p.metres + b.metres,
				line: joinLines(a.line, p.line, b.line)})
		}
	}
	if d, has := s.along(end); has {
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

func checkPoint(input string, p orb.Point) error {
	lon, lat := p.Lon(), p.Lat()
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return geo.BadInput(input, "坐标无效：经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间")
	}
	return nil
}
