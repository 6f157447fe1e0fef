package tiles

import (
	"context"
	"strconv"
	"strings"

	"sitrep/internal/db"

	"github.com/jackc/pgx/v5"
)

// MaxIndexedIDs is how many feature ids a cached tile remembers for
// invalidation; a tile with more is dropped on any move or delete in its
// layer instead.
const MaxIndexedIDs = 2000

// Tile is a rendered tile: the MVT bytes (empty when no feature meets the
// tile), the number of features and, when at most MaxIndexedIDs, their ids.
type Tile struct {
	Data  []byte
	Count int
	IDs   []int64
}

// SQL is the layer's tile query: $1..$3 are z, x, y and $4 the
// simplification tolerance in metres (polygon layers).
func (l *Layer) SQL() string {
	geom := "ST_Transform(" + l.Geom + ", 3857)"
	if l.Polygons {
		// Drop detail below one grid unit before clipping; keep collapsed
		// polygons (a small cell stays a dot rather than vanishing).
		geom = "ST_Simplify(" + geom + ", $4::float8, true)"
	}
	var props strings.Builder
	for _, p := range l.Props {
		props.WriteString(", " + p.SQL + " AS " + pgx.Identifier{p.Name}.Sanitize())
	}
	conds := []string{l.Geom + " && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => " +
		strconv.FormatFloat(float64(Buffer)/Extent, 'f', -1, 64) + "::float8), 4326)"}
	if l.Where != "" {
		conds = append(conds, l.Where)
	}
	return "WITH m AS (SELECT " + l.ID + " AS mvt_id, ST_AsMVTGeom(" + geom + ", ST_TileEnvelope($1, $2, $3), " +
		strconv.Itoa(Extent) + ", " + strconv.Itoa(Buffer) + ", true) AS mvt_geom" + props.String() +
		" FROM " + l.From + " WHERE " + strings.Join(conds, " AND ") + ") " +
		"SELECT COALESCE(ST_AsMVT(m.*, " + quote(l.Name) + ", " + strconv.Itoa(Extent) + ", 'mvt_geom', 'mvt_id'), ''::bytea), " +
		"count(*), CASE WHEN count(*) <= " + strconv.Itoa(MaxIndexedIDs) + " THEN array_agg(m.mvt_id) END " +
		"FROM m WHERE m.mvt_geom IS NOT NULL"
}

// quote makes a SQL string literal of a layer name (from the allowlist:
// letters and underscores only).
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Render builds tile z/x/y of the layer.
func (l *Layer) Render(ctx context.Context, q db.Querier, z, x, y int) (*Tile, error) {
	if l.Source != nil {
		return l.Source.Render(ctx, q, z, x, y)
	}
	t := &Tile{}
	var ids []int64
	args := []any{z, x, y}
	if l.Polygons {
		args = append(args, pixelMetres(z))
	}
	err := q.QueryRow(ctx, l.SQL(), args...).Scan(&t.Data, &t.Count, &ids)
	if err != nil {
		return nil, err
	}
	if t.Count == 0 {
		t.Data = nil
	}
	if ids != nil {
		t.IDs = ids
	} else if t.Count == 0 {
		t.IDs = []int64{}
	}
	return t, nil
}
