package routing

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/internal/db"
)

// snapped is where a point meets the network: the nearest point of its
// nearest edge, frac of the way along the edge's drawing (0 at its source).
type snapped struct {
	edge, source, target       int64
	cost, reverseCost, lengthM float64
	frac, distM                float64
	// before runs along the edge from its source to the point, after from
	// the point to its target; each is closed when a road closure in force
	// or a closed zone meets it. The search closes the whole edge, but a
	// team standing on it can still drive away from the roadblock.
	before, after             orb.LineString
	beforeClosed, afterClosed bool
}

// atVertexM is how close to an edge's end a point is at that end: it may
// then leave or arrive there whatever the edge's one-way rule.
const atVertexM = 0.01

// leg is the part of the snapped point's edge between the point and one of
// the edge's ends: onto the network (line from the point to vertex) or off
// it (from vertex to the point).
type leg struct {
	vertex       int64
	secs, metres float64
	line         orb.LineString
}

// entries are the ways from the point onto the network: along the edge to
// its target, against it to its source, as its one-way rule allows.
func (s snapped) entries() []leg {
	var out []leg
	toTarget := (1 - s.frac) * s.lengthM
	if (s.cost >= 0 || toTarget < atVertexM) && !s.afterClosed {
		out = append(out, leg{s.target, part(1-s.frac, s.cost), toTarget, s.after})
	}
	toSource := s.frac * s.lengthM
	if (s.reverseCost >= 0 || toSource < atVertexM) && !s.beforeClosed {
		out = append(out, leg{s.source, part(s.frac, s.reverseCost), toSource, reversed(s.before)})
	}
	return out
}

// exits are the ways from the network to the point: from the edge's
// source along it, from its target against it.
func (s snapped) exits() []leg {
	var out []leg
	fromSource := s.frac * s.lengthM
	if (s.cost >= 0 || fromSource < atVertexM) && !s.beforeClosed {
		out = append(out, leg{s.source, part(s.frac, s.cost), fromSource, s.before})
	}
	fromTarget := (1 - s.frac) * s.lengthM
	if (s.reverseCost >= 0 || fromTarget < atVertexM) && !s.afterClosed {
		out = append(out, leg{s.target, part(1-s.frac, s.reverseCost), fromTarget, reversed(s.after)})
	}
	return out
}

// along is the way from s to end on the edge both are on, when its one-way
// rule allows it; the line is cut later (along).
func (s snapped) along(end snapped) (way, bool) {
	if s.edge != end.edge {
		return way{}, false
	}
	d := end.frac - s.frac
	// A closure between the two meets the part of the edge beyond each
	// toward the other (both parts closed need not mean it is between
	// them, but the way along is then not to be trusted).
	if (d >= 0 && s.afterClosed && end.beforeClosed) || (d < 0 && s.beforeClosed && end.afterClosed) {
		return way{}, false
	}
	switch {
	case d >= 0 && (s.cost >= 0 || d*s.lengthM < atVertexM):
		return way{secs: part(d, s.cost), metres: d * s.lengthM, direct: true}, true
	case d < 0 && (s.reverseCost >= 0 || -d*s.lengthM < atVertexM):
		return way{secs: part(-d, s.reverseCost), metres: -d * s.lengthM, direct: true}, true
	}
	return way{}, false
}

// part is the time of a fraction of an edge; nothing when the fraction is
// driven against a one-way rule at a vertex (no way at all).
func part(frac, cost float64) float64 {
	if cost < 0 {
		return 0
	}
	return frac * cost
}

func reversed(l orb.LineString) orb.LineString {
	out := make(orb.LineString, len(l))
	for i, p := range l {
		out[len(l)-1-i] = p
	}
	return out
}

// snapSQL finds each point's road: the index's 16 nearest edges in
// degrees, then the nearest of those on the ellipsoid (a degree of
// longitude is three quarters of one of latitude here, so the nearest in
// degrees need not be the nearest in metres) — of a major piece of the
// network when one is within MaxSnapM ($4), since a minor piece (a stub
// the extract cut off) leads nowhere. The fraction is planar along the
// edge, which over one edge's few hundred metres is the metres'.
const snapSQL = `SELECT e.id, e.source, e.target, e.cost, e.reverse_cost, e.length_m, e.f, e.dist,
		ST_AsGeoJSON(ST_LineSubstring(e.geom, 0, e.f), 7), ST_AsGeoJSON(ST_LineSubstring(e.geom, e.f, 1), 7),
		EXISTS (SELECT 1 FROM road_closures c WHERE c.status = 'closed' AND ST_Intersects(c.geom, ST_LineSubstring(e.geom, 0, e.f)))
			OR EXISTS (SELECT 1 FROM zones z WHERE z.id = ANY ($3::bigint[]) AND ST_Intersects(z.geom, ST_LineSubstring(e.geom, 0, e.f))),
		EXISTS (SELECT 1 FROM road_closures c WHERE c.status = 'closed' AND ST_Intersects(c.geom, ST_LineSubstring(e.geom, e.f, 1)))
			OR EXISTS (SELECT 1 FROM zones z WHERE z.id = ANY ($3::bigint[]) AND ST_Intersects(z.geom, ST_LineSubstring(e.geom, e.f, 1)))
	FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
	CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt) g
	CROSS JOIN LATERAL (
		SELECT d.* FROM (
			SELECT c.*, ST_LineLocatePoint(c.geom, g.pt) AS f, ST_Distance(c.geom::geography, g.pt::geography) AS dist
			FROM (SELECT id, source, target, cost, reverse_cost, length_m, minor_piece, geom
			      FROM routing_edges ORDER BY geom <-> g.pt LIMIT 16) c) d
		ORDER BY d.minor_piece AND bool_or(NOT d.minor_piece AND d.dist <= $4) OVER (), d.dist, d.id LIMIT 1) e
	ORDER BY p.i`

func snap(ctx context.Context, q db.Querier, pts []orb.Point, closedZones []int64) ([]snapped, error) {
	lons, lats := coords(pts)
	rows, err := q.Query(ctx, snapSQL, lons, lats, closedZones, float64(MaxSnapM))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]snapped, 0, len(pts))
	for rows.Next() {
		var (
			s             snapped
			before, after []byte
		)
		if err := rows.Scan(&s.edge, &s.source, &s.target, &s.cost, &s.reverseCost, &s.lengthM, &s.frac, &s.distM,
			&before, &after, &s.beforeClosed, &s.afterClosed); err != nil {
			return nil, err
		}
		if s.before, err = lineOf(before); err != nil {
			return nil, err
		}
		if s.after, err = lineOf(after); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) != len(pts) {
		// No edge at all: the lateral join found nothing for any point.
		return nil, ErrNoNetwork
	}
	return out, nil
}

// along cuts the line from s to end out of the edge both are on.
func along(ctx context.Context, q db.Querier, s, end snapped) (orb.LineString, error) {
	lo, hi := min(s.frac, end.frac), max(s.frac, end.frac)
	var raw []byte
	if err := q.QueryRow(ctx, `SELECT ST_AsGeoJSON(ST_LineSubstring(geom, $2, $3), 7) FROM routing_edges WHERE id = $1`,
		s.edge, lo, hi).Scan(&raw); err != nil {
		return nil, err
	}
	l, err := lineOf(raw)
	if err != nil || s.frac <= end.frac {
		return l, err
	}
	return reversed(l), nil
}

// lineOf reads PostGIS's GeoJSON of a line or of the point a line of no
// length is cut to.
func lineOf(raw []byte) (orb.LineString, error) {
	if raw == nil {
		return nil, nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, err
	}
	switch v := g.Geometry().(type) {
	case orb.LineString:
		return v, nil
	case orb.Point:
		return orb.LineString{v}, nil
	}
	return nil, nil
}
