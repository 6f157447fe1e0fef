package routing

import (
	"context"
	"fmt"

	"sitrep/internal/db"
)

// Stats is what a build made of the roads, and how connected it is.
type Stats struct {
	Vertices int64 `json:"vertices"`
	Edges    int64 `json:"edges"`
	// Components are the disconnected pieces (one-way streets taken both
	// ways): 1 for a network where every road reaches every other.
	Components int64 `json:"components"`
	// LargestShare is the share of the network's road length (0..1) in its
	// largest piece; the rest can only be reached from inside its own piece.
	LargestShare float64 `json:"largest_share"`
}

// Build replaces the network with one made from basemap_roads. It runs in
// the caller's transaction (the basemap import's, after the roads are
// loaded), so the roads and their network change together.
//
// OSM ways are kept whole by the import and meet at shared nodes, which
// are shared vertices of their lines. A way is cut at each vertex another
// way (or the way itself, a second time) passes through, and at its ends.
// Lines that merely cross are not joined: a bridge over a road shares no
// node with it, and joining geometric crossings (pgr_nodeNetwork) would let
// a route turn off a viaduct onto the road below.
func Build(ctx context.Context, q db.Querier) (Stats, error) {
	classes, kmh := classSpeeds()
	for _, s := range []struct {
		what, sql string
		args      []any
	}{
		{"clear", `DELETE FROM routing_edges`, nil},
		{"clear", `DELETE FROM routing_vertices`, nil},
		{"points", `DROP TABLE IF EXISTS pg_temp.routing_points, pg_temp.routing_nodes, pg_temp.routing_pieces`, nil},
		{"points", buildPoints, []any{classes}},
		// Statistics before each join, so a county's million points are
		// hash-joined, not looped over.
		{"points", `ANALYZE routing_points`, nil},
		{"vertices", buildNodes, nil},
		{"vertices", `ANALYZE routing_nodes`, nil},
		{"vertices", `INSERT INTO routing_vertices (id, geom) SELECT id, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM routing_nodes`, nil},
		{"edges", buildEdges, []any{classes, kmh}},
		{"pieces", buildPieces, []any{edgesSQL}},
		{"pieces", markMinorPieces, []any{MinorPieceShare}},
		{"edges", `ANALYZE routing_edges`, nil},
	} {
		if _, err := q.Exec(ctx, s.sql, s.args...); err != nil {
			return Stats{}, fmt.Errorf("routing %s: %w", s.what, err)
		}
	}
	var st Stats
	err := q.QueryRow(ctx, statsSQL(`SELECT component, node FROM routing_pieces`)).
		Scan(&st.Vertices, &st.Edges, &st.Components, &st.LargestShare)
	return st, err
}

// MinorPieceShare is the share of the largest piece's road length under
// which a piece of the network is minor (routing_edges.minor_piece).
const MinorPieceShare = 0.05

// buildPieces finds the network's disconnected pieces once, for marking
// the minor ones and for the build's figures.
const buildPieces = `CREATE TEMP TABLE routing_pieces ON COMMIT DROP AS SELECT component, node FROM pgr_connectedComponents($1)`

// markMinorPieces flags the edges of pieces holding less than $1 of the
// largest piece's road length.
const markMinorPieces = `WITH per AS (
		SELECT p.component, sum(e.length_m) AS len FROM routing_edges e JOIN routing_pieces p ON p.node = e.source GROUP BY p.component)
	UPDATE routing_edges e SET minor_piece = per.len < $1 * (SELECT max(len) FROM per)
	FROM routing_pieces p JOIN per ON per.component = p.component
	WHERE p.node = e.source`

// buildPoints lists every vertex of every drivable road in order, with the
// road's point count, in a temporary table for the two statements after.
const buildPoints = `CREATE TEMP TABLE routing_points ON COMMIT DROP AS
	SELECT r.id AS road_id, d.path[1] AS i, ST_NPoints(r.geom) AS n, ST_X(d.geom) AS x, ST_Y(d.geom) AS y, d.geom
	FROM basemap_roads r CROSS JOIN LATERAL ST_DumpPoints(r.geom) d
	WHERE r.class = ANY($1::text[])`

// buildNodes makes a vertex of each position that ends a road or that
// more than one road point shares, numbered west to east for a stable
// order; by its coordinates, which the points are joined on.
const buildNodes = `CREATE TEMP TABLE routing_nodes ON COMMIT DROP AS
	SELECT row_number() OVER (ORDER BY x, y) AS id, x, y
	FROM routing_points GROUP BY x, y
	HAVING count(*) > 1 OR bool_or(i = 1 OR i = n)`

// buildEdges cuts each road at its vertices: a point belongs to the piece
// numbered by how many vertices come before it on the road, and a vertex
// inside the road also starts the next piece. Each piece's cost is its
// length at the road's maxspeed, else its class's speed; one-way roads get
// -1 against their direction. Pieces of no length (a node repeated) go.
const buildEdges = `WITH p AS (
		SELECT p.road_id, p.i, p.n, p.geom, v.id AS vid,
			count(v.id) OVER (PARTITION BY p.road_id ORDER BY p.i ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS k
		FROM routing_points p LEFT JOIN routing_nodes v ON v.x = p.x AND v.y = p.y
	), m AS (
		SELECT road_id, k AS piece, i, geom, vid FROM p WHERE k >= 1
		UNION ALL
		SELECT road_id, k + 1, i, geom, vid FROM p WHERE vid IS NOT NULL AND i < n
	), pieces AS (
		SELECT road_id, piece, ST_MakeLine(geom ORDER BY i) AS geom,
			(array_agg(vid ORDER BY i))[1] AS source, (array_agg(vid ORDER BY i DESC))[1] AS target
		FROM m GROUP BY road_id, piece
	), speeds AS (
		SELECT * FROM unnest($1::text[], $2::float8[]) AS s(class, kmh)
	)
	INSERT INTO routing_edges (id, road_id, source, target, length_m, cost, reverse_cost, geom)
	SELECT row_number() OVER (ORDER BY e.road_id, e.piece), e.road_id, e.source, e.target, x.len,
		CASE WHEN r.oneway = -1 THEN -1 ELSE x.len / x.mps END,
		CASE WHEN r.oneway = 1 THEN -1 ELSE x.len / x.mps END,
		e.geom
	FROM pieces e
	JOIN basemap_roads r ON r.id = e.road_id
	JOIN speeds s ON s.class = r.class
	CROSS JOIN LATERAL (SELECT ST_Length(e.geom::geography) AS len, COALESCE(r.maxspeed, s.kmh) / 3.6 AS mps) x
	WHERE x.len > 0`

// edgesSQL is the network as pgRouting reads it. A constant: nothing from a
// request is ever part of it.
const edgesSQL = `SELECT id, source, target, cost, reverse_cost FROM routing_edges`

// Check counts the network and its disconnected pieces
// (pgr_connectedComponents, which takes every edge both ways).
func Check(ctx context.Context, q db.Querier) (Stats, error) {
	var s Stats
	err := q.QueryRow(ctx, statsSQL(`SELECT component, node FROM pgr_connectedComponents($1)`), edgesSQL).
		Scan(&s.Vertices, &s.Edges, &s.Components, &s.LargestShare)
	return s, err
}

// statsSQL counts the network from its pieces (pieces: a query of
// component, node; one of the two constants above).
func statsSQL(pieces string) string {
	return `WITH c AS (` + pieces + `),
			per AS (SELECT c.component, sum(e.length_m) AS len FROM routing_edges e JOIN c ON c.node = e.source GROUP BY c.component)
		SELECT (SELECT count(*) FROM routing_vertices), (SELECT count(*) FROM routing_edges),
			(SELECT count(*) FROM per), COALESCE((SELECT max(len) / NULLIF(sum(len), 0) FROM per), 0)`
}
