package dispatch

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// fences decides enter and exit for the teams that moved, against every
// active zone, from their new last position and the stored state (after
// tile38's fence: the event is the change between the previous state and
// the new position). depth is the signed distance to the zone's boundary
// in metres on the ellipsoid, positive inside. A team enters when depth ≥
// H and leaves when depth ≤ −H; between, the state holds, so a fix
// wandering a few metres either side of the line changes nothing.
func (s *Store) fences(ctx context.Context, tx pgx.Tx, teams []int64) ([]Crossing, error) {
	if len(teams) == 0 {
		return nil, nil
	}
	h := s.HysteresisM
	rows, err := tx.Query(ctx, `WITH t AS (
			SELECT id, last_position AS p, observed_at FROM rescue_teams WHERE id = ANY($1) AND last_position IS NOT NULL)
		SELECT t.id, z.id, z.incident_id, COALESCE(st.inside, false),
			CASE WHEN ST_Intersects(z.geom, t.p) THEN ST_Distance(ST_Boundary(z.geom)::geography, t.p::geography)
			     ELSE -ST_Distance(z.geom::geography, t.p::geography) END AS depth,
			t.observed_at
		FROM t JOIN zones z ON z.active
		LEFT JOIN team_zone_state st ON st.team_id = t.id AND st.zone_id = z.id
		WHERE st.inside OR ST_DWithin(z.geom::geography, t.p::geography, $2)
		ORDER BY t.id, z.id`, teams, h)
	if err != nil {
		return nil, err
	}
	type row struct {
		c      Crossing
		inside bool
		at     time.Time
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.c.TeamID, &r.c.ZoneID, &r.c.IncidentID, &r.inside, &r.c.DepthM, &r.at); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Crossing
	for _, r := range all {
		switch {
		case !r.inside && r.c.DepthM >= h:
			r.c.Action = "enter"
		case r.inside && r.c.DepthM <= -h:
			r.c.Action = "exit"
		default:
			continue
		}
		r.c.DepthM = math.Round(r.c.DepthM*10) / 10
		if _, err := tx.Exec(ctx, `INSERT INTO team_zone_state (team_id, zone_id, inside, since) VALUES ($1, $2, $3, $4)
			ON CONFLICT (team_id, zone_id) DO UPDATE SET inside = EXCLUDED.inside, since = EXCLUDED.since`,
			r.c.TeamID, r.c.ZoneID, r.c.Action == "enter", r.at); err != nil {
			return nil, err
		}
		out = append(out, r.c)
	}
	return out, nil
}

// ZoneEnded is called when a zone is switched off, in the transaction that
// switches it: a team inside a zone that ends is no longer inside it, so if
// the zone comes back a team there enters it afresh. team_zone_state is
// written only here and by fences.
func ZoneEnded(ctx context.Context, tx pgx.Tx, zoneID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM team_zone_state WHERE zone_id = $1`, zoneID)
	return err
}
