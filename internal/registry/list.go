package registry

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"sitrep/internal/db"
)

// Page is one page of a list: Features in id order, each as GET returns it.
type Page struct {
	Features []json.RawMessage
	// More says that features follow; the next page starts after LastID.
	More   bool
	LastID int64
}

// List returns the page of the layer that lq asks for.
func (l *Layer) List(ctx context.Context, q db.Querier, lq *ListQuery) (*Page, error) {
	where, args := l.listWhere(lq)
	rows, err := q.Query(ctx, "SELECT t.id, "+l.featureExprOf("t", lq.props)+" FROM "+ident(l.Table)+" t WHERE "+
		strings.Join(where, " AND ")+" ORDER BY t.id LIMIT $2", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := &Page{Features: []json.RawMessage{}}
	for rows.Next() {
		var (
			id      int64
			feature string
		)
		if err := rows.Scan(&id, &feature); err != nil {
			return nil, err
		}
		// One row past the limit was asked for, to know whether it exists.
		if len(page.Features) == lq.limit {
			page.More = true
			break
		}
		page.Features = append(page.Features, json.RawMessage(feature))
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
