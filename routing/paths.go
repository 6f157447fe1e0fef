package routing

import (
	"context"

	"github.com/paulmach/orb"
)

// path is the search's answer from one vertex to another.
type path struct {
	secs, metres float64
	line         orb.LineString
}

// pathsSQL is pgr_dijkstra on the network with every edge turned round,
// from the few vertices the destination is reached from to the many the
// starts lead onto: one search per destination vertex rather than one per
// team, which is what a many-to-one question costs. Each pair is folded
// into the time (the last row's aggregate cost), the length and the line,
// which is the reversed search's path read backwards: its edges in
// descending order, each drawn the way it is driven (a reversed edge left
// at its drawn target is driven along its drawing). A pair with no path
// has no rows.
const pathsSQL = `SELECT d.end_vid, d.start_vid, max(d.agg_cost), COALESCE(sum(e.length_m), 0),
		ST_AsGeoJSON(ST_MakeLine(CASE WHEN d.node = e.target THEN e.geom ELSE ST_Reverse(e.geom) END ORDER BY d.path_seq DESC)
			FILTER (WHERE e.id IS NOT NULL), 7)
	FROM pgr_dijkstra($1, $2::bigint[], $3::bigint[], true) d
	LEFT JOIN routing_edges e ON e.id = d.edge
	GROUP BY d.start_vid, d.end_vid`

// reversedEdgesSQL is the network with every edge turned round: an edge's
// cost is now from its target to its source, and its reverse cost back.
const reversedEdgesSQL = `SELECT id, target AS source, source AS target, cost, reverse_cost FROM routing_edges`

// paths finds the fastest path from every start to every end (duplicates
// are pgRouting's to drop) and keys the answers by (start, end).
func (r *Router) paths(ctx context.Context, starts, ends []int64) (map[[2]int64]path, error) {
	found := map[[2]int64]path{}
	if len(starts) == 0 || len(ends) == 0 {
		return found, nil
	}
	rows, err := r.q.Query(ctx, pathsSQL, reversedEdgesSQL, ends, starts)
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
		if err := rows.Scan(&key[0], &key[1], &p.secs, &p.metres, &raw); err != nil {
			return nil, err
		}
		if p.line, err = lineOf(raw); err != nil {
			return nil, err
		}
		found[key] = p
	}
	return found, rows.Err()
}
