package zones

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/routing"
)

// EvacuationTopic is the live-stream topic of evacuation routes: one
// Feature per route (the road from a place in the zone to its shelter) of
// each active zone; a recomputed set arrives as deletes of the old routes
// and creates of the new, in one commit.
const EvacuationTopic = "evacuation_routes"

// What an evacuation route starts from (from_kind; the codes evacueesSQL
// writes).
const (
	FromCell = "population_cell"
	FromSite = "sensitive_site"
)

// EvacueeKinds are the from_kind codes, for the vocabulary.
var EvacueeKinds = []string{FromCell, FromSite}

// EvacueeKindLabel is a from_kind code's Chinese name.
func EvacueeKindLabel(kind string) string {
	switch kind {
	case FromCell:
		return "人口网格"
	case FromSite:
		return "敏感目标"
	}
	return kind
}

// NoRoadsNote is the answer when there is no road network to route on.
const NoRoadsNote = "未加载道路网络：疏散路线需要道路网络，请先导入道路底图后再计算"

// EvacuationRoutes is a zone's set of evacuation routes: a GeoJSON
// FeatureCollection of the routes (as evacuationFeatureSQL writes them),
// with when they were computed and a note in words.
type EvacuationRoutes struct {
	Type   string `json:"type"`
	ZoneID int64  `json:"zone_id"`
	// ComputedAt is null when no routes have been computed for the zone.
	ComputedAt *time.Time `json:"computed_at"`
	// Network is false when no roads are loaded: nothing could be routed.
	Network  bool              `json:"network"`
	Note     string            `json:"note"`
	Features []json.RawMessage `json:"features"`
}

// evacuee is a place a zone's allocation evacuates and its shelter.
type evacuee struct {
	kind, name   string
	id           int64
	from         orb.Point
	shelterID    int64
	shelterName  string
	shelter      orb.Point
	people       *int64
	allocationID int64
	route        routing.Route
}

// errNoRoads ends a computation that has no network to route on: nothing
// is written, and the answer says so.
var errNoRoads = errors.New("zones: no road network")

// ComputeEvacuationRoutes routes every place zoneID's confirmed allocations
// evacuate to its shelter and stores the set in place of the zone's
// previous one, in one write: an audit row for the set, and on the live
// stream a delete per old route and a create per new one. Routing avoids
// the active zones as package routing does: this zone is closed to every
// route that does not start in it, and one that starts in it leaves it the
// short way. Only an active zone with a confirmed allocation has routes
// (else 404 or 409 naming id). With no roads loaded nothing is written and
// the answer says so (Network false), keeping any earlier set.
//
// The routes are searched inside the write's transaction (the router runs
// each search in a savepoint), so the set stored is the one computed from
// the allocations and zones it read; a per-zone lock keeps two computations
// of one zone from interleaving their replacements.
func (s *Store) ComputeEvacuationRoutes(ctx context.Context, actor journal.Actor, zoneID int64) (*EvacuationRoutes, error) {
	out := &EvacuationRoutes{Type: "FeatureCollection", ZoneID: zoneID, Network: true, Features: []json.RawMessage{}}
	_, err := journal.Write(ctx, s.pool, actor, func(tx pgx.Tx) ([]journal.Change, error) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sitrep:evacuation-routes:' || $1::bigint))`, zoneID); err != nil {
			return nil, err
		}
		if err := routable(ctx, tx, zoneID); err != nil {
			return nil, err
		}
		router := routing.NewRouter(tx)
		if loaded, err := router.Loaded(ctx); err != nil {
			return nil, err
		} else if !loaded {
			return nil, errNoRoads
		}
		evs, err := evacuees(ctx, tx, zoneID)
		if err != nil {
			return nil, err
		}
		if err := routeAll(ctx, router, evs); err != nil {
			return nil, err
		}
		at := s.Now().UTC()
		changes, err := replaceRoutes(ctx, tx, zoneID, evs, at)
		if err != nil {
			return nil, err
		}
		out.ComputedAt = &at
		out.Features, err = routeFeatures(ctx, tx, zoneID)
		return changes, err
	})
	switch {
	case errors.Is(err, errNoRoads), errors.Is(err, routing.ErrNoNetwork):
		return &EvacuationRoutes{Type: "FeatureCollection", ZoneID: zoneID, Network: false, Note: NoRoadsNote, Features: []json.RawMessage{}}, nil
	case err != nil:
		return nil, err
	}
	out.Note = routesNote(out.Features)
	return out, nil
}

// routable checks that zoneID is an active zone with a confirmed
// allocation, naming id when it is not.
func routable(ctx context.Context, q db.Querier, zoneID int64) error {
	var active, allocated bool
	err := q.QueryRow(ctx, `SELECT z.active, EXISTS (SELECT 1 FROM shelter_allocations a WHERE a.zone_id = z.id)
		FROM zones z WHERE z.id = $1`, zoneID).Scan(&active, &allocated)
	name := "区域 " + strconv.FormatInt(zoneID, 10)
	switch {
	case db.IsNotFound(err):
		return zoneNotFound(zoneID)
	case err != nil:
		return err
	case !active:
		return api.Conflict("id", name+"未生效（尚未发布或已关闭）：疏散路线只为已发布的区域计算")
	case !allocated:
		return api.Conflict("id", name+"尚无已确认的安置方案：请先确认安置方案，再计算疏散路线")
	}
	return nil
}

// zoneNotFound is the 404 of an unknown zone, naming the path's id.
func zoneNotFound(zoneID int64) error {
	p := api.NotFound("区域 " + strconv.FormatInt(zoneID, 10))
	p.Errors = []api.FieldError{{Field: "id", Detail: "没有编号为 " + strconv.FormatInt(zoneID, 10) + " 的区域"}}
	return p
}

func evacuees(ctx context.Context, tx pgx.Tx, zoneID int64) ([]*evacuee, error) {
	rows, err := tx.Query(ctx, evacueesSQL, zoneID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*evacuee, error) {
		var (
			e              evacuee
			fx, fy, sx, sy float64
		)
		err := r.Scan(&e.kind, &e.id, &e.name, &fx, &fy, &e.shelterID, &e.shelterName, &sx, &sy, &e.people, &e.allocationID)
		e.from, e.shelter = orb.Point{fx, fy}, orb.Point{sx, sy}
		return &e, err
	})
}

// routeAll routes evs (ordered by shelter) with one many-to-one search per
// shelter, in batches the router takes.
func routeAll(ctx context.Context, router *routing.Router, evs []*evacuee) error {
	for start := 0; start < len(evs); {
		end := start + 1
		for end < len(evs) && evs[end].shelterID == evs[start].shelterID && end-start < routing.MaxPoints {
			end++
		}
		batch := evs[start:end]
		from := make([]orb.Point, len(batch))
		for i, e := range batch {
			from[i] = e.from
		}
		routes, err := router.ToOne(ctx, from, batch[0].shelter)
		if err != nil {
			return err
		}
		for i, rt := range routes {
			batch[i].route = rt
		}
		start = end
	}
	return nil
}

// replaceRoutes deletes zoneID's routes and stores evs' in their place,
// returning the journal's changes: one audit row for the set, and the
// stream's delete and create per route (stream only: the set's audit row
// holds them all).
func replaceRoutes(ctx context.Context, tx pgx.Tx, zoneID int64, evs []*evacuee, at time.Time) ([]journal.Change, error) {
	rows, err := tx.Query(ctx, `DELETE FROM evacuation_routes WHERE zone_id = $1 RETURNING id`, zoneID)
	if err != nil {
		return nil, err
	}
	old, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	summary := make([]map[string]any, len(evs))
	for i, e := range evs {
		rt := e.route
		var secs, metres *float64
		geom := rt.Geometry
		if rt.Reachable {
			secs, metres = &rt.Seconds, &rt.DistanceM
		} else {
			geom = nil
		}
		zonesOnWay, err := json.Marshal(rt.Zones)
		if err != nil {
			return nil, err
		}
		if string(zonesOnWay) == "null" {
			zonesOnWay = []byte("[]")
		}
		if string(geom) == "null" {
			geom = nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO evacuation_routes (zone_id, allocation_id, from_kind, from_id, from_name, from_geom,
				shelter_id, shelter_name, people, reachable, off_road, seconds, distance_m, geom, zones_on_way, computed_at)
			VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326), $8, $9, $10, $11, $12, $13, $14,
				ST_SetSRID(ST_GeomFromGeoJSON($15::text), 4326), $16, $17)`,
			zoneID, e.allocationID, e.kind, e.id, e.name, e.from.Lon(), e.from.Lat(), e.shelterID, e.shelterName, e.people,
			rt.Reachable, rt.OffRoad, secs, metres, nullableText(geom), zonesOnWay, at); err != nil {
			return nil, err
		}
		summary[i] = map[string]any{"from_kind": e.kind, "from_id": e.id, "from_name": e.name, "shelter_id": e.shelterID,
			"people": e.people, "reachable": rt.Reachable, "off_road": rt.OffRoad, "seconds": secs, "distance_m": metres}
	}
	zid := strconv.FormatInt(zoneID, 10)
	changes := []journal.Change{{Entity: "evacuation_routes", EntityID: zid, Action: "replace",
		Before: map[string]any{"routes": len(old)}, After: map[string]any{"computed_at": at, "routes": summary}}}
	for _, id := range old {
		sid := strconv.FormatInt(id, 10)
		changes = append(changes, journal.Change{Entity: "evacuation_routes", EntityID: sid, Action: "delete",
			Topic: EvacuationTopic, Event: map[string]string{"id": sid}, StreamOnly: true})
	}
	created, err := routeEvents(ctx, tx, zoneID, "create")
	return append(changes, created...), err
}

// nullableText is b as text for a bound parameter, NULL when empty.
func nullableText(b json.RawMessage) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}

// routeEvents is a live-stream change per stored route of zoneID: the
// Feature on "create", its id on "delete". Switching a zone on or off
// sends them too, so the wall draws exactly the routes of active zones.
func routeEvents(ctx context.Context, tx pgx.Tx, zoneID int64, action string) ([]journal.Change, error) {
	fs, err := routeFeatures(ctx, tx, zoneID)
	if err != nil {
		return nil, err
	}
	changes := make([]journal.Change, len(fs))
	for i, f := range fs {
		var probe struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(f, &probe); err != nil {
			return nil, err
		}
		var ev any = f
		if action == "delete" {
			ev = map[string]string{"id": probe.ID}
		}
		changes[i] = journal.Change{Entity: "evacuation_routes", EntityID: probe.ID, Action: action,
			Topic: EvacuationTopic, Event: ev, StreamOnly: true}
	}
	return changes, nil
}

// routeFeatures are zoneID's stored routes as Features, by shelter then place.
func routeFeatures(ctx context.Context, q db.Querier, zoneID int64) ([]json.RawMessage, error) {
	rows, err := q.Query(ctx, `SELECT `+evacuationFeatureSQL+`::text`+fromEvacuationRoutes+
		`WHERE e.zone_id = $1 ORDER BY e.shelter_id, e.from_kind, e.from_id`, zoneID)
	if err != nil {
		return nil, err
	}
	return collectFeatures(rows)
}

// EvacuationRoutesOf is zoneID's stored set of routes (empty, with a note,
// when none has been computed), read in one snapshot.
func (s *Store) EvacuationRoutesOf(ctx context.Context, zoneID int64) (*EvacuationRoutes, error) {
	out := &EvacuationRoutes{Type: "FeatureCollection", ZoneID: zoneID, Network: true}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM zones WHERE id = $1)`, zoneID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return zoneNotFound(zoneID)
		}
		var err error
		if out.Features, err = routeFeatures(ctx, tx, zoneID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT max(computed_at) FROM evacuation_routes WHERE zone_id = $1`, zoneID).Scan(&out.ComputedAt)
	})
	if err != nil {
		return nil, err
	}
	if out.ComputedAt == nil {
		out.Note = "尚未计算疏散路线：确认安置方案后自动计算，也可手动计算"
		return out, nil
	}
	out.Note = routesNote(out.Features)
	return out, nil
}

// routesNote sums a set up in words: how many routes, how many no road
// serves, and how many the router drove through a closed zone.
func routesNote(fs []json.RawMessage) string {
	cut, through := 0, 0
	for _, f := range fs {
		var probe struct {
			Properties struct {
				Reachable         bool `json:"reachable"`
				ThroughClosedZone bool `json:"through_closed_zone"`
			} `json:"properties"`
		}
		if json.Unmarshal(f, &probe) != nil {
			continue
		}
		if !probe.Properties.Reachable {
			cut++
		} else if probe.Properties.ThroughClosedZone {
			through++
		}
	}
	note := "共 " + strconv.Itoa(len(fs)) + " 条疏散路线"
	if cut > 0 {
		note += "，其中 " + strconv.Itoa(cut) + " 条无法按道路到达（见各条说明）"
	}
	if through > 0 {
		note += "；" + strconv.Itoa(through) + " 条经过禁行的危险区域，请人工核实"
	}
	return note
}
