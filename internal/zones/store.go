package zones

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/geo/protective"
	"sitrep/incidents/incidentstore"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/dispatch"
	"sitrep/internal/journal"
)

// Topic is the live-stream topic of zones.
const Topic = "zones"

// Store keeps zones in PostGIS.
type Store struct {
	pool      *pgxpool.Pool
	incidents *incidentstore.Store
	table     *protective.Table
	// Now is the clock (tests may set it).
	Now func() time.Time
}

// New returns a store. table nil means the shipped protective-action table.
func New(pool *pgxpool.Pool, incidents *incidentstore.Store, table *protective.Table) (*Store, error) {
	if table == nil {
		t, err := protective.Default()
		if err != nil {
			return nil, err
		}
		table = t
	}
	return &Store{pool: pool, incidents: incidents, table: table, Now: time.Now}, nil
}

// Table is the protective-action table the store computes with.
func (s *Store) Table() *protective.Table { return s.table }

// zoneChange is the journal entry for a written zone: its Feature is both
// what the audit trail records and what the live stream sends.
func zoneChange(f json.RawMessage, action string, before json.RawMessage) journal.Change {
	var probe struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(f, &probe)
	c := journal.Change{Entity: "zones", EntityID: probe.ID, Action: action, After: f, Topic: Topic, Event: f}
	if before != nil {
		c.Before = before
	}
	return c
}

// Get returns a zone's Feature and version.
func (s *Store) Get(ctx context.Context, q db.Querier, id int64, lock bool) (json.RawMessage, int, error) {
	var (
		f string
		v int
	)
	sql := `SELECT ` + featureSQL + `::text, z.version` + fromZones + `WHERE z.id = $1`
	if lock {
		sql += ` FOR UPDATE OF z`
	}
	err := q.QueryRow(ctx, sql, id).Scan(&f, &v)
	if db.IsNotFound(err) {
		return nil, 0, api.NotFound("区域 " + strconv.FormatInt(id, 10))
	}
	return json.RawMessage(f), v, err
}

// List returns the zones of an incident (all, or active only), newest run first.
func (s *Store) List(ctx context.Context, incidentID int64, activeOnly bool) ([]json.RawMessage, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+featureSQL+`::text`+fromZones+
		`WHERE z.incident_id = $1 AND (z.active OR NOT $2) ORDER BY z.run_id DESC, z.level`, incidentID, activeOnly)
	if err != nil {
		return nil, err
	}
	return collectFeatures(rows)
}

// collectFeatures reads rows of one Feature's JSON text each; an empty
// list, never null.
func collectFeatures(rows pgx.Rows) ([]json.RawMessage, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (json.RawMessage, error) {
		var s string
		err := r.Scan(&s)
		return json.RawMessage(s), err
	})
	if out == nil {
		out = []json.RawMessage{}
	}
	return out, err
}

// SetActive publishes an incident zone (active true: on the wall, in the
// incident's exposure) or switches it off (If-Match: version), and
// recomputes the incident's exposure. What-if zones cannot be activated.
func (s *Store) SetActive(ctx context.Context, actor journal.Actor, id int64, ifMatch int, active bool) (json.RawMessage, int, error) {
	var (
		out     json.RawMessage
		version int
	)
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		before, v, err := s.Get(ctx, tx, id, true)
		if err != nil {
			return nil, err
		}
		if v != ifMatch {
			return nil, api.PreconditionFailed(fmt.Sprintf("该区域现为第 %d 版，而非第 %d 版：已被他人修改，请重新读取", v, ifMatch))
		}
		var incident *int64
		if err := tx.QueryRow(ctx, `SELECT incident_id FROM zones WHERE id = $1`, id).Scan(&incident); err != nil {
			return nil, err
		}
		if incident == nil && active {
			return nil, api.Conflict("/active", "推演（what-if）区域不属于任何事件，不能发布；请为事件计算区域")
		}
		if _, err := tx.Exec(ctx, `UPDATE zones SET active = $2, version = version + 1, updated_at = now() WHERE id = $1`, id, active); err != nil {
			return nil, err
		}
		if !active {
			if err := dispatch.ZoneEnded(ctx, tx, id); err != nil {
				return nil, err
			}
		}
		out, version, err = s.Get(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		changes := []journal.Change{zoneChange(out, "update", before)}
		// The wall draws the routes of active zones only: they come and go
		// with their zone.
		routes, err := routeEvents(ctx, tx, id, map[bool]string{true: "create", false: "delete"}[active])
		if err != nil {
			return nil, err
		}
		changes = append(changes, routes...)
		if incident != nil {
			ch, err := s.updateExposure(ctx, tx, *incident)
			if err != nil {
				return nil, err
			}
			changes = append(changes, ch)
		}
		return changes, nil
	})
	return out, version, err
}
