package dispatch

import (
	"context"

	"github.com/paulmach/orb"
)

// NearestSQLForTest exposes the rescue-teams query to the EXPLAIN test.
func NearestSQLForTest(conds []string) string { return nearestSQL(layerSpecs["rescue_teams"], conds) }

// RankByRoadForTest is the by-road ranking /nearest does, for benchmarks.
func (s *Store) RankByRoadForTest(ctx context.Context, q NearestQuery, cands []Result) ([]Result, error) {
	return s.rankByRoad(ctx, q.Layer, orb.Point{q.Lon, q.Lat}, cands, q.K)
}

// RoadCandidates is how many straight-line candidates a by-road answer of k re-ranks.
func RoadCandidates(k int) int { return roadCandidates(k) }
