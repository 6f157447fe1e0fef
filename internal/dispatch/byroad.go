package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"sitrep/internal/layers"
	"sitrep/routing"
)

// Ranking is how /nearest ordered its answer: by=road or by=straight_line.
const (
	ByRoad         = "road"
	ByStraightLine = "straight_line"
)

// Road is how a /nearest result is reached by road: from the feature to
// the point for what comes to an incident (teams, depots' goods, experts),
// from the point to the feature for where people are taken (shelters,
// hospitals).
type Road struct {
	// Reachable is false when no road joins them (another piece of the
	// network, one-way streets, a closure or a closed danger zone in the
	// way); the rest is then zero and null. Such a result is listed, not
	// dropped: the nearest team as the crow flies may be the one a ridge
	// cuts off, and the dispatcher should see that.
	Reachable bool    `json:"reachable"`
	ETAMin    float64 `json:"eta_min"`
	Seconds   float64 `json:"seconds"`
	DistanceM float64 `json:"distance_m"`
	// Geometry is the route, a GeoJSON LineString in lon/lat.
	Geometry json.RawMessage `json:"geometry"`
	// FeatureSnapM and PointSnapM are how far the feature and the point
	// are from the roads they join, as the crow flies (not in the time).
	FeatureSnapM float64 `json:"feature_snap_m"`
	PointSnapM   float64 `json:"point_snap_m"`
	// OffRoad says the feature is farther than routing.MaxSnapM from
	// every road: the network does not cover where it is.
	OffRoad bool `json:"off_road"`
	// Zones are the active danger zones near the route: kept out of,
	// made dearer, or driven into.
	Zones []routing.ZoneOnWay `json:"zones"`
}

// comesToPoint lists the layers whose features travel to the point asked
// about; the others are travelled to from it.
var comesToPoint = map[string]bool{
	layers.RescueTeams.Name:  true,
	layers.SupplyDepots.Name: true,
	layers.Experts.Name:      true,
}

// roadCandidates is how many straight-line nearest a by-road answer of k
// re-ranks: the team 8 km away across a ridge must not crowd out the one
// 15 km down the valley, and a search for thirty costs little more than
// for ten (one search carries them all).
func roadCandidates(k int) int { return min(max(3*k, k+10), 3*MaxK) }

// roadsLoaded says whether answers can be ranked by road. A failure to
// tell is logged and answered straight-line: the list must not fail for
// want of the better ranking.
func (s *Store) roadsLoaded(ctx context.Context) bool {
	if s.Router == nil {
		return false
	}
	ok, err := s.Router.Loaded(ctx)
	if err != nil && ctx.Err() == nil {
		slog.Warn("nearest: cannot tell whether roads are loaded; answering straight-line", "err", err)
	}
	return ok
}

// rankByRoad orders cands (straight-line nearest first, as Nearest gives
// them) by the time to drive between each and origin: the k fastest that
// a road reaches, then those of the k nearest as the crow flies that no
// road reaches, said so. routing.ErrNoNetwork when no roads are loaded.
func (s *Store) rankByRoad(ctx context.Context, layer string, origin orb.Point, cands []Result, k int) ([]Result, error) {
	if s.Router == nil {
		return nil, routing.ErrNoNetwork
	}
	if len(cands) == 0 {
		loaded, err := s.Router.Loaded(ctx)
		if err == nil && !loaded {
			err = routing.ErrNoNetwork
		}
		return cands, err
	}
	pts := make([]orb.Point, len(cands))
	for i, c := range cands {
		g, err := geojson.UnmarshalGeometry(c.Geometry)
		if err != nil {
			return nil, err
		}
		p, ok := g.Geometry().(orb.Point)
		if !ok {
			return nil, errors.New("dispatch: a nearest result's geometry is not a point")
		}
		pts[i] = p
	}
	var (
		routes []routing.Route
		err    error
	)
	if comesToPoint[layer] {
		routes, err = s.Router.ToOne(ctx, pts, origin)
	} else {
		routes, err = s.Router.FromOne(ctx, origin, pts)
	}
	if err != nil {
		return nil, err
	}
	if p := pointSnapM(layer, routes[0]); p > routing.MaxSnapM {
		return nil, offRoadError{p}
	}
	reachable, cutOff := []Result{}, []Result{}
	for i, rt := range routes {
		c := cands[i]
		c.Road = &Road{Reachable: rt.Reachable, ETAMin: math.Round(rt.Seconds/6) / 10, Seconds: rt.Seconds,
			DistanceM: rt.DistanceM, Geometry: rt.Geometry, Zones: rt.Zones}
		c.Road.FeatureSnapM, c.Road.PointSnapM = rt.FromSnapM, rt.ToSnapM
		if !comesToPoint[layer] {
			c.Road.FeatureSnapM, c.Road.PointSnapM = rt.ToSnapM, rt.FromSnapM
		}
		c.Road.OffRoad = rt.OffRoad
		switch {
		case rt.Reachable:
			reachable = append(reachable, c)
		case i < k:
			cutOff = append(cutOff, c)
		}
	}
	// Stable: equal times keep the straight-line order.
	slices.SortStableFunc(reachable, func(a, b Result) int {
		switch {
		case a.Road.Seconds < b.Road.Seconds:
			return -1
		case a.Road.Seconds > b.Road.Seconds:
			return 1
		}
		return 0
	})
	return append(reachable[:min(k, len(reachable))], cutOff...), nil
}

// pointSnapM is how far the point asked about is from its road.
func pointSnapM(layer string, rt routing.Route) float64 {
	if comesToPoint[layer] {
		return rt.ToSnapM
	}
	return rt.FromSnapM
}

// offRoadError is the point asked about lying beyond the network: no
// candidate has a road time, and the answer is straight-line, saying why.
type offRoadError struct{ snapM float64 }

func (e offRoadError) Error() string {
	return fmt.Sprintf("该位置距最近道路约 %.1f 千米，超出已加载路网：按直线距离排序，未计行车时间", e.snapM/1000)
}
