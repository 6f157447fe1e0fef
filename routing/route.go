package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

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
// Each point is snapped to the nearest vertex of the network (a junction or
// a road's end), not to the nearest point of a road: FromSnapM and ToSnapM
// say how far that was, as the crow flies, and are not in Seconds or
// DistanceM.
type Route struct {
	// Reachable is false when no road leads from one vertex to the other
	// (another piece of the network, or only against a one-way street);
	// the other fields but the snaps are then zero.
	Reachable bool    `json:"reachable"`
	Seconds   float64 `json:"seconds"`
	DistanceM float64 `json:"distance_m"`
	// Geometry is the road taken, a GeoJSON LineString in lon/lat from the
	// start's vertex to the end's; null when unreachable or when both
	// points snapped to the same vertex.
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
// an incident), in from's order, in one shortest-path search. Errors name
// the bad point as "from/i" or "to" (*geo.InputError).
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
	target := snaps[len(from)]
	var starts []int64
	seen := map[int64]bool{}
	for _, s := range snaps[:len(from)] {
		if !seen[s.vertex] && s.vertex != target.vertex {
			seen[s.vertex] = true
			starts = append(starts, s.vertex)
		}
	}
	found, err := r.paths(ctx, starts, target.vertex)
	if err != nil {
		return nil, err
	}
	out := make([]Route, len(from))
	for i, s := range snaps[:len(from)] {
		rt := found[s.vertex]
		if s.vertex == target.vertex {
			// pgRouting has no path from a vertex to itself; it is there.
			rt = Route{Reachable: true, Geometry: json.RawMessage("null")}
		}
		rt.FromSnapM, rt.ToSnapM = s.distM, target.distM
		if rt.Geometry == nil {
			rt.Geometry = json.RawMessage("null")
		}
		out[i] = rt
	}
	return out, nil
}

// snapped is a point's nearest vertex and how far it is, in metres.
type snapped struct {
	vertex int64
	distM  float64
}

// snapSQL finds each point's nearest vertex: the index's 16 nearest in
// degrees, then the nearest of those on the ellipsoid (a degree of
// longitude is three quarters of one of latitude here, so the nearest in
// degrees need not be the nearest in metres).
const snapSQL = `SELECT p.i, v.id, v.dist
	FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
	CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt) g
	CROSS JOIN LATERAL (
		SELECT c.id, ST_Distance(c.geom::geography, g.pt::geography) AS dist
		FROM (SELECT id, geom FROM routing_vertices ORDER BY geom <-> g.pt LIMIT 16) c
		ORDER BY dist, c.id LIMIT 1) v
	ORDER BY p.i`

func (r *Router) snap(ctx context.Context, pts []orb.Point) ([]snapped, error) {
	lons, lats := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lons[i], lats[i] = p.Lon(), p.Lat()
	}
	rows, err := r.q.Query(ctx, snapSQL, lons, lats)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]snapped, 0, len(pts))
	for rows.Next() {
		var (
			i int64
			s snapped
		)
		if err := rows.Scan(&i, &s.vertex, &s.distM); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) != len(pts) {
		// No vertex at all: the lateral join found nothing for any point.
		return nil, ErrNoNetwork
	}
	return out, nil
}

// pathsSQL is pgr_dijkstra from many starts to one end on the directed
// network, folded per start: the time (the last row's aggregate cost), the
// length and the line of the edges in order, each turned to run the way
// it was driven. A start with no path has no rows.
const pathsSQL = `SELECT d.start_vid, max(d.agg_cost), COALESCE(sum(e.length_m), 0),
		ST_AsGeoJSON(ST_MakeLine(CASE WHEN d.node = e.source THEN e.geom ELSE ST_Reverse(e.geom) END ORDER BY d.path_seq)
			FILTER (WHERE e.id IS NOT NULL), 7)
	FROM pgr_dijkstra($1, $2::bigint[], ARRAY[$3::bigint], true) d
	LEFT JOIN routing_edges e ON e.id = d.edge
	GROUP BY d.start_vid`

func (r *Router) paths(ctx context.Context, starts []int64, end int64) (map[int64]Route, error) {
	found := map[int64]Route{}
	if len(starts) == 0 {
		return found, nil
	}
	rows, err := r.q.Query(ctx, pathsSQL, edgesSQL, starts, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			start int64
			rt    Route
			line  *string
		)
		if err := rows.Scan(&start, &rt.Seconds, &rt.DistanceM, &line); err != nil {
			return nil, err
		}
		rt.Reachable = true
		if line != nil {
			rt.Geometry = json.RawMessage(*line)
		}
		found[start] = rt
	}
	return found, rows.Err()
}

func checkPoint(input string, p orb.Point) error {
	lon, lat := p.Lon(), p.Lat()
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return geo.BadInput(input, "坐标无效：经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间")
	}
	return nil
}
