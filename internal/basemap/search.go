package basemap

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"sitrep/internal/api"
	"sitrep/internal/auth"
	"sitrep/internal/layers"
)

// Search finds what a person types a part of: places, roads (by name or
// route number), townships, rivers and lakes from the basemap, and the
// registry's named features. Matching is by substring, case-insensitive,
// so 水西 finds 水西沟镇 and g216 finds G216; no pinyin is needed or used.
// Results rank exact names first, then names that begin with the text,
// then the rest; within each, townships and places before roads and
// features, shorter names first.

// Result is one search hit.
type Result struct {
	// Kind: place, road, township, water, railway, or feature (a registry
	// feature, with Layer and ID).
	Kind  string `json:"kind"`
	Layer string `json:"layer,omitempty"`
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	Ref   string `json:"ref,omitempty"`
	Class string `json:"class"`
	// Label says in Chinese what it is (村, 国道, 重大危险源…).
	Label string `json:"label"`
	// Lon, Lat: where the map centres; BBox what it fits (lines and areas).
	Lon  float64     `json:"lon"`
	Lat  float64     `json:"lat"`
	BBox *[4]float64 `json:"bbox,omitempty"`
}

// searchLayers are the registry layers searched, with the SQL of each
// feature's name and place; each only for those who may read the layer
// (the expert roster needs experts:read, as everywhere else).
var searchLayers = []struct {
	layer, label, name, geom string
}{
	{"hazard_sources", "重大危险源", "t.name || '（' || t.enterprise || '）'", "t.geom"},
	{"sensitive_sites", "敏感目标", "t.name", "t.geom"},
	{"shelters", "避难场所", "t.name", "t.geom"},
	{"rescue_teams", "救援队伍", "t.name", "COALESCE(t.last_position, t.geom)"},
	{"supply_depots", "物资储备", "t.name", "t.geom"},
	{"medical_facilities", "医疗机构", "t.name", "t.geom"},
	{"experts", "专家", "t.name", "t.geom"},
}

// classLabels name OSM classes in Chinese.
var classLabels = map[string]string{
	"city": "城市", "town": "镇", "village": "村", "hamlet": "自然村", "suburb": "城区", "quarter": "片区", "neighbourhood": "社区",
	"locality": "地名", "isolated_dwelling": "居民点", "farm": "农场", "borough": "区",
	"motorway": "高速公路", "motorway_link": "高速匝道", "trunk": "国道/干线公路", "trunk_link": "干线匝道", "primary": "主要公路",
	"primary_link": "匝道", "secondary": "次要公路", "secondary_link": "匝道", "tertiary": "县乡道路", "tertiary_link": "匝道",
	"unclassified": "乡村道路", "residential": "街巷", "living_street": "街巷", "service": "专用道路", "road": "道路",
	"track": "机耕路", "pedestrian": "步行街", "path": "小路", "footway": "人行道", "cycleway": "自行车道", "bridleway": "马道", "steps": "台阶",
	"rail": "铁路", "light_rail": "轻轨", "subway": "地铁", "narrow_gauge": "窄轨铁路", "tram": "有轨电车", "monorail": "单轨", "funicular": "索道铁路",
	"river": "河流", "stream": "溪流", "canal": "水渠", "drain": "排水渠", "ditch": "沟渠", "lake": "湖泊", "reservoir": "水库",
	"pond": "池塘", "basin": "蓄水池", "wetland": "湿地", "water": "水域", "oxbow": "牛轭湖", "lagoon": "潟湖",
	"admin_level_8": "乡镇",
}

const (
	defaultSearchLimit = 10
	maxSearchLimit     = 50
	maxQueryRunes      = 50
)

// likePattern makes q a LIKE pattern matching it anywhere, its own % _ and
// \ taken literally.
func likePattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

func (s *Service) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.Join(strings.Fields(r.URL.Query().Get("q")), " ")
	if q == "" {
		return api.BadRequest("q", "请输入要查找的名称（q）")
	}
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return api.BadRequest("q", "查找的文字最多 "+strconv.Itoa(maxQueryRunes)+" 个字")
	}
	if api.HasNUL(q) {
		return api.BadRequest("q", "查找的文字含有不允许的字符")
	}
	limit := defaultSearchLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSearchLimit {
			return api.BadRequest("limit", "limit 须为 1 到 "+strconv.Itoa(maxSearchLimit)+" 的整数")
		}
		limit = n
	}
	// Each part: kind, layer, id, name, ref, class, rank of the kind, point,
	// extent (NULL for points).
	parts := []string{`SELECT n.kind, '', '', n.name, COALESCE(n.ref, ''), n.class,
			CASE n.kind WHEN 'township' THEN 0 WHEN 'place' THEN 1 WHEN 'road' THEN 2 WHEN 'water' THEN 4 ELSE 5 END,
			n.point, CASE WHEN GeometryType(n.extent) = 'POINT' THEN NULL ELSE n.extent END
		FROM basemap_names n WHERE n.name ILIKE $1 OR n.ref ILIKE $1`}
	for _, l := range searchLayers {
		if rl, ok := layers.ByName(l.layer); !ok || auth.Check(r.Context(), rl.CanRead()) != nil {
			continue
		}
		parts = append(parts, `SELECT 'feature', '`+l.layer+`', t.id::text, `+l.name+`, '', '`+l.layer+`', 3,
			ST_PointOnSurface(`+l.geom+`), CASE WHEN GeometryType(t.geom) = 'POINT' THEN NULL ELSE ST_Envelope(t.geom) END
			FROM `+l.layer+` t WHERE `+l.name+` ILIKE $1`)
	}
	query := `SELECT kind, layer, id, name, ref, class, ST_X(pt), ST_Y(pt), ST_XMin(ext), ST_YMin(ext), ST_XMax(ext), ST_YMax(ext)
		FROM (` + strings.Join(parts, " UNION ALL ") + `) AS r(kind, layer, id, name, ref, class, kind_rank, pt, ext)
		ORDER BY CASE WHEN lower(name) = lower($2) OR lower(ref) = lower($2) THEN 0
		              WHEN name ILIKE $3 OR ref ILIKE $3 THEN 1 ELSE 2 END,
			kind_rank, char_length(name), name, id
		LIMIT $4`
	prefix := strings.TrimPrefix(likePattern(q), "%")
	rows, err := s.pool.Query(r.Context(), query, likePattern(q), q, prefix, limit)
	if err != nil {
		return err
	}
	defer rows.Close()
	results := []Result{}
	for rows.Next() {
		var (
			res            Result
			x0, y0, x1, y1 *float64
		)
		if err := rows.Scan(&res.Kind, &res.Layer, &res.ID, &res.Name, &res.Ref, &res.Class, &res.Lon, &res.Lat, &x0, &y0, &x1, &y1); err != nil {
			return err
		}
		if x0 != nil {
			res.BBox = &[4]float64{*x0, *y0, *x1, *y1}
		}
		res.Label = classLabels[res.Class]
		if res.Kind == "feature" {
			for _, l := range searchLayers {
				if l.layer == res.Layer {
					res.Label = l.label
				}
			}
			res.Class = ""
		}
		results = append(results, res)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return api.WriteJSON(w, http.StatusOK, map[string]any{"query": q, "results": results})
}
