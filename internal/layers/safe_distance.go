package layers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/internal/db"
)

// Violation is one hazard source too close to one site (plan 3.1.2).
type Violation struct {
	HazardSourceID   int64   `json:"hazard_source_id"`
	HazardSourceName string  `json:"hazard_source_name"`
	Enterprise       string  `json:"enterprise"`
	Grade            string  `json:"grade"`
	SiteLayer        string  `json:"site_layer"`
	SiteID           int64   `json:"site_id"`
	SiteName         string  `json:"site_name"`
	SiteKind         string  `json:"site_kind"`
	DistanceM        float64 `json:"distance_m"`
	MinimumM         float64 `json:"minimum_m"`
	ShortfallM       float64 `json:"shortfall_m"`
	Rule             string  `json:"rule"`
	// line is the shortest line from the source to the site (GeoJSON).
	line json.RawMessage
}

// violationsSQL finds, for every graded source still in service, the
// sensitive sites and shelters within the largest minimum distance of its
// grade. ST_DWithin on geography (metres on the spheroid) uses the
// geography GiST indexes; ST_Distance then measures the pairs found.
const violationsSQL = `WITH r(grade, maxd) AS (SELECT * FROM unnest($1::text[], $2::float8[])),
	sites AS (
		SELECT 'sensitive_sites' AS layer, id, name, kind, geom FROM sensitive_sites
		UNION ALL
		SELECT 'shelters', id, name, 'shelter', geom FROM shelters)
	SELECT h.id, h.name, h.enterprise, h.grade, s.layer, s.id, s.name, s.kind,
		ST_Distance(h.geom::geography, s.geom::geography),
		ST_AsGeoJSON(ST_ShortestLine(h.geom, s.geom))
	FROM hazard_sources h
	JOIN r ON r.grade = h.grade
	JOIN sites s ON ST_DWithin(h.geom::geography, s.geom::geography, r.maxd)
	WHERE h.major AND h.filing_status <> 'cancelled'
	ORDER BY h.id, s.layer, s.id`

// Violations lists every source–site pair closer than rules allow, grouped
// by source (ascending id), most serious first within a source.
func Violations(ctx context.Context, q db.Querier, rules *hazards.DistanceRules) ([]Violation, error) {
	var grades []string
	var maxd []float64
	for _, g := range hazards.Grades {
		m := 0.0
		for _, k := range hazards.SiteKinds {
			if d, ok := rules.Minimum(g, k); ok && d > m {
				m = d
			}
		}
		grades = append(grades, string(g))
		maxd = append(maxd, m)
	}
	rows, err := q.Query(ctx, violationsSQL, grades, maxd)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type pair struct {
		v    Violation
		line string
	}
	var (
		out     []Violation
		group   []pair
		current int64 = -1
	)
	flush := func() {
		if len(group) == 0 {
			return
		}
		sites := make([]hazards.Site, len(group))
		byKey := map[string]pair{}
		for i, p := range group {
			key := p.v.SiteLayer + "/" + strconv.FormatInt(p.v.SiteID, 10)
			sites[i] = hazards.Site{Kind: hazards.SiteKind(p.v.SiteKind), ID: key, Name: p.v.SiteName, DistanceM: p.v.DistanceM}
			byKey[key] = p
		}
		for _, hv := range rules.Check(hazards.Grade(group[0].v.Grade), sites) {
			p := byKey[hv.SiteID]
			v := p.v
			v.MinimumM, v.ShortfallM, v.Rule = hv.MinimumM, hv.ShortfallM, hv.Rule
			v.line = json.RawMessage(p.line)
			out = append(out, v)
		}
		group = group[:0]
	}
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.v.HazardSourceID, &p.v.HazardSourceName, &p.v.Enterprise, &p.v.Grade,
			&p.v.SiteLayer, &p.v.SiteID, &p.v.SiteName, &p.v.SiteKind, &p.v.DistanceM, &p.line); err != nil {
			return nil, err
		}
		if p.v.HazardSourceID != current {
			flush()
			current = p.v.HazardSourceID
		}
		group = append(group, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// SafeDistanceHandlers serves the check as a list and as a map layer.
type SafeDistanceHandlers struct {
	Pool  *pgxpool.Pool
	Rules *hazards.DistanceRules
}

// List is GET /safe-distance-violations.
func (h *SafeDistanceHandlers) List(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		for k := range r.URL.Query() {
			return api.BadRequest(k, "此接口不接受查询参数")
		}
	}
	vs, err := Violations(r.Context(), h.Pool, h.Rules)
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []Violation{}
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{
		"rules_source": h.Rules.Source(), "count": len(vs), "violations": vs,
	})
}

// Map is GET /safe-distance-violations/map: a GeoJSON FeatureCollection of
// the shortest line from each source to each site too close to it.
func (h *SafeDistanceHandlers) Map(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		for k := range r.URL.Query() {
			return api.BadRequest(k, "此接口不接受查询参数")
		}
	}
	vs, err := Violations(r.Context(), h.Pool, h.Rules)
	if err != nil {
		return err
	}
	type feature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties Violation       `json:"properties"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]feature, 0, len(vs))}
	for _, v := range vs {
		fc.Features = append(fc.Features, feature{Type: "Feature",
			ID:       strconv.FormatInt(v.HazardSourceID, 10) + "-" + v.SiteLayer + "-" + strconv.FormatInt(v.SiteID, 10),
			Geometry: v.line, Properties: v})
	}
	w.Header().Set("Content-Type", api.GeoJSONType)
	return json.NewEncoder(w).Encode(fc)
}
