package dispatch

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/layers"
	"sitrep/internal/validation"
)

// layerSpec is how "nearest" reads one layer. Every identifier and SQL
// fragment here is a constant: nothing from the request reaches the SQL
// text, only bound values.
type layerSpec struct {
	table string
	// pos is the position the distance is measured from (alias t); it
	// matches an expression index, geometry and ::geography.
	pos string
	// observed is the time of the position, NULL where it is fixed.
	observed string
	// always is a filter applied on every query of the layer.
	always string
	// props are the properties returned with each result.
	props string
	// filters turns query parameters into bound conditions.
	filters func(q url.Values, arg func(any) string) ([]string, []api.FieldError)
}

var layerSpecs = map[string]layerSpec{
	"rescue_teams": {
		table: "rescue_teams", pos: "COALESCE(t.last_position, t.geom)", observed: "t.observed_at",
		props: `json_build_object('kind', t.kind, 'status', t.status, 'capabilities', t.capabilities, 'headcount', t.headcount,
			'position', CASE WHEN t.last_position IS NULL THEN 'home_base' ELSE 'last_position' END, 'version', t.version)`,
		filters: teamFilters,
	},
	"shelters": {
		table: "shelters", pos: "t.geom", observed: "NULL::timestamptz",
		// Only shelters that can take people: open, with room, outside every
		// active zone.
		always: `t.status = 'open' AND t.capacity > t.occupancy
			AND NOT EXISTS (SELECT 1 FROM zones z WHERE z.active AND ST_Intersects(z.geom, t.geom))`,
		props: `json_build_object('class', t.class, 'capacity', t.capacity, 'occupancy', t.occupancy,
			'free', t.capacity - t.occupancy, 'status', t.status, 'version', t.version)`,
		filters: shelterFilters,
	},
	"supply_depots": {
		table: "supply_depots", pos: "t.geom", observed: "NULL::timestamptz",
		props:   `json_build_object('operator', t.operator, 'stock', t.stock, 'contact_phone', t.contact_phone)`,
		filters: depotFilters,
	},
	"medical_facilities": {
		table: "medical_facilities", pos: "t.geom", observed: "NULL::timestamptz",
		props: `json_build_object('kind', t.kind, 'beds', t.beds, 'ambulances', t.ambulances, 'specialties', t.specialties,
			'contact_phone', t.contact_phone)`,
		filters: medicalFilters,
	},
	"experts": {
		table: "experts", pos: "t.geom", observed: "NULL::timestamptz",
		props:   `json_build_object('field', t.field, 'employer', t.employer, 'title', t.title, 'contact_phone', t.contact_phone)`,
		filters: expertFilters,
	},
}

// Layers lists the layers "nearest" answers for.
func Layers() []string {
	out := make([]string, 0, len(layerSpecs))
	for k := range layerSpecs {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// teamFilter is a /nearest request's filters on rescue teams, parsed once
// for both answers: the SQL conditions and the in-memory index's test.
type teamFilter struct {
	statuses []string // any of
	kind     string
	caps     []string // every one
	maxAgeS  float64  // 0: none
}

func parseTeamFilter(q url.Values) (teamFilter, []api.FieldError) {
	var (
		f    teamFilter
		errs []api.FieldError
	)
	if v := q.Get("status"); v != "" {
		f.statuses = strings.Split(v, ",")
		for _, s := range f.statuses {
			if !slices.Contains(layers.TeamStatuses, s) {
				errs = append(errs, api.FieldError{Field: "status", Detail: "未知状态 " + strconv.Quote(s) + "；" + teamFieldChoices("status")})
			}
		}
	}
	if v := q.Get("kind"); v != "" {
		if !slices.Contains(layers.TeamKinds, v) {
			errs = append(errs, api.FieldError{Field: "kind", Detail: "未知队伍类别 " + strconv.Quote(v) + "；" + teamFieldChoices("kind")})
		}
		f.kind = v
	}
	if v := q["capability"]; len(v) > 0 {
		// Every capability asked for (repeat the parameter or separate by commas).
		for _, s := range v {
			f.caps = append(f.caps, strings.Split(s, ",")...)
		}
		for _, c := range f.caps {
			if !slices.Contains(layers.TeamCapabilities, c) {
				errs = append(errs, api.FieldError{Field: "capability", Detail: "未知救援能力 " + strconv.Quote(c) + "；" + teamFieldChoices("capabilities")})
			}
		}
	}
	if v := q.Get("max_age_s"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		// A year is far longer than any fix worth trusting, and keeps the
		// interval within what PostgreSQL can represent.
		if err != nil || !(n > 0) || n > maxAgeSeconds {
			errs = append(errs, api.FieldError{Field: "max_age_s", Detail: fmt.Sprintf("须为不超过 %d 的正秒数", maxAgeSeconds)})
		}
		f.maxAgeS = n
	}
	return f, errs
}

func teamFilters(q url.Values, arg func(any) string) ([]string, []api.FieldError) {
	f, errs := parseTeamFilter(q)
	var conds []string
	if f.statuses != nil {
		conds = append(conds, "t.status = ANY("+arg(f.statuses)+"::text[])")
	}
	if f.kind != "" {
		conds = append(conds, "t.kind = "+arg(f.kind)+"::text")
	}
	if f.caps != nil {
		conds = append(conds, "t.capabilities @> "+arg(f.caps)+"::text[]")
	}
	if f.maxAgeS != 0 {
		// A team whose last fix is older (or that has none) does not qualify:
		// the commander asked for teams whose whereabouts are known.
		conds = append(conds, "t.observed_at >= now() - make_interval(secs => "+arg(f.maxAgeS)+"::float8)")
	}
	return conds, errs
}

// maxAgeSeconds bounds max_age_s: a year.
const maxAgeSeconds = 366 * 24 * 3600

// teamFieldChoices lists the values of a rescue-team field with labels.
func teamFieldChoices(name string) string {
	f, _ := layers.RescueTeams.Field(name)
	return validation.OneOf(f.Enum, f.Label)
}

func shelterFilters(q url.Values, arg func(any) string) ([]string, []api.FieldError) {
	var (
		conds []string
		errs  []api.FieldError
	)
	if v := q.Get("min_free"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32) // the capacity column's range
		if err != nil || n < 1 {
			errs = append(errs, api.FieldError{Field: "min_free", Detail: "须为 1 到 2147483647 之间的整数"})
		}
		conds = append(conds, "t.capacity - t.occupancy >= "+arg(n)+"::integer")
	}
	return conds, errs
}

func depotFilters(q url.Values, arg func(any) string) ([]string, []api.FieldError) {
	var conds []string
	if v := q.Get("item"); v != "" {
		min := 0.0
		var errs []api.FieldError
		if m := q.Get("min_quantity"); m != "" {
			n, err := strconv.ParseFloat(m, 64)
			if err != nil || !(n > 0) || math.IsInf(n, 0) {
				errs = append(errs, api.FieldError{Field: "min_quantity", Detail: "须为正数"})
			}
			min = n
		}
		conds = append(conds, `EXISTS (SELECT 1 FROM jsonb_array_elements(t.stock) e
			WHERE e->>'item' = `+arg(v)+`::text AND (e->>'quantity')::float8 > 0 AND (e->>'quantity')::float8 >= `+arg(min)+`::float8)`)
		return conds, errs
	}
	if q.Get("min_quantity") != "" {
		return nil, []api.FieldError{{Field: "min_quantity", Detail: "须同时给出 item"}}
	}
	return nil, nil
}

func medicalFilters(q url.Values, arg func(any) string) ([]string, []api.FieldError) {
	var conds []string
	if v := q.Get("kind"); v != "" {
		conds = append(conds, "t.kind = "+arg(v)+"::text")
	}
	if v := q.Get("specialty"); v != "" {
		conds = append(conds, "t.specialties @> ARRAY["+arg(v)+"::text]")
	}
	return conds, nil
}

func expertFilters(q url.Values, arg func(any) string) ([]string, []api.FieldError) {
	var conds []string
	if v := q.Get("field"); v != "" {
		conds = append(conds, "t.field = "+arg(v)+"::text")
	}
	return conds, nil
}

// knownParams are the query parameters of /nearest, by layer; anything else
// is refused so that a misspelt filter is not silently ignored.
var knownParams = map[string][]string{
	"rescue_teams":       {"status", "kind", "capability", "max_age_s"},
	"shelters":           {"min_free"},
	"supply_depots":      {"item", "min_quantity"},
	"medical_facilities": {"kind", "specialty"},
	"experts":            {"field"},
}

// NearestQuery is a parsed /nearest request.
type NearestQuery struct {
	Layer      string
	Lon, Lat   float64
	IncidentID int64
	K          int
	MaxDistM   float64 // 0: none
	Values     url.Values
}

// Result is one nearest feature.
type Result struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	DistanceM float64 `json:"distance_m"`
	// PositionAgeS is how old the position is (seconds), null for a fixed
	// position (a depot, a shelter, a team at its home base).
	PositionAgeS *float64        `json:"position_age_s"`
	ObservedAt   *string         `json:"observed_at"`
	Geometry     json.RawMessage `json:"geometry"`
	Properties   json.RawMessage `json:"properties"`
	// Road is the way by road, in an answer ranked by road.
	Road *Road `json:"road,omitempty"`
}

// Overfetch is how many KNN candidates per wanted result the first pass
// reads; only speed depends on it, never correctness (see nearestSQL).
const Overfetch = 4

// nearestSQL builds the query. KNN on geometry (<->) orders by planar
// degrees, which at 43.5°N is not metre order (a degree of longitude is
// 0.73 of a degree of latitude), so it only proposes candidates; the k-th
// candidate's exact ellipsoidal distance D bounds the answer (k features lie
// within D, so the true k nearest do too), and ST_DWithin on geography (its
// own GiST index) fetches everything within D for the exact re-rank. Fewer
// than k candidates means fewer than k features match at all, and the
// candidates are the answer.
func nearestSQL(spec layerSpec, conds []string) string {
	where := strings.Join(append(slices.Clone(conds), "true"), " AND ")
	if spec.always != "" {
		where = spec.always + " AND " + where
	}
	pos := spec.pos
	from := " FROM " + pgx.Identifier{spec.table}.Sanitize() + " t "
	return `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326) AS g),
cand AS (
	SELECT t.id, ST_Distance(` + pos + `::geography, (SELECT g FROM pt)::geography) AS d` + from + `
	WHERE ` + where + `
	ORDER BY ` + pos + ` <-> (SELECT g FROM pt) LIMIT $3::integer),
bound AS (
	SELECT CASE WHEN count(*) < $4::integer THEN NULL ELSE max(d) END AS d
	FROM (SELECT d FROM cand ORDER BY d LIMIT $4::integer) k),
ids AS (
	SELECT id FROM cand
	UNION
	SELECT t.id` + from + `, bound
	WHERE bound.d IS NOT NULL AND ` + where + `
	  AND ST_DWithin(` + pos + `::geography, (SELECT g FROM pt)::geography, bound.d + 0.001))
SELECT t.id, t.name, ST_Distance(` + pos + `::geography, (SELECT g FROM pt)::geography) AS d,
	EXTRACT(EPOCH FROM now() - ` + spec.observed + `)::float8, ` + spec.observed + `,
	ST_AsGeoJSON(` + pos + `)::text, ` + spec.props + `::text
` + from + ` JOIN ids ON ids.id = t.id
WHERE $5::float8 IS NULL OR ST_Distance(` + pos + `::geography, (SELECT g FROM pt)::geography) <= $5::float8
ORDER BY d, t.id
LIMIT $4::integer`
}

// ResolveOrigin sets q's point from its incident, when it names one.
func ResolveOrigin(ctx context.Context, pool *pgxpool.Pool, q *NearestQuery) error {
	if q.IncidentID <= 0 {
		return nil
	}
	var lon, lat *float64
	err := pool.QueryRow(ctx, `SELECT ST_X(location), ST_Y(location) FROM incidents WHERE id = $1`, q.IncidentID).Scan(&lon, &lat)
	if db.IsNotFound(err) {
		return api.InvalidField("incident", "没有编号为 "+strconv.FormatInt(q.IncidentID, 10)+" 的事件")
	}
	if err != nil {
		return err
	}
	if lon == nil {
		return api.InvalidField("incident", "该事件还没有位置；请给出 lon 和 lat")
	}
	q.Lon, q.Lat, q.IncidentID = *lon, *lat, 0
	return nil
}

// Nearest answers q, rescue teams from the in-memory index when there is
// one that can (indexed, and seq is the last event the answer reflects),
// anything else and every fallback from PostgreSQL.
func (s *Store) Nearest(ctx context.Context, q NearestQuery) (res []Result, seq int64, indexed bool, err error) {
	if s.Teams != nil && q.Layer == layers.RescueTeams.Name {
		if err := ResolveOrigin(ctx, s.pool, &q); err != nil {
			return nil, 0, false, err
		}
		f, errs := parseTeamFilter(q.Values)
		if len(errs) > 0 {
			return nil, 0, false, api.Invalid(errs...)
		}
		res, seq, ok, err := s.Teams.Nearest(ctx, q, f, s.Now())
		if err != nil || ok {
			return res, seq, ok, err
		}
	}
	res, err = Nearest(ctx, s.pool, q)
	return res, 0, false, err
}

// Nearest answers q (resolving its incident first, if it names one).
func Nearest(ctx context.Context, pool *pgxpool.Pool, q NearestQuery) ([]Result, error) {
	spec, ok := layerSpecs[q.Layer]
	if !ok {
		return nil, api.InvalidField("layer", layerChoices())
	}
	if err := ResolveOrigin(ctx, pool, &q); err != nil {
		return nil, err
	}
	args := []any{q.Lon, q.Lat, max(q.K*Overfetch, q.K+16), q.K, nil}
	if q.MaxDistM > 0 {
		args[4] = q.MaxDistM
	}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	conds, errs := spec.filters(q.Values, arg)
	if len(errs) > 0 {
		return nil, api.Invalid(errs...)
	}
	rows, err := pool.Query(ctx, nearestSQL(spec, conds), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Result, error) {
		var (
			res         Result
			geom, props string
			observed    *time.Time
		)
		err := r.Scan(&res.ID, &res.Name, &res.DistanceM, &res.PositionAgeS, &observed, &geom, &props)
		if observed != nil {
			s := observed.UTC().Format(time.RFC3339Nano)
			res.ObservedAt = &s
		}
		res.Geometry, res.Properties = json.RawMessage(geom), json.RawMessage(props)
		return res, err
	})
}
