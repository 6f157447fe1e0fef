package layers

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"sitrep/hazards"
	"sitrep/internal/api"
	"sitrep/internal/db"
	"sitrep/internal/journal"
	"sitrep/internal/registry"
)

// PeopleMethod documents how people_within_500m is counted.
const PeopleMethod = "GB 18218-2018 表5：厂区边界向外扩展 500 米范围内常住人口。对与场地 500 m 缓冲区（在 WGS 84 椭球面上）" +
	"相交的每个人口网格，取夜间（常住）人口 × 网格落在缓冲区内的面积比例，求和后四舍五入到人。" +
	"用夜间人口，是因为表5 统计的是常住人口。"

// GradingNote is what the grading says about S, R and α.
const GradingNote = "S ≥ 1 即构成重大危险源；S < 1 时 R 与 α 仅供参考，不定级"

// peopleSQL counts people within 500 m of a site given as GeoJSON. ST_DWithin
// on geography picks the candidate cells through the geography GiST index;
// the buffer (32 segments per quarter circle, so its area is within 0.1 % of
// the true disc) gives each cell's share.
const peopleSQL = `WITH site AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)::geography AS g),
	ring AS (SELECT g, ST_Buffer(g, 500, 'quad_segs=32') AS b FROM site)
	SELECT coalesce(round(sum(c.night_people * ST_Area(ST_Intersection(c.geom::geography, ring.b))
		/ nullif(ST_Area(c.geom::geography), 0))), 0)::integer
	FROM population_cells c, ring
	WHERE ST_DWithin(c.geom::geography, ring.g, 500)`

// PeopleWithin500m counts the residents within 500 m of a site.
func PeopleWithin500m(ctx context.Context, q db.Querier, siteGeoJSON string) (int, error) {
	var n int
	err := q.QueryRow(ctx, peopleSQL, siteGeoJSON).Scan(&n)
	return n, err
}

// computed grades an inventory at a site and returns the read-only columns.
func computed(ctx context.Context, q db.Querier, site string, lines []registry.Line) (map[string]any, error) {
	people, err := PeopleWithin500m(ctx, q, site)
	if err != nil {
		return nil, err
	}
	res, err := hazards.GradeInventory(holdings(lines), people)
	if err != nil {
		return nil, api.Invalid(gradeError(err))
	}
	how, err := json.Marshal(map[string]any{
		"standard": "GB 18218-2018", "terms": res.Terms, "people_method": PeopleMethod,
		"note": GradingNote,
	})
	if err != nil {
		return nil, err
	}
	var grade any
	if res.Grade != hazards.GradeNone {
		grade = string(res.Grade)
	}
	return map[string]any{
		"s": res.S, "r": res.R, "alpha": res.Alpha, "people_within_500m": int64(people),
		"major": res.Major, "grade": grade, "grading": json.RawMessage(how),
	}, nil
}

// gradingLock serialises writes that change a grade's inputs: a hazard
// source's site or inventory, and population cells. Without it, a source moved
// next to a cell while that cell's count changes in another transaction would
// be graded by neither against the other (each reads the other's old state).
// Both kinds of write are rare, so one lock costs nothing.
func gradingLock(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sitrep:hazard-grading'))`)
	return err
}

func prepareGrade(ctx context.Context, tx pgx.Tx, in *registry.Input) error {
	if err := gradingLock(ctx, tx); err != nil {
		return err
	}
	lines, _ := in.Values["inventory"].([]registry.Line)
	vals, err := computed(ctx, tx, in.Geometry.GeoJSON, lines)
	if err != nil {
		return err
	}
	for k, v := range vals {
		in.Values[k] = v
	}
	return nil
}

// RegradeNear re-grades every hazard source within 500 m of any of the
// geometries (GeoJSON; empty ones are skipped) — the population cells a
// write changed, before and after — inside tx. Each source whose count,
// α, R or grade changed is written as a new version and returned as a
// change, so it is audited and reaches the map.
func RegradeNear(ctx context.Context, tx pgx.Tx, actor journal.Actor, geoms ...string) ([]journal.Change, error) {
	var list []string
	for _, g := range geoms {
		if g != "" {
			list = append(list, g)
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	if err := gradingLock(ctx, tx); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT h.id FROM hazard_sources h, unnest($1::text[]) AS x(g)
		WHERE ST_DWithin(h.geom::geography, ST_SetSRID(ST_GeomFromGeoJSON(x.g), 4326)::geography, 500)
		ORDER BY h.id`, list)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	var changes []journal.Change
	for _, id := range ids {
		c, changed, err := Regrade(ctx, tx, actor, id)
		if err != nil {
			return nil, err
		}
		if changed {
			changes = append(changes, c)
		}
	}
	return changes, nil
}

// Regrade recomputes one source's grading and stores it if anything differs.
func Regrade(ctx context.Context, tx pgx.Tx, actor journal.Actor, id int64) (journal.Change, bool, error) {
	var (
		site, inv   string
		people      int
		alpha, r, s float64
		grade       *string
	)
	err := tx.QueryRow(ctx, `SELECT ST_AsGeoJSON(geom), inventory::text, people_within_500m, alpha, r, s, grade
		FROM hazard_sources WHERE id = $1 FOR UPDATE`, id).Scan(&site, &inv, &people, &alpha, &r, &s, &grade)
	if err != nil {
		return journal.Change{}, false, err
	}
	var lines []registry.Line
	if err := json.Unmarshal([]byte(inv), &lines); err != nil {
		return journal.Change{}, false, err
	}
	for _, l := range lines { // stored JSON → the types the engine validated
		if cls, ok := l["hazard_classes"].([]any); ok {
			ss := make([]string, len(cls))
			for i, c := range cls {
				ss[i], _ = c.(string)
			}
			l["hazard_classes"] = ss
		}
	}
	vals, err := computed(ctx, tx, site, lines)
	if err != nil {
		return journal.Change{}, false, err
	}
	newGrade, _ := vals["grade"].(string)
	oldGrade := ""
	if grade != nil {
		oldGrade = *grade
	}
	if vals["people_within_500m"].(int64) == int64(people) && vals["alpha"].(float64) == alpha &&
		vals["r"].(float64) == r && vals["s"].(float64) == s && newGrade == oldGrade {
		return journal.Change{}, false, nil
	}
	c, err := HazardSources.SetComputed(ctx, tx, actor, id, vals)
	return c, err == nil, err
}
