package zones

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"time"

	"sitrep/internal/areas"

	"sitrep/internal/db"
)

// cellShare is the part of one population cell inside a zone.
type cellShare struct {
	ID int64
	// People is the cell's count at the zone's time (day or night).
	People int64
	// Fraction of the cell's area inside the zone, 0..1.
	Fraction float64
	// Lon, Lat: the cell's centroid, where its people are taken to start.
	Lon, Lat float64
	// Township is the cell's township code ("" when it has none).
	Township string
}

// Inside is the cell's people inside the zone, rounded up: for evacuation,
// a part of a person is a person (the total is conservative by less than
// one person per cut cell, and each cell's count is a whole number to place).
func (c cellShare) Inside() int64 {
	if c.Fraction >= 1 {
		return c.People
	}
	return int64(math.Ceil(float64(c.People)*c.Fraction - 1e-9))
}

// AreaMethod says how cut cells are weighted; the API reports it.
const AreaMethod = "网格与区域在 WGS 84 经纬度下求交（按存储的边界）；面积在 WGS 84 椭球面上计算（PostGIS 对 geography 的 ST_Area）；" +
	"完全在区域内的网格不裁剪，全数计入"

// cellsSQL finds the cells meeting zone $1 and the share of each inside it;
// ST_Intersects uses the GiST index, ST_CoveredBy skips clipping cells that
// are wholly inside (most of them, in a large zone).
const cellsSQL = `WITH z AS (SELECT z.geom, r.day FROM zones z JOIN zone_runs r ON r.id = z.run_id WHERE z.id = $1)
SELECT c.id,
	CASE WHEN z.day THEN COALESCE(c.day_people, c.night_people) ELSE c.night_people END,
	CASE WHEN ST_CoveredBy(c.geom, z.geom) THEN 1.0
	     ELSE LEAST(1.0, ST_Area(ST_Intersection(c.geom, z.geom)::geography) / NULLIF(ST_Area(c.geom::geography), 0)) END,
	ST_X(ST_Centroid(c.geom)), ST_Y(ST_Centroid(c.geom)), COALESCE(c.township_code, '')
FROM population_cells c, z
WHERE ST_Intersects(c.geom, z.geom)
ORDER BY c.id`

func cellsIn(ctx context.Context, q db.Querier, zoneID int64) ([]cellShare, error) {
	rows, err := q.Query(ctx, cellsSQL, zoneID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cellShare
	for rows.Next() {
		var (
			c    cellShare
			frac *float64
		)
		if err := rows.Scan(&c.ID, &c.People, &frac, &c.Lon, &c.Lat, &c.Township); err != nil {
			return nil, err
		}
		if frac != nil {
			c.Fraction = *frac
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Impact is what lies inside a zone.
type Impact struct {
	ZoneID   int64     `json:"zone_id"`
	At       time.Time `json:"at"`
	Evacuate bool      `json:"evacuate"`
	// Counts is "day" or "night": which population count was used (by the
	// sun at the source at the zone's time).
	Counts string `json:"counts"`
	// People is the sum over cells of each cell's people inside, rounded up
	// per cell; PeopleEstimate is the unrounded area-weighted sum.
	People         int64   `json:"people"`
	PeopleEstimate float64 `json:"people_estimate"`
	// ByTownship splits People by the cells' townships (set from where each
	// cell lies once township boundaries are loaded), largest first; cells
	// without a township count under code "".
	ByTownship []TownshipPeople `json:"by_township"`
	Cells      int              `json:"cells"`
	CellsCut   int              `json:"cells_cut"`
	AreaMethod string           `json:"area_method"`
	// SitesByKind: sensitive sites inside, by hazards.SiteKind.
	SitesByKind map[string][]Item `json:"sites_by_kind"`
	// HazardSources inside: a secondary accident is possible.
	HazardSources []Item `json:"hazard_sources"`
	// Shelters inside cannot take evacuees.
	Shelters []Item `json:"shelters"`
	// RescueTeams inside, by their last position (home base when none).
	RescueTeams []Item `json:"rescue_teams"`
	// Roads inside, by name and route number (unnamed ones by class), with
	// their length inside on the ellipsoid, longest first; null when no
	// road data is loaded (sitrep basemap import).
	Roads []RoadInside `json:"roads"`
	Notes []string     `json:"notes"`
}

// TownshipPeople is the people inside a zone from one township's cells.
type TownshipPeople struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	People int64  `json:"people"`
}

// byTownship sums each township's cells' people inside, largest first.
func byTownship(cells []cellShare) []TownshipPeople {
	sums := map[string]int64{}
	for _, c := range cells {
		sums[c.Township] += c.Inside()
	}
	out := make([]TownshipPeople, 0, len(sums))
	for code, n := range sums {
		name := areas.TownshipName(code)
		if code == "" {
			name = "未归属乡镇"
		}
		out = append(out, TownshipPeople{Code: code, Name: name, People: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].People != out[j].People {
			return out[i].People > out[j].People
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// RoadInside is one road (all its segments of one name and route number)
// inside a zone.
type RoadInside struct {
	Name    string  `json:"name"`
	Ref     string  `json:"ref"`
	Class   string  `json:"class"`
	LengthM float64 `json:"length_m"`
}

// roadsSQL groups the roads meeting zone $1 by name and route number
// (unnamed ones by class) with their length inside; a road wholly inside is
// measured without clipping.
const roadsSQL = `SELECT COALESCE(r.name, ''), COALESCE(r.ref, ''), min(r.class),
	round(sum(ST_Length((CASE WHEN ST_Covers(z.geom, r.geom) THEN r.geom ELSE ST_Intersection(r.geom, z.geom) END)::geography)))
FROM zones z JOIN basemap_roads r ON ST_Intersects(z.geom, r.geom)
WHERE z.id = $1
GROUP BY COALESCE(r.name, ''), COALESCE(r.ref, ''), CASE WHEN r.name IS NULL AND r.ref IS NULL THEN r.class END
ORDER BY 4 DESC, 1, 2`

// roadsIn lists the roads inside zone id, nil when no road data is loaded.
func roadsIn(ctx context.Context, q db.Querier, id int64) ([]RoadInside, error) {
	var loaded bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM basemap_roads)`).Scan(&loaded); err != nil || !loaded {
		return nil, err
	}
	rows, err := q.Query(ctx, roadsSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RoadInside{}
	for rows.Next() {
		var r RoadInside
		if err := rows.Scan(&r.Name, &r.Ref, &r.Class, &r.LengthM); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Item names one feature inside a zone.
type Item struct {
	ID    int64           `json:"id"`
	Name  string          `json:"name"`
	Extra json.RawMessage `json:"properties,omitempty"`
}

// Impact answers what lies inside zone id.
func (s *Store) Impact(ctx context.Context, id int64) (*Impact, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	// One snapshot for every count, so they agree with each other.
	if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`); err != nil {
		return nil, err
	}
	if _, _, err := s.Get(ctx, tx, id, false); err != nil {
		return nil, err
	}
	im := &Impact{ZoneID: id, AreaMethod: AreaMethod, SitesByKind: map[string][]Item{}, Notes: []string{}}
	var day bool
	if err := tx.QueryRow(ctx, `SELECT r.at, r.day, z.evacuate FROM zones z JOIN zone_runs r ON r.id = z.run_id WHERE z.id = $1`, id).
		Scan(&im.At, &day, &im.Evacuate); err != nil {
		return nil, err
	}
	im.At = im.At.UTC()
	im.Counts = "night"
	if day {
		im.Counts = "day"
	}
	cells, err := cellsIn(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range cells {
		im.Cells++
		if c.Fraction < 1 {
			im.CellsCut++
		}
		im.People += c.Inside()
		im.PeopleEstimate += float64(c.People) * c.Fraction
	}
	im.PeopleEstimate = math.Round(im.PeopleEstimate*10) / 10
	im.ByTownship = byTownship(cells)
	if im.Roads, err = roadsIn(ctx, tx, id); err != nil {
		return nil, err
	}
	if im.Roads == nil {
		im.Notes = append(im.Notes, "道路：未加载道路数据（sitrep basemap import），区域内的道路未统计")
	}

	type list struct {
		sql string
		dst *[]Item
	}
	rows, err := tx.Query(ctx, `SELECT s.kind, s.id, s.name, json_build_object('people', s.people)
		FROM zones z JOIN sensitive_sites s ON ST_Intersects(z.geom, s.geom) WHERE z.id = $1 ORDER BY s.kind, s.id`, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			kind string
			it   Item
		)
		if err := rows.Scan(&kind, &it.ID, &it.Name, &it.Extra); err != nil {
			rows.Close()
			return nil, err
		}
		im.SitesByKind[kind] = append(im.SitesByKind[kind], it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, l := range []list{
		{`SELECT h.id, h.name, json_build_object('enterprise', h.enterprise, 'grade', h.grade, 'major', h.major)
			FROM zones z JOIN hazard_sources h ON ST_Intersects(z.geom, h.geom) WHERE z.id = $1 ORDER BY h.id`, &im.HazardSources},
		{`SELECT s.id, s.name, json_build_object('capacity', s.capacity, 'occupancy', s.occupancy, 'status', s.status)
			FROM zones z JOIN shelters s ON ST_Intersects(z.geom, s.geom) WHERE z.id = $1 ORDER BY s.id`, &im.Shelters},
		{`SELECT t.id, t.name, json_build_object('status', t.status, 'kind', t.kind, 'observed_at', t.observed_at,
				'position', CASE WHEN t.last_position IS NULL THEN 'home_base' ELSE 'last_position' END)
			FROM zones z JOIN rescue_teams t ON ST_Intersects(z.geom, COALESCE(t.last_position, t.geom)) WHERE z.id = $1 ORDER BY t.id`, &im.RescueTeams},
	} {
		*l.dst = []Item{}
		rows, err := tx.Query(ctx, l.sql, id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var it Item
			if err := rows.Scan(&it.ID, &it.Name, &it.Extra); err != nil {
				rows.Close()
				return nil, err
			}
			*l.dst = append(*l.dst, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return im, nil
}
