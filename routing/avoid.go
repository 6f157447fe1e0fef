package routing

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// How a route treats an active danger zone (zones.active) it might cross.
// A zone whose people must leave (zones.evacuate: the plan's isolation
// zone, a model's most severe levels) is closed to routing; the outer
// levels, where people shelter in place or keep out, cost more to drive.
// A closed zone that one of the route's own points lies in cannot be
// closed (nothing would reach an incident at its heart, or get out of it):
// its roads cost far more instead, so the route spends as little time in
// it as the roads allow — an evacuation leaves it the short way.
const (
	ZoneClosed    = "closed"
	ZonePenalised = "penalised"
	ZoneEndpoint  = "endpoint"

	// penalisedFactor multiplies the time of a road in an outer level:
	// a detour up to three times longer is taken to stay out.
	penalisedFactor = 3.0
	// endpointFactor multiplies the time of a road inside a closed zone a
	// route starts or ends in.
	endpointFactor = 10.0
)

// ZoneOnWay is an active zone near a route (in its search area) and what
// routing made of it.
type ZoneOnWay struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Level      int    `json:"level"`
	IncidentID *int64 `json:"incident_id"`
	// Rule is ZoneClosed, ZonePenalised or ZoneEndpoint.
	Rule string `json:"rule"`
	// Entered says the route drives into the zone: never for a closed
	// one; for the others when no way round was fast enough.
	Entered bool `json:"entered"`
}

// zonesNearSQL lists the active zones in the search area and whether any of
// the route's own points lies in each. A drill's zones are not among them:
// routes are for real vehicles, and an exercise's danger is not on the
// real roads.
const zonesNearSQL = `SELECT z.id, z.name, z.level, z.incident_id, z.evacuate,
		EXISTS (SELECT 1 FROM unnest($5::float8[], $6::float8[]) p(lon, lat)
			WHERE ST_Intersects(z.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
	FROM zones z
	WHERE z.active AND z.geom && ST_MakeEnvelope($1, $2, $3, $4, 4326)
	  AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = z.incident_id AND i.drill)
	ORDER BY z.id`

// zonesNear reads the zones a search over area must avoid, each with its rule.
func zonesNear(ctx context.Context, tx pgx.Tx, area orb.Bound, pts []orb.Point) ([]ZoneOnWay, error) {
	lons, lats := coords(pts)
	rows, err := tx.Query(ctx, zonesNearSQL, area.Min.Lon(), area.Min.Lat(), area.Max.Lon(), area.Max.Lat(), lons, lats)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ZoneOnWay, error) {
		var (
			z                  ZoneOnWay
			evacuate, endpoint bool
		)
		err := r.Scan(&z.ID, &z.Name, &z.Level, &z.IncidentID, &evacuate, &endpoint)
		switch {
		case !evacuate:
			z.Rule = ZonePenalised
		case endpoint:
			z.Rule = ZoneEndpoint
		default:
			z.Rule = ZoneClosed
		}
		return z, err
	})
}

// closedZones are the ids of the zones closed to routing.
func closedZones(zones []ZoneOnWay) []int64 {
	ids := []int64{}
	for _, z := range zones {
		if z.Rule == ZoneClosed {
			ids = append(ids, z.ID)
		}
	}
	return ids
}

// setSearch hands the search area and the zones' rules to edgesSQL, which
// pgRouting runs as a query text of its own and so cannot take bound
// parameters: they travel as settings local to the transaction, bound in
// set_config's own arguments, never formatted into any SQL.
func setSearch(ctx context.Context, tx pgx.Tx, area orb.Bound, zones []ZoneOnWay) error {
	closed, slow := closedZones(zones), map[string]float64{}
	for _, z := range zones {
		switch z.Rule {
		case ZonePenalised:
			slow[strconv.FormatInt(z.ID, 10)] = penalisedFactor
		case ZoneEndpoint:
			slow[strconv.FormatInt(z.ID, 10)] = endpointFactor
		}
	}
	slowJSON, err := json.Marshal(slow)
	if err != nil {
		return err
	}
	ids := make([]string, len(closed))
	for i, id := range closed {
		ids[i] = strconv.FormatInt(id, 10)
	}
	box := "BOX(" + num(area.Min.Lon()) + " " + num(area.Min.Lat()) + "," + num(area.Max.Lon()) + " " + num(area.Max.Lat()) + ")"
	_, err = tx.Exec(ctx, `SELECT set_config('sitrep.route_area', $1, true),
		set_config('sitrep.route_closed_zones', $2, true), set_config('sitrep.route_slow_zones', $3, true)`,
		box, "{"+strings.Join(ids, ",")+"}", string(slowJSON))
	return err
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// edgesCTE is the network as one search sees it: the edges in the search
// area; closed (cost -1, pgRouting's "no way") where a road closure in
// force meets them or they touch a closed zone; slower in a penalised
// zone, for the share of their length inside it (an edge is a whole road
// between junctions, kilometres in the mountains, of which the zone may
// hold a few hundred metres), by the largest of the zones' factors.
const edgesCTE = `WITH area AS (SELECT ST_SetSRID(current_setting('sitrep.route_area')::box2d::geometry, 4326) AS g),
	shut AS (
		SELECT e.id FROM area, road_closures c JOIN routing_edges e ON ST_Intersects(e.geom, c.geom)
		WHERE c.status = 'closed' AND c.geom && area.g
		UNION
		SELECT e.id FROM area, zones z JOIN routing_edges e ON ST_Intersects(e.geom, z.geom)
		WHERE z.id = ANY (current_setting('sitrep.route_closed_zones')::bigint[]) AND e.geom && area.g),
	slow AS (
		SELECT e.id, max(1 + (f.factor::float8 - 1) * ST_Length(ST_Intersection(e.geom, z.geom)) / NULLIF(ST_Length(e.geom), 0)) AS factor
		FROM area, jsonb_each_text(current_setting('sitrep.route_slow_zones')::jsonb) f(zone, factor)
		JOIN zones z ON z.id = f.zone::bigint
		JOIN routing_edges e ON ST_Intersects(e.geom, z.geom)
		WHERE e.geom && area.g
		GROUP BY e.id)
	SELECT e.id, `

// edgesCosts closes and slows the edges edgesCTE found.
const edgesCosts = `,
		CASE WHEN shut.id IS NOT NULL OR e.cost < 0 THEN -1 ELSE e.cost * COALESCE(slow.factor, 1) END AS cost,
		CASE WHEN shut.id IS NOT NULL OR e.reverse_cost < 0 THEN -1 ELSE e.reverse_cost * COALESCE(slow.factor, 1) END AS reverse_cost
	FROM area, routing_edges e
	LEFT JOIN shut ON shut.id = e.id
	LEFT JOIN slow ON slow.id = e.id
	WHERE e.geom && area.g`

// forwardEdgesSQL is the network as driven; reversedEdgesSQL has every
// edge turned round (cost is now from its target to its source), for the
// search from a destination back to many starts.
const (
	forwardEdgesSQL  = edgesCTE + `e.source, e.target` + edgesCosts
	reversedEdgesSQL = edgesCTE + `e.target AS source, e.source AS target` + edgesCosts
)

// enteredSQL says which of the zones each route's line enters.
const enteredSQL = `SELECT l.i, z.id
	FROM unnest($1::text[]) WITH ORDINALITY AS l(line, i)
	JOIN zones z ON z.id = ANY ($2::bigint[]) AND ST_Intersects(z.geom, ST_SetSRID(ST_GeomFromGeoJSON(l.line), 4326))
	WHERE l.line IS NOT NULL`

// markEntered gives each route the zones near it, marking those its line
// drives into.
func markEntered(ctx context.Context, tx pgx.Tx, routes []Route, zones []ZoneOnWay) error {
	for i := range routes {
		routes[i].Zones = []ZoneOnWay{}
	}
	if len(zones) == 0 {
		return nil
	}
	lines := make([]*string, len(routes))
	for i, rt := range routes {
		if rt.Reachable && string(rt.Geometry) != "null" {
			s := string(rt.Geometry)
			lines[i] = &s
		}
	}
	ids := make([]int64, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	rows, err := tx.Query(ctx, enteredSQL, lines, ids)
	if err != nil {
		return err
	}
	entered := map[[2]int64]bool{}
	var key [2]int64
	if _, err := pgx.ForEachRow(rows, []any{&key[0], &key[1]}, func() error {
		entered[key] = true
		return nil
	}); err != nil {
		return err
	}
	for i := range routes {
		if !routes[i].Reachable {
			continue
		}
		for _, z := range zones {
			z.Entered = entered[[2]int64{int64(i + 1), z.ID}]
			routes[i].Zones = append(routes[i].Zones, z)
		}
	}
	return nil
}
