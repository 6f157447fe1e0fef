package registry

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"sitrep/internal/db"
)

// Page is what List says of the page it wrote.
type Page struct {
	// Count is the features written.
	Count int
	// More says that features follow; the next page starts after LastID.
	More   bool
	LastID int64
}

// List writes the page of the layer that lq asks for to buf: its features
// in id order, each as GET returns it, separated by commas. Each feature's
// bytes go from the driver's buffer straight into buf: a viewport of
// hundreds of features is the map's hot path, and a string per feature
// was most of its garbage.
func (l *Layer) List(ctx context.Context, q db.Querier, lq *ListQuery, buf *bytes.Buffer) (*Page, error) {
	where, args := l.listWhere(lq)
	rows, err := q.Query(ctx, "SELECT t.id, "+l.featureExprOf("t", lq.props)+" FROM "+ident(l.Table)+" t WHERE "+
		strings.Join(where, " AND ")+" ORDER BY t.id LIMIT $2", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := &Page{}
	for rows.Next() {
		var (
			id      int64
			feature pgtype.DriverBytes // valid until the next row
		)
		if err := rows.Scan(&id, &feature); err != nil {
			return nil, err
		}
		// One row past the limit was asked for, to know whether it exists.
		if page.Count == lq.limit {
			page.More = true
			break
		}
		if page.Count > 0 {
			buf.WriteByte(',')
		}
		buf.Write(feature)
		page.Count++
		page.LastID = id
	}
	rows.Close()
	return page, rows.Err()
}

// listWhere builds the conditions of lq; $1 is the id to start after and $2
// the row limit.
func (l *Layer) listWhere(lq *ListQuery) ([]string, []any) {
	args := []any{lq.after, lq.limit + 1}
	where := []string{"t.id > $1"}
	if lq.bbox != nil {
		// The envelope is built in the column's own SRID (4326), so the
		// && operator can use the GiST index on geom; ST_Intersects then
		// drops what only the boxes share.
		args = append(args, lq.bbox[0], lq.bbox[1], lq.bbox[2], lq.bbox[3])
		env := "ST_MakeEnvelope($3, $4, $5, $6, 4326)"
		where = append(where, "t.geom && "+env, "ST_Intersects(t.geom, "+env+")")
	}
	for _, f := range lq.filters {
		col := "t." + ident(f.field.Name)
		switch f.field.Kind {
		case Tags:
			args = append(args, f.values)
			where = append(where, col+" && $"+strconv.Itoa(len(args))+"::text[]")
		case Boolean:
			args = append(args, f.values[0] == "true")
			where = append(where, col+" = $"+strconv.Itoa(len(args))+"::boolean")
		default:
			args = append(args, f.values)
			where = append(where, col+"::text = ANY($"+strconv.Itoa(len(args))+"::text[])")
		}
	}
	return where, args
}
