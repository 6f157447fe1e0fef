package ogc

import (
	"context"
	"strconv"
	"strings"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/db"
)

// featureSQL makes one row into its GeoJSON Feature, as text; PostGIS
// writes the geometry.
func (c *Collection) featureSQL() string {
	var b strings.Builder
	b.WriteString("json_build_object('type', 'Feature', 'id', " + c.IDSQL +
		", 'geometry', ST_AsGeoJSON(" + c.Geom + ")::json, 'properties', json_build_object(")
	for i, p := range c.Props {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + p.Name + "', " + p.SQL)
	}
	b.WriteString("))::text")
	return b.String()
}

func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// page is one page of items.
type page struct {
	features []string
	lastID   int64
	more     bool
	matched  int64
}

// items reads one page and the number of all matching features.
func (c *Collection) items(ctx context.Context, q db.Querier, iq *itemsQuery) (*page, error) {
	conds := append(append([]string(nil), iq.where...), c.IDSQL+" > "+strconv.FormatInt(iq.after, 10))
	sql := "SELECT " + c.IDSQL + ", " + c.featureSQL() + " FROM " + c.From + where(conds) +
		" ORDER BY " + c.IDSQL + " LIMIT " + strconv.Itoa(iq.limit+1)
	rows, err := q.Query(ctx, sql, iq.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &page{}
	for rows.Next() {
		var (
			id int64
			f  string
		)
		if err := rows.Scan(&id, &f); err != nil {
			return nil, err
		}
		if len(p.features) == iq.limit {
			p.more = true
			break
		}
		p.features = append(p.features, f)
		p.lastID = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if iq.after <= 0 && !p.more {
		// The first page holds every match: counting them again would
		// double the work of the common case, a viewport.
		p.matched = int64(len(p.features))
		return p, nil
	}
	if err := q.QueryRow(ctx, "SELECT count(*) FROM "+c.From+where(iq.where), iq.args...).Scan(&p.matched); err != nil {
		return nil, err
	}
	return p, nil
}

// item reads one feature; a missing one is a 404.
func (c *Collection) item(ctx context.Context, q db.Querier, id int64) (string, error) {
	var conds []string
	if c.Where != "" {
		conds = append(conds, c.Where)
	}
	conds = append(conds, c.IDSQL+" = $1")
	var f string
	err := q.QueryRow(ctx, "SELECT "+c.featureSQL()+" FROM "+c.From+where(conds), id).Scan(&f)
	if db.IsNotFound(err) {
		return "", api.NotFound("集合 " + c.ID + " 中的要素 " + strconv.FormatInt(id, 10))
	}
	return f, err
}

// extent is a collection's spatial and temporal extent from its data.
type extent struct {
	bbox       *[4]float64
	start, end *time.Time
}

func (c *Collection) extent(ctx context.Context, q db.Querier) (extent, error) {
	var (
		e              extent
		x0, y0, x1, y1 *float64
		timeSQL        = "NULL::timestamptz, NULL::timestamptz"
	)
	if c.Time != "" {
		timeSQL = "min(" + c.Time + "), max(" + c.Time + ")"
	}
	sql := "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), s, f FROM (SELECT ST_Extent(" + c.Geom + ") e, " +
		timeSQL + " FROM " + c.From + where(whereOf(c)) + ") x(e, s, f)"
	if err := q.QueryRow(ctx, sql).Scan(&x0, &y0, &x1, &y1, &e.start, &e.end); err != nil {
		return e, err
	}
	if x0 != nil {
		e.bbox = &[4]float64{*x0, *y0, *x1, *y1}
	}
	return e, nil
}

func whereOf(c *Collection) []string {
	if c.Where == "" {
		return nil
	}
	return []string{c.Where}
}
