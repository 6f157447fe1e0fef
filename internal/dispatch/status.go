package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/incidents"
	"sitrep/incidents/incidentstore"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/layers"
	"sitrep/internal/registry"
	"sitrep/internal/validation"
	"sitrep/routing"
)

// next lists the statuses a team may move to from each status. "dispatched"
// is reached only by Dispatch (it needs an incident). off_duty is the
// registry's sixth status: a team stands down or comes back only from or to
// available.
var next = map[string][]string{
	"available":  {"dispatched", "off_duty"},
	"dispatched": {"en_route"},
	"en_route":   {"on_scene"},
	"on_scene":   {"returning"},
	"returning":  {"available"},
	"off_duty":   {"available"},
}

// Allowed reports whether a team may go from one status to another.
func Allowed(from, to string) bool { return slices.Contains(next[from], to) }

// Store dispatches teams and ingests their positions.
type Store struct {
	pool *pgxpool.Pool
	// HysteresisM is how far inside (outside) a zone a team must be for an
	// enter (exit) event.
	HysteresisM float64
	Now         func() time.Time
	// Teams, when set, answers nearest rescue teams from memory.
	Teams *TeamIndex
	// Router, when set, ranks nearest by road where roads are loaded.
	Router *routing.Router
	// positions groups concurrent position batches into one transaction.
	positions groupCommit
}

// DefaultHysteresisM is wider than consumer GPS error (a few metres to
// ~15 m in towns), so jitter at the boundary does not flap.
const DefaultHysteresisM = 30.0

// NewStore returns a store.
func NewStore(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, HysteresisM: DefaultHysteresisM, Now: time.Now}
}

type team struct {
	id      int64
	name    string
	status  string
	version int
}

// lockTeams locks the teams in id order (concurrent writers never deadlock)
// and returns them by id; missing ids are absent.
func lockTeams(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]team, error) {
	rows, err := tx.Query(ctx, `SELECT id, name, status, version FROM rescue_teams WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]team{}
	for rows.Next() {
		var t team
		if err := rows.Scan(&t.id, &t.name, &t.status, &t.version); err != nil {
			rows.Close()
			return nil, err
		}
		out[t.id] = t
	}
	rows.Close()
	return out, rows.Err()
}

// setStatus writes a team's new status through the registry's write path
// (validation, version, history, the rescue_teams event with the Feature).
func setStatus(ctx context.Context, tx pgx.Tx, actor journal.Actor, t team, to string) (*registry.Written, error) {
	return layers.RescueTeams.SetProperties(ctx, tx, actor, t.id, t.version, map[string]any{"status": to})
}

// Dispatch sends teams to an incident in one action: every team must be
// available, or nothing changes (409 naming the first that is not).
func (s *Store) Dispatch(ctx context.Context, actor journal.Actor, incidentID int64, teamIDs []int64) ([]json.RawMessage, error) {
	if len(teamIDs) == 0 {
		return nil, api.Invalid(api.FieldError{Field: "/team_ids", Code: "required", Detail: "必填：至少一个队伍编号"})
	}
	if len(teamIDs) > 100 {
		return nil, api.InvalidField("/team_ids", "一次最多派遣 100 支队伍")
	}
	for i, id := range teamIDs {
		if id < 1 {
			return nil, api.InvalidField("/team_ids/"+strconv.Itoa(i), "须为正整数编号")
		}
		if slices.Index(teamIDs, id) != i {
			return nil, api.InvalidField("/team_ids/"+strconv.Itoa(i), validation.ListedTwice)
		}
	}
	var out []json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		out = nil
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM incidents WHERE id = $1 FOR SHARE`, incidentID).Scan(&state)
		if db.IsNotFound(err) {
			return nil, api.NotFound("事件 " + strconv.FormatInt(incidentID, 10))
		}
		if err != nil {
			return nil, err
		}
		if state == "terminated" || state == "closed" {
			return nil, api.Conflict("", "事件已"+stateLabel(state)+"，不再向其派遣队伍")
		}
		teams, err := lockTeams(ctx, tx, teamIDs)
		if err != nil {
			return nil, err
		}
		now := s.Now().UTC()
		var changes []journal.Change
		for i, id := range teamIDs {
			p := "/team_ids/" + strconv.Itoa(i)
			t, ok := teams[id]
			if !ok {
				return nil, api.InvalidField(p, "没有编号为 "+strconv.FormatInt(id, 10)+" 的救援队伍")
			}
			if t.status != "available" {
				return nil, api.Conflict(p, fmt.Sprintf("%s当前为“%s”，不是待命", t.name, layers.TeamStatusLabel(t.status)))
			}
			w, err := setStatus(ctx, tx, actor, t, "dispatched")
			if err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO team_assignments (team_id, incident_id, dispatched_at, dispatched_by) VALUES ($1, $2, $3, $4)`,
				id, incidentID, now, actor.Name); err != nil {
				if db.UniqueViolation(err) != "" {
					return nil, api.Conflict(p, "该队伍已派往其他事件")
				}
				return nil, err
			}
			if err := incidentstore.AddTimeline(ctx, tx, incidentID, now, actor.Name, "dispatch", "",
				map[string]any{"team_id": id, "team": t.name, "from": t.status, "to": "dispatched"}); err != nil {
				return nil, err
			}
			out = append(out, w.Feature)
			changes = append(changes, w.Changes...)
		}
		routes, err := s.routeTeams(ctx, tx, incidentID, teamIDs, now)
		if err != nil {
			return nil, err
		}
		return append(changes, routes...), nil
	})
	return out, err
}

// SetStatus moves a dispatched team along the machine; a move the machine
// does not allow is a 409 naming the allowed ones. The change goes on the
// timeline of the incident the team works for; back to available ends the
// assignment.
func (s *Store) SetStatus(ctx context.Context, actor journal.Actor, teamID int64, to string) (json.RawMessage, error) {
	if !slices.Contains(layers.TeamStatuses, to) {
		return nil, api.InvalidField("/status", "未知状态；"+teamFieldChoices("status"))
	}
	if to == "dispatched" {
		return nil, api.Conflict("/status", "派遣队伍请用 POST /api/v1/incidents/{id}/dispatch，并指明事件")
	}
	var out json.RawMessage
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		teams, err := lockTeams(ctx, tx, []int64{teamID})
		if err != nil {
			return nil, err
		}
		t, ok := teams[teamID]
		if !ok {
			return nil, api.NotFound("救援队伍 " + strconv.FormatInt(teamID, 10))
		}
		if !Allowed(t.status, to) {
			return nil, api.Conflict("/status", fmt.Sprintf("队伍不能从“%s”变为“%s”；可变为：%s", layers.TeamStatusLabel(t.status), layers.TeamStatusLabel(to), statusLabels(next[t.status])))
		}
		w, err := setStatus(ctx, tx, actor, t, to)
		if err != nil {
			return nil, err
		}
		now := s.Now().UTC()
		var incident *int64
		err = tx.QueryRow(ctx, `SELECT incident_id FROM team_assignments WHERE team_id = $1 AND ended_at IS NULL`, teamID).Scan(&incident)
		if err != nil && !db.IsNotFound(err) {
			return nil, err
		}
		if incident != nil {
			if err := incidentstore.AddTimeline(ctx, tx, *incident, now, actor.Name, "team_status", "",
				map[string]any{"team_id": teamID, "team": t.name, "from": t.status, "to": to}); err != nil {
				return nil, err
			}
			if to == "available" {
				if _, err := tx.Exec(ctx, `UPDATE team_assignments SET ended_at = $2 WHERE team_id = $1 AND ended_at IS NULL`, teamID, now); err != nil {
					return nil, err
				}
			}
		}
		out = w.Feature
		if slices.Contains(travelling, t.status) && !slices.Contains(travelling, to) {
			ended, err := routeEnded(ctx, tx, teamID)
			if err != nil {
				return nil, err
			}
			return append(w.Changes, ended...), nil
		}
		return w.Changes, nil
	})
	return out, err
}

// stateLabel is an incident state's Chinese name.
func stateLabel(code string) string {
	s, err := incidents.ParseState(code)
	if err != nil {
		return code
	}
	return s.Label()
}

// statusLabels lists team statuses by their Chinese names.
func statusLabels(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = "“" + layers.TeamStatusLabel(c) + "”"
	}
	if len(out) == 0 {
		return "无"
	}
	return strings.Join(out, "、")
}
