package basemap

import (
	"context"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/areas"
)

// TownshipMatch is one township boundary (admin_level 8) of a load and the
// county's division it was matched to.
type TownshipMatch struct {
	Name string `json:"name"`
	// Code is the division code; "" when the boundary matches none of the
	// county's townships (a neighbour's, or a name Sitrep does not know),
	// and then it is drawn but attributes nothing.
	Code string `json:"code"`
}

// divisionRef is a division code in a boundary's ref tag: 9 digits, or 12
// (the NBS form, ending in 000).
var divisionRef = regexp.MustCompile(`^(\d{9})(000)?$`)

// townshipSuffixes are dropped before names are compared: OpenStreetMap and
// the division list do not always agree on them (清水泉片区管委会街道 is
// 清水泉街道 on some maps).
var townshipSuffixes = []string{"片区管委会街道", "管委会街道", "街道办事处", "片区", "街道", "镇", "乡"}

func townshipKey(name string) string {
	name = strings.TrimSpace(name)
	for _, s := range townshipSuffixes {
		if k := strings.TrimSuffix(name, s); k != name && len([]rune(k)) >= 2 {
			return k
		}
	}
	return name
}

// matchTownship finds the county's township a boundary is: by a division
// code in its ref, else by name (exact, then without the suffixes).
func matchTownship(name, ref string) string {
	if m := divisionRef.FindStringSubmatch(strings.TrimSpace(ref)); m != nil && areas.TownshipName(m[1]) != "" {
		return m[1]
	}
	for _, t := range areas.Townships {
		if t.Name == strings.TrimSpace(name) {
			return t.Code
		}
	}
	key := townshipKey(name)
	for _, t := range areas.Townships {
		if townshipKey(t.Name) == key {
			return t.Code
		}
	}
	return ""
}

// matchTownships sets the code of each township boundary of the load that
// lies in the county (when one is loaded) and matches one of its
// townships, and reports them all.
func matchTownships(ctx context.Context, tx pgx.Tx) ([]TownshipMatch, error) {
	rows, err := tx.Query(ctx, `SELECT b.id, b.name, COALESCE(s.ref, ''),
			NOT EXISTS (SELECT 1 FROM admin_areas WHERE is_county)
			OR EXISTS (SELECT 1 FROM admin_areas a WHERE a.is_county AND ST_Intersects(a.geom, b.label))
		FROM basemap_boundaries b
		LEFT JOIN `+stagingSchema+`.multipolygons s ON `+areaIDSQL+` = b.osm_id
		WHERE b.admin_level = 8 ORDER BY b.name, b.id`)
	if err != nil {
		return nil, err
	}
	type row struct {
		id        int64
		name, ref string
		inCounty  bool
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.ref, &r.inCounty); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []TownshipMatch{}
	for _, r := range all {
		m := TownshipMatch{Name: r.name}
		if r.inCounty {
			m.Code = matchTownship(r.name, r.ref)
		}
		if m.Code != "" {
			if _, err := tx.Exec(ctx, `UPDATE basemap_boundaries SET code = $2 WHERE id = $1`, r.id, m.Code); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, nil
}
