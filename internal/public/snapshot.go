package public

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"sitrep/internal/beijing"
	"sitrep/internal/warnings"
)

// snapshot is everything the public routes serve, built at once so the
// page, the feed and the documents agree.
type snapshot struct {
	situation doc
	feed      doc
	// caps are the CAP documents of the feed's messages by identifier.
	caps map[string]doc
	// shelters are the shelters the page lists, by id: the only ones a
	// reader may ask the road route to.
	shelters map[int64]listedShelter
	// zones are the ids of the zones the page shows: a route tells the
	// reader about these, and no other (a drill's is not for the public).
	zones map[int64]bool
	// reach is where a reader may ask a route from (reachOf); nil when
	// there is neither a county nor a shelter to measure from.
	reach *orb.Bound
	// routes are the road routes answered since the snapshot was built,
	// dropped with it: a commit that may change a route (a zone, a
	// shelter, a road closure, the roads) rebuilds the snapshot.
	routes *routeCache
}

// listedShelter is what a route needs of a shelter the page lists.
type listedShelter struct {
	ID   int64   `json:"id"`
	Name string  `json:"name"`
	Lon  float64 `json:"lon"`
	Lat  float64 `json:"lat"`
}

// doc is a response body with its strong ETag.
type doc struct {
	body []byte
	etag string
}

func setOf(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func newDoc(b []byte) doc {
	sum := sha256.Sum256(b)
	return doc{body: b, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`}
}

// situation is the public page's JSON.
type situation struct {
	GeneratedAt        string           `json:"generated_at"`
	GeneratedAtBeijing string           `json:"generated_at_beijing"`
	Warnings           []publicWarning  `json:"warnings"`
	Shelters           json.RawMessage  `json:"shelters"`
	Zones              json.RawMessage  `json:"zones"`
	County             *json.RawMessage `json:"county"`
	// Synthetic is true when a shelter the page lists is demo data (made
	// up): the page then says so above everything else.
	Synthetic bool `json:"synthetic"`
}

// publicWarning is a warning as the public page shows it.
type publicWarning struct {
	Identifier    string          `json:"identifier"`
	MsgType       string          `json:"msg_type"`
	Lifted        bool            `json:"lifted"`
	Level         string          `json:"level"`
	LevelLabel    string          `json:"level_label"`
	Colour        string          `json:"colour"`
	Headline      string          `json:"headline"`
	Event         string          `json:"event,omitempty"`
	AreaDesc      string          `json:"area_desc"`
	Items         []string        `json:"items"`
	Authority     string          `json:"authority"`
	RelayedFrom   string          `json:"relayed_from,omitempty"`
	CrossesBorder bool            `json:"crosses_border"`
	IssuedAt      string          `json:"issued_at"`
	IssuedBeijing string          `json:"issued_at_beijing"`
	OnsetBeijing  string          `json:"onset_beijing"`
	ExpiresBeij   string          `json:"expires_beijing,omitempty"`
	CAP           string          `json:"cap"`
	Area          json.RawMessage `json:"area"`
}

// Addresses of the public routes.
const (
	Prefix        = "/public"
	SituationPath = Prefix + "/situation.json"
	RoutePath     = Prefix + "/route"
	FeedPath      = Prefix + "/warnings.atom"
	capPrefix     = Prefix + "/cap/"
)

func capHref(identifier string) string { return capPrefix + identifier + ".xml" }

// sheltersSQL: the open shelters with places free, how many, and where;
// no contact phone. Nearest first is the page's job (it knows where the
// reader is).
const sheltersSQL = `SELECT coalesce(json_agg(json_build_object(
		'id', s.id, 'name', s.name, 'class', s.class, 'address', s.address, 'township_code', s.township_code,
		'capacity', s.capacity, 'free', s.capacity - s.occupancy, 'facilities', s.facilities,
		'outside_county', s.outside_county, 'synthetic', s.synthetic,
		'lon', round(ST_X(s.geom)::numeric, 6), 'lat', round(ST_Y(s.geom)::numeric, 6)) ORDER BY s.name), '[]'),
		coalesce(bool_or(s.synthetic), false)
	FROM shelters s WHERE s.status = 'open' AND s.occupancy < s.capacity`

// zonesSQL: the active evacuation and shelter-in-place zones of real
// incidents (a drill's are not for the public), simplified
// to 20 m in UTM zone 45N (the county's, EPSG:32645) and written to 5
// decimals (about a metre): what a phone needs to see whether its
// reader is inside.
const zonesSQL = `SELECT coalesce(json_agg(json_build_object(
		'name', z.name, 'level', z.level, 'evacuate', z.evacuate,
		'geometry', ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(ST_Transform(z.geom, 32645), 20), 4326), 5)::json)
		ORDER BY z.level DESC, z.id), '[]'), coalesce(array_agg(z.id), '{}')
	FROM zones z JOIN incidents i ON i.id = z.incident_id WHERE z.active AND NOT i.drill`

// countySQL: the county outline for the map, simplified to 50 m, and its
// extent.
const countySQL = `SELECT ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(ST_Transform(a.geom, 32645), 50), 4326), 5)::json,
		ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)
	FROM admin_areas a WHERE a.is_county LIMIT 1`

// build reads what the public may see: the warnings, then the shelters,
// zones and county outline in one read-only transaction.
func build(ctx context.Context, pool *pgxpool.Pool, store *warnings.Store, now time.Time) (*snapshot, error) {
	ps, err := store.Published(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("warnings: %w", err)
	}
	sit := situation{GeneratedAt: now.UTC().Format(time.RFC3339), GeneratedAtBeijing: beijing.Format(now),
		Warnings: make([]publicWarning, 0, len(ps))}
	caps := make(map[string]doc, len(ps))
	for _, p := range ps {
		w := p.W
		pw := publicWarning{Identifier: w.Identifier, MsgType: string(w.MsgType), Lifted: w.MsgType == warnings.MsgCancel,
			Level: w.Level.Code(), LevelLabel: w.Level.Label(), Colour: w.Level.Code(), Headline: w.Headline(),
			Event: w.Event, AreaDesc: w.AreaDesc, Items: w.Items, Authority: w.Authority, RelayedFrom: w.RelayedFrom,
			CrossesBorder: w.CrossesBorder(), IssuedAt: w.IssuedAt.UTC().Format(time.RFC3339),
			IssuedBeijing: beijing.Format(w.IssuedAt), OnsetBeijing: beijing.Format(w.Onset),
			CAP: capHref(w.Identifier), Area: p.Geometry}
		if !w.Expires.IsZero() {
			pw.ExpiresBeij = beijing.Format(w.Expires)
		}
		sit.Warnings = append(sit.Warnings, pw)
		caps[w.Identifier] = newDoc(p.CAP)
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if err := tx.QueryRow(ctx, sheltersSQL).Scan(&sit.Shelters, &sit.Synthetic); err != nil {
		return nil, fmt.Errorf("shelters: %w", err)
	}
	var zoneIDs []int64
	if err := tx.QueryRow(ctx, zonesSQL).Scan(&sit.Zones, &zoneIDs); err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	var (
		county json.RawMessage
		extent *orb.Bound
		box    orb.Bound
	)
	switch err := tx.QueryRow(ctx, countySQL).Scan(&county, &box.Min[0], &box.Min[1], &box.Max[0], &box.Max[1]); {
	case err == nil:
		sit.County, extent = &county, &box
	case !errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("county: %w", err)
	}
	var listed []listedShelter
	if err := json.Unmarshal(sit.Shelters, &listed); err != nil {
		return nil, fmt.Errorf("shelters: %w", err)
	}
	shelters := make(map[int64]listedShelter, len(listed))
	for _, s := range listed {
		shelters[s.ID] = s
	}
	body, err := json.Marshal(sit)
	if err != nil {
		return nil, err
	}
	feed, err := warnings.Feed(ps, FeedPath, capHref, now)
	if err != nil {
		return nil, err
	}
	return &snapshot{situation: newDoc(body), feed: newDoc(feed), caps: caps,
		zones: setOf(zoneIDs), shelters: shelters, reach: reachOf(extent, listed), routes: newRouteCache(RouteCacheBytes)}, nil
}
