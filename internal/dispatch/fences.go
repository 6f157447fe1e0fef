package dispatch

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// fenceRow is a moved team near or inside an active zone, with the state
// stored before the move.
type fenceRow struct {
	c      Crossing
	inside bool
	at     time.Time
}

// fenceRead is what queueFences's query says.
type fenceRead struct{ rows []fenceRow }

// queueFences reads, for the teams' moves, every active zone each team is
// now near or was inside, against the stored state (after tile38's fence:
// the event is the change between the previous state and the new
// position). depth is the signed distance to the zone's boundary in metres
// on the ellipsoid, positive inside. The moves' positions are the
// statement's own parameters, so it needs no read of the teams' rows.
func (s *Store) queueFences(b *pgx.Batch, m moves) *fenceRead {
	out := &fenceRead{}
	if len(m.ids) == 0 {
		return out
	}
	b.Queue(`WITH t AS (
			SELECT u.id, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS p, u.observed_at
			FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::timestamptz[]) AS u(id, lon, lat, observed_at))
		SELECT t.id, z.id, z.incident_id, COALESCE(st.inside, false),
			CASE WHEN ST_Intersects(z.geom, t.p) THEN ST_Distance(ST_Boundary(z.geom)::geography, t.p::geography)
			     ELSE -ST_Distance(z.geom::geography, t.p::geography) END AS depth,
			t.observed_at
		FROM t JOIN zones z ON z.active
		LEFT JOIN team_zone_state st ON st.team_id = t.id AND st.zone_id = z.id
		WHERE st.inside OR ST_DWithin(z.geom::geography, t.p::geography, $5)
		ORDER BY t.id, z.id`, m.ids, m.lons, m.lats, m.times, s.HysteresisM).Query(func(rows pgx.Rows) error {
		var r fenceRow
		_, err := pgx.ForEachRow(rows, []any{&r.c.TeamID, &r.c.ZoneID, &r.c.IncidentID, &r.inside, &r.c.DepthM, &r.at}, func() error {
			out.rows = append(out.rows, r)
			return nil
		})
		return err
	})
	return out
}

// crossings decides enter and exit for the teams that moved from what
// queueFences read, and queues the new states on b, one statement. A team
// enters when depth ≥ H and leaves when depth ≤ −H; between, the state
// holds, so a fix wandering a few metres either side of the line changes
// nothing.
func (s *Store) crossings(b *pgx.Batch, read *fenceRead, moved map[int64]bool) []Crossing {
	h := s.HysteresisM
	var (
		out          []Crossing
		teams, zones []int64
		insides      []bool
		sinces       []time.Time
	)
	for _, r := range read.rows {
		if !moved[r.c.TeamID] {
			continue
		}
		switch {
		case !r.inside && r.c.DepthM >= h:
			r.c.Action = "enter"
		case r.inside && r.c.DepthM <= -h:
			r.c.Action = "exit"
		default:
			continue
		}
		r.c.DepthM = math.Round(r.c.DepthM*10) / 10
		teams, zones = append(teams, r.c.TeamID), append(zones, r.c.ZoneID)
		insides, sinces = append(insides, r.c.Action == "enter"), append(sinces, r.at)
		out = append(out, r.c)
	}
	if len(out) == 0 {
		return nil
	}
	// Each (team, zone) once: a team has one move per group.
	b.Queue(`INSERT INTO team_zone_state (team_id, zone_id, inside, since)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::timestamptz[])
		ON CONFLICT (team_id, zone_id) DO UPDATE SET inside = EXCLUDED.inside, since = EXCLUDED.since`,
		teams, zones, insides, sinces)
	return out
}

// ZoneEnded is called when a zone is switched off, in the transaction that
// switches it: a team inside a zone that ends is no longer inside it, so if
// the zone comes back a team there enters it afresh. team_zone_state is
// written only here and by fences.
func ZoneEnded(ctx context.Context, tx pgx.Tx, zoneID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM team_zone_state WHERE zone_id = $1`, zoneID)
	return err
}
