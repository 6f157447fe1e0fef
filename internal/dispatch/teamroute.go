package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"sitrep/internal/journal"
	"sitrep/routing"
)

// RoutesTopic is the live-stream topic of dispatched teams' routes: one
// Feature per assignment (its id) while the team is on its way
// (dispatched or en route), deleted when it arrives or stands down.
const RoutesTopic = "team_routes"

// travelling are the statuses in which a team's route is drawn.
var travelling = []string{"dispatched", "en_route"}

// routeFeatureSQL is an assignment's route as the map draws it (aliases a,
// t). The ETA is the route's time from the last position the team sent
// (what is left of the line, at the route's own pace); off_route_m says
// how far the team is from its line, when it has left it.
const routeFeatureSQL = `json_build_object('type', 'Feature', 'id', a.id,
		'geometry', ST_AsGeoJSON(a.route, 7)::json,
		'properties', json_build_object('team_id', a.team_id, 'team', t.name, 'incident_id', a.incident_id,
			'destination', a.destination_kind, 'seconds', a.route_seconds, 'distance_m', a.route_distance_m,
			'eta', a.eta, 'eta_from', a.eta_from, 'status', t.status, 'synthetic', t.synthetic,
			'off_route_m', round(ST_Distance(a.route::geography, COALESCE(t.last_position, t.geom)::geography)::numeric)))`

const fromRoutes = ` FROM team_assignments a JOIN rescue_teams t ON t.id = a.team_id
	WHERE a.ended_at IS NULL AND a.route IS NOT NULL AND t.status IN ('dispatched', 'en_route')`

// RoutesSnapshotSQL is the live stream's snapshot of the routes.
const RoutesSnapshotSQL = `SELECT ` + routeFeatureSQL + fromRoutes +
	` AND ($1::float8 IS NULL OR a.route && ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY a.id`

// routeFeatures reads the route Features of the given assignments.
func routeFeatures(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]json.RawMessage, error) {
	out := map[int64]json.RawMessage{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT a.id, `+routeFeatureSQL+fromRoutes+` AND a.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	var (
		id int64
		f  json.RawMessage
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &f}, func() error {
		out[id] = append(json.RawMessage(nil), f...)
		return nil
	})
	return out, err
}

// routeChange is the live event of a route: the Feature, or its removal
// when the team is no longer on its way. The decision (the dispatch, the
// status change) is what the audit trail records; the route's line and
// ETA are its consequence, streamed only.
func routeChange(assignment int64, f json.RawMessage) journal.Change {
	c := journal.Change{Entity: RoutesTopic, EntityID: strconv.FormatInt(assignment, 10), Topic: RoutesTopic, StreamOnly: true}
	if f == nil {
		c.Action, c.Event = "delete", map[string]any{"id": assignment}
	} else {
		c.Action, c.Event = "update", f
	}
	return c
}

// routeTeams stores the route of each team just dispatched to the
// incident: from its position to the incident's staging point, or to the
// incident itself, in one search. A route that cannot be had (no roads
// loaded, none reaching) leaves a note instead and never holds up the
// dispatch.
func (s *Store) routeTeams(ctx context.Context, tx pgx.Tx, incidentID int64, teamIDs []int64, now time.Time) ([]journal.Change, error) {
	dest, kind, ok, err := stagingFor(ctx, tx, incidentID)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT ST_X(COALESCE(last_position, geom)), ST_Y(COALESCE(last_position, geom))
		FROM rescue_teams t JOIN unnest($1::bigint[]) WITH ORDINALITY AS u(id, i) ON u.id = t.id ORDER BY u.i`, teamIDs)
	if err != nil {
		return nil, err
	}
	from, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orb.Point, error) {
		var p orb.Point
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, err
	}
	routes := make([]routing.Route, len(teamIDs))
	note := ""
	if s.Router == nil {
		note = "未配置道路路由"
	} else {
		// A search in the dispatch's transaction (a savepoint: a failed
		// search leaves the dispatch standing).
		got, err := routing.NewRouter(tx).ToOne(ctx, from, dest)
		switch {
		case errors.Is(err, routing.ErrNoNetwork):
			note = "未加载道路网络，未计算路线"
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			slog.Warn("dispatch: no route for the dispatched teams", "incident", incidentID, "err", err)
			note = "路线计算失败，未计算路线"
		default:
			routes = got
		}
	}
	var ids, none []int64
	for i, team := range teamIDs {
		rt, why := routes[i], note
		var line *string
		var secs, metres *float64
		switch {
		case rt.Reachable && string(rt.Geometry) != "null":
			l := string(rt.Geometry)
			line, secs, metres = &l, &rt.Seconds, &rt.DistanceM
		case why != "":
		case rt.OffRoad:
			why = "队伍或目的地距道路超过 1 千米，已加载的路网未覆盖"
		case !rt.Reachable:
			why = "道路无法到达（封闭道路、危险区域、单行道或道路不相连）"
		}
		var id int64
		if err := tx.QueryRow(ctx, `UPDATE team_assignments SET destination = ST_SetSRID(ST_MakePoint($2, $3), 4326),
				destination_kind = $4, route = ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326), route_seconds = $6,
				route_distance_m = $7, route_note = $8,
				eta = CASE WHEN $6::float8 IS NULL THEN NULL ELSE $9::timestamptz + make_interval(secs => $6::float8) END,
				eta_from = CASE WHEN $6::float8 IS NULL THEN NULL ELSE $9::timestamptz END
			WHERE team_id = $1 AND ended_at IS NULL RETURNING id`,
			team, dest.Lon(), dest.Lat(), kind, line, secs, metres, why, now).Scan(&id); err != nil {
			return nil, err
		}
		if line != nil {
			ids = append(ids, id)
		} else {
			none = append(none, id)
		}
	}
	features, err := routeFeatures(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var changes []journal.Change
	for _, id := range ids {
		changes = append(changes, routeChange(id, features[id]))
	}
	// A team routed again with no way there now: its old line goes.
	for _, id := range none {
		changes = append(changes, routeChange(id, nil))
	}
	return changes, nil
}

// rerouteTravelling routes again the incident's teams still on their way,
// from where they are now, when where they are going has moved (its
// staging point set or moved).
func (s *Store) rerouteTravelling(ctx context.Context, tx pgx.Tx, incidentID int64) ([]journal.Change, error) {
	rows, err := tx.Query(ctx, `SELECT a.team_id FROM team_assignments a JOIN rescue_teams t ON t.id = a.team_id
		WHERE a.incident_id = $1 AND a.ended_at IS NULL AND t.status = ANY($2) ORDER BY a.team_id`, incidentID, travelling)
	if err != nil {
		return nil, err
	}
	teams, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(teams) == 0 {
		return nil, err
	}
	return s.routeTeams(ctx, tx, incidentID, teams, s.Now().UTC())
}

// etaRead is what queueETAs's UPDATE says: the routes' events by team.
type etaRead struct{ byTeam map[int64]journal.Change }

// queueETAs reckons again the ETA of each moved team that is on its way
// along a stored route, from its newest position: the share of the line
// still ahead of it, at the route's pace. The UPDATE returns the routes'
// Features itself (its rows are the routes the map draws: open, routed,
// the team travelling).
func queueETAs(b *pgx.Batch, moved []int64) *etaRead {
	out := &etaRead{byTeam: map[int64]journal.Change{}}
	if len(moved) == 0 {
		return out
	}
	b.Queue(`UPDATE team_assignments a
		SET eta = t.observed_at + make_interval(secs => a.route_seconds * (1 - ST_LineLocatePoint(a.route, t.last_position))),
			eta_from = t.observed_at
		FROM rescue_teams t
		WHERE t.id = a.team_id AND a.team_id = ANY($1) AND a.ended_at IS NULL AND a.route IS NOT NULL
		  AND t.last_position IS NOT NULL AND t.status = ANY($2)
		RETURNING a.id, a.team_id, `+routeFeatureSQL, moved, travelling).Query(func(rows pgx.Rows) error {
		var (
			id, team int64
			f        json.RawMessage
		)
		_, err := pgx.ForEachRow(rows, []any{&id, &team, &f}, func() error {
			out.byTeam[team] = routeChange(id, append(json.RawMessage(nil), f...))
			return nil
		})
		return err
	})
	return out
}

// routeEnded is the removal of a team's route from the map when it is no
// longer on its way (on scene, returning, stood down).
func routeEnded(ctx context.Context, tx pgx.Tx, teamID int64) ([]journal.Change, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM team_assignments WHERE team_id = $1 AND route IS NOT NULL
		ORDER BY id DESC LIMIT 1`, teamID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []journal.Change{routeChange(id, nil)}, nil
}
