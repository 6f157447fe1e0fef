package registry

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ident quotes an identifier that comes from a layer definition (never from
// a request).
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// featureExpr is the SQL that makes one row into its GeoJSON Feature, as
// text. PostGIS writes the geometry; Go never decodes it on the way out.
func (l *Layer) featureExpr(alias string) string { return l.featureExprOf(alias, nil) }

// featureExprOf is featureExpr with only the properties named in props
// (nil: every one), for a client that asked for fewer bytes.
func (l *Layer) featureExprOf(alias string, props []string) string {
	return l.featureObject(alias, props, "json") + "::text"
}

// featureJSONB is the Feature of a row as jsonb, for a statement that
// stores it (a history row) without going through text and back.
func (l *Layer) featureJSONB(alias string) string { return l.featureObject(alias, nil, "jsonb") }

// featureObject builds the Feature as json or jsonb (typ).
func (l *Layer) featureObject(alias string, props []string, typ string) string {
	col := func(c string) string { return alias + "." + ident(c) }
	want := func(name string) bool { return props == nil || slices.Contains(props, name) }
	var b strings.Builder
	b.WriteString(typ + "_build_object('type', 'Feature', 'id', " + col("id") + "::text" +
		", 'geometry', ST_AsGeoJSON(" + col("geom") + ")::" + typ + ", 'properties', " + typ + "_build_object(")
	sep := ""
	for _, name := range []string{"version", "updated_at"} {
		if want(name) {
			b.WriteString(sep + "'" + name + "', " + col(name))
			sep = ", "
		}
	}
	for _, f := range l.Fields {
		if !want(f.Name) {
			continue
		}
		b.WriteString(sep + "'" + f.Name + "', ")
		sep = ", "
		if f.Kind == Point {
			b.WriteString("ST_AsGeoJSON(" + col(f.Name) + ")::" + typ)
		} else {
			b.WriteString(col(f.Name))
		}
	}
	b.WriteString("))")
	return b.String()
}

// placeholder is the SQL for bound parameter n of a field's kind.
func placeholder(k Kind, n int) string {
	p := "$" + strconv.Itoa(n)
	switch k {
	case Text:
		return p + "::text"
	case Integer:
		return p + "::integer"
	case Number:
		return p + "::double precision"
	case Boolean:
		return p + "::boolean"
	case Date:
		return p + "::date"
	case Timestamp:
		return p + "::timestamptz"
	case Tags:
		return p + "::text[]"
	case Point:
		return "ST_SetSRID(ST_GeomFromGeoJSON(" + p + "::text), 4326)"
	case Lines, JSON:
		return p + "::jsonb"
	}
	panic(fmt.Sprintf("registry: unknown kind %d", k))
}

// bindValue turns a validated Go value into what pgx binds for its kind.
func bindValue(k Kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if k == Lines || k == JSON {
		return json.Marshal(v)
	}
	return v, nil
}

// columnsFor lists the fields a write sets: every writable field, and the
// read-only ones the Prepare hook computed.
func (l *Layer) columnsFor(in *Input) []Field {
	out := make([]Field, 0, len(l.Fields))
	for _, f := range l.Fields {
		if _, ok := in.Values[f.Name]; ok || !f.ReadOnly {
			out = append(out, f)
		}
	}
	return out
}

// insertSQL builds the INSERT for in and its arguments.
func (l *Layer) insertSQL(in *Input) (string, []any, error) {
	cols := []string{"geom"}
	vals := []string{"ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)"}
	args := []any{in.Geometry.GeoJSON}
	for _, f := range l.columnsFor(in) {
		v, err := bindValue(f.Kind, in.Values[f.Name])
		if err != nil {
			return "", nil, err
		}
		args = append(args, v)
		cols = append(cols, ident(f.Name))
		vals = append(vals, placeholder(f.Kind, len(args)))
	}
	q := "INSERT INTO " + ident(l.Table) + " (" + strings.Join(cols, ", ") + ") VALUES (" +
		strings.Join(vals, ", ") + ") RETURNING id"
	return q, args, nil
}

// updateSQL builds the UPDATE of row id to in (geometry optional: nil keeps it).
func (l *Layer) updateSQL(id int64, in *Input, fields []Field) (string, []any, error) {
	args := []any{id}
	sets := []string{"version = version + 1", "updated_at = now()"}
	if in.Geometry != nil {
		args = append(args, in.Geometry.GeoJSON)
		sets = append(sets, "geom = ST_SetSRID(ST_GeomFromGeoJSON($2::text), 4326)")
	}
	for _, f := range fields {
		v, err := bindValue(f.Kind, in.Values[f.Name])
		if err != nil {
			return "", nil, err
		}
		args = append(args, v)
		sets = append(sets, ident(f.Name)+" = "+placeholder(f.Kind, len(args)))
	}
	q := "UPDATE " + ident(l.Table) + " SET " + strings.Join(sets, ", ") + " WHERE id = $1"
	return q, args, nil
}

// FeatureSQL is the SQL expression (text) of the Feature of the layer's row
// under alias, exactly as GET returns it: for a write that returns its rows'
// Features itself (UPDATE … RETURNING) rather than reading them again.
func (l *Layer) FeatureSQL(alias string) string { return l.featureExpr(alias) }

// SnapshotSQL is the live stream's snapshot query for the layer: one Feature
// per row, exactly as GET returns it, $1..$4 an optional bounding box (all
// NULL for none) tested with && so the GiST index serves it.
// The box is tested against where the feature is on the map: its PlaceBy
// point when set (a team at its last fix), else its geometry.
func (l *Layer) SnapshotSQL() string {
	where := "t.geom"
	if l.PlaceBy != "" {
		where = "COALESCE(t." + ident(l.PlaceBy) + ", t.geom)"
	}
	return "SELECT " + l.featureExpr("t") + "::json FROM " + ident(l.Table) + " t " +
		"WHERE $1::float8 IS NULL OR " + where + " && ST_MakeEnvelope($1, $2, $3, $4, 4326) ORDER BY t.id"
}
