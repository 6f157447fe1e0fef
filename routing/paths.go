package routing

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// path is the search's answer from one vertex to another: cost is what
// the search minimised (seconds, with a danger zone's roads made dearer),
// secs the time it takes to drive.
type path struct {
	cost, secs, metres float64
	line               orb.LineString
}

// The searches fold each pair's path into its cost (the last row's
// aggregate), the time, the length and the line, each edge drawn the way
// it is driven. A pair with no path has no rows.
//
// reversedPathsSQL runs on the network turned round, from the few vertices
// a destination is reached from to the many vertices starts lead onto: one
// search per destination vertex rather than one per team, which is what a
// many-to-one question costs. Its path is read backwards (edges in
// descending order); a reversed edge left at its drawn target is driven
// along its drawing. forwardPathsSQL is the plain search, one to many.
const (
	reversedPathsSQL = `SELECT d.end_vid, d.start_vid, max(d.agg_cost), COALESCE(sum(e.length_m), 0),
		COALESCE(sum(CASE WHEN d.node = e.target THEN e.cost ELSE e.reverse_cost END), 0),
		ST_AsGeoJSON(ST_MakeLine(CASE WHEN d.node = e.target THEN e.geom ELSE ST_Reverse(e.geom) END ORDER BY d.path_seq DESC)
			FILTER (WHERE e.id IS NOT NULL), 7)
	FROM pgr_dijkstra($1, $2::bigint[], $3::bigint[], true) d
	LEFT JOIN routing_edges e ON e.id = d.edge
	GROUP BY d.start_vid, d.end_vid`
	forwardPathsSQL = `SELECT d.start_vid, d.end_vid, max(d.agg_cost), COALESCE(sum(e.length_m), 0),
		COALESCE(sum(CASE WHEN d.node = e.source THEN e.cost ELSE e.reverse_cost END), 0),
		ST_AsGeoJSON(ST_MakeLine(CASE WHEN d.node = e.source THEN e.geom ELSE ST_Reverse(e.geom) END ORDER BY d.path_seq)
			FILTER (WHERE e.id IS NOT NULL), 7)
	FROM pgr_dijkstra($1, $2::bigint[], $3::bigint[], true) d
	LEFT JOIN routing_edges e ON e.id = d.edge
	GROUP BY d.start_vid, d.end_vid`
)

// paths finds the fastest path from every start vertex to every end vertex
// (duplicates are pgRouting's to drop), on the network as setSearch left
// it, and keys the answers by (start, end). manyToOne searches from the
// ends on the reversed network; otherwise from the starts.
func paths(ctx context.Context, tx pgx.Tx, starts, ends []int64, manyToOne bool) (map[[2]int64]path, error) {
	found := map[[2]int64]path{}
	if len(starts) == 0 || len(ends) == 0 {
		return found, nil
	}
	var (
		rows pgx.Rows
		err  error
	)
	if manyToOne {
		rows, err = tx.Query(ctx, reversedPathsSQL, reversedEdgesSQL, ends, starts)
	} else {
		rows, err = tx.Query(ctx, forwardPathsSQL, forwardEdgesSQL, starts, ends)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key [2]int64
			p   path
			raw []byte
		)
		if err := rows.Scan(&key[0], &key[1], &p.cost, &p.metres, &p.secs, &raw); err != nil {
			return nil, err
		}
		if p.line, err = lineOf(raw); err != nil {
			return nil, err
		}
		found[key] = p
	}
	return found, rows.Err()
}
