package registry

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"sitrep/internal/api"
	"sitrep/internal/db"
)

// checkInDB runs the checks that need PostGIS or the stored rows.
func (l *Layer) checkInDB(ctx context.Context, tx pgx.Tx, in *Input, self int64) error {
	var errs []api.FieldError
	geoms := []struct{ ptr, geojson string }{{"/geometry", in.Geometry.GeoJSON}}
	for _, f := range l.Fields {
		if s, ok := in.Values[f.Name].(string); ok && f.Kind == Point {
			geoms = append(geoms, struct{ ptr, geojson string }{"/properties/" + f.Name, s})
		}
	}
	for _, g := range geoms {
		fe, err := checkGeometryInDB(ctx, tx, g.geojson, g.ptr)
		if err != nil {
			return err
		}
		if fe != nil {
			errs = append(errs, *fe)
		}
	}
	if len(errs) > 0 {
		return api.Invalid(errs...)
	}
	for _, u := range l.Unique {
		var (
			conds []string
			args  = []any{self}
			skip  bool
		)
		for _, name := range u.Fields {
			v := in.Values[name]
			if v == nil {
				skip = true // NULLs never collide
				break
			}
			args = append(args, v)
			conds = append(conds, ident(name)+" = $"+strconv.Itoa(len(args)))
		}
		if skip {
			continue
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+ident(l.Table)+" WHERE id <> $1 AND "+
			strings.Join(conds, " AND ")+")", args...).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return l.duplicate(u)
		}
	}
	return nil
}

// duplicate names the clash by the fields' titles ("已有企业、名称与此相同的要素").
func (l *Layer) duplicate(u Unique) error {
	fe := l.duplicateFault(u)
	return api.Conflict(fe.Field, fe.Detail)
}

// duplicateFault is the field and words of a clash under rule u.
func (l *Layer) duplicateFault(u Unique) api.FieldError {
	last := u.Fields[len(u.Fields)-1]
	return api.FieldError{Field: "/properties/" + last, Detail: "已有" + l.titles(u.Fields) + "与此相同的要素"}
}

// titles joins the Chinese titles of the named fields.
func (l *Layer) titles(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		f, _ := l.Field(n)
		out[i] = f.Title
	}
	return strings.Join(out, "、")
}

// checkGeometryInDB asks PostGIS whether the shape is valid and whether its
// coordinates look swapped (see swappedSQL).
func checkGeometryInDB(ctx context.Context, tx pgx.Tx, geojson, ptr string) (*api.FieldError, error) {
	var (
		valid   bool
		reason  string
		swapped bool
	)
	err := tx.QueryRow(ctx, `WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) AS g)
		SELECT ST_IsValid(g.g), ST_IsValidReason(g.g), `+swappedSQL("g.g")+` FROM g`, geojson).Scan(&valid, &reason, &swapped)
	if err != nil {
		return nil, err
	}
	return geometryFault(ptr, valid, reason, swapped), nil
}

// swappedSQL is SQL for whether the geometry g (valid or not) looks like
// [lat, lon]: more than 50 km from the county, while its lon/lat-flipped
// twin lies inside it (the county is at 87.4°E 43.5°N, and 87.4 is a valid
// latitude, so the ±90° check alone cannot catch it). The flipped point's
// bounding box is far from the county for every right-way-round geometry,
// so the geography distance is seldom computed.
func swappedSQL(g string) string {
	return `(ST_IsValid(` + g + `) AND EXISTS (SELECT 1 FROM admin_areas a WHERE a.is_county
		AND ST_Intersects(a.geom, ST_FlipCoordinates(` + g + `))
		AND NOT ST_DWithin(a.geom::geography, (` + g + `)::geography, 50000)))`
}

// geometryFault is the fault of the geometry at ptr, by what PostGIS said
// of it (ST_IsValidReason says why a shape is not valid: a
// self-intersection and where), or nil.
func geometryFault(ptr string, valid bool, reason string, swapped bool) *api.FieldError {
	switch {
	case !valid:
		return &api.FieldError{Field: ptr, Detail: "几何无效：" + db.ValidityReason(reason)}
	case swapped:
		return &api.FieldError{Field: ptr + "/coordinates", Detail: "经纬度疑似写反：按原样在县外很远处，" +
			"对调后落在县内；请把经度与纬度对调"}
	}
	return nil
}

// writeError turns a constraint violation that slipped past the checks
// (a concurrent duplicate) into a client problem.
func (l *Layer) writeError(err error) error {
	if c := db.UniqueViolation(err); c != "" {
		for _, u := range l.Unique {
			if u.Constraint == c {
				return l.duplicate(u)
			}
		}
		return api.Conflict("/properties", "已有相同键值的要素（"+c+"）")
	}
	if c := db.CheckViolation(err); c != "" {
		return api.InvalidField("/properties", "违反规则 "+c)
	}
	if c := db.ForeignKeyViolation(err); c != "" {
		// The layer's Prepare hook checks what a feature refers to, under a
		// lock; this is the backstop.
		return api.Conflict("/properties", "引用的要素不存在或已被删除（"+c+"）")
	}
	return err
}
