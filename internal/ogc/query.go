package ogc

import (
	"errors"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sitrep/internal/api"
	"sitrep/internal/ogc/cql2"
	"sitrep/internal/validation"
)

// Paging bounds (Part 1 recommends a default of 10 and allows any maximum;
// 10,000 keeps one page a few megabytes at most).
const (
	DefaultLimit = 10
	MaxLimit     = 10000
)

// CRS84 is the only CRS served: WGS 84 longitude, latitude.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// itemsQuery is a parsed, checked items request.
type itemsQuery struct {
	limit int
	after int64
	// where and args hold every condition but the keyset one; where uses
	// $1… from 1.
	where []string
	args  []any
}

func (q *itemsQuery) bind(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// itemsParams are the query parameters of …/items.
var itemsParams = []string{"f", "bbox", "bbox-crs", "limit", "after", "datetime", "filter", "filter-lang", "filter-crs", "crs"}

// parseItems reads an items request; unknown parameters are refused by
// name (a misspelt filter must not silently return everything).
func (c *Collection) parseItems(v url.Values) (*itemsQuery, error) {
	q := &itemsQuery{limit: DefaultLimit}
	if c.Where != "" {
		q.where = append(q.where, c.Where)
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(itemsParams, k) {
			return nil, api.BadRequest(k, "未知查询参数 "+k+"；items 接受："+strings.Join(itemsParams, ", "))
		}
		if len(v[k]) != 1 {
			return nil, api.BadRequest(k, k+" 只能给一次")
		}
	}
	get := func(k string) string { return v.Get(k) }
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, api.BadRequest("limit", "limit 须为 1 到 "+strconv.Itoa(MaxLimit)+" 之间的整数")
		}
		// Part 1 (/req/core/fc-limit-response-1): a limit above the
		// maximum is served as the maximum, not refused.
		q.limit = min(n, MaxLimit)
	}
	if s := get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, api.BadRequest("after", "after 为上一页最后一个要素的编号，取自 next 链接")
		}
		q.after = n
	}
	for _, k := range []string{"bbox-crs", "crs", "filter-crs"} {
		if s := get(k); s != "" && s != CRS84 {
			return nil, api.BadRequest(k, k+" 须为 "+CRS84+"（只提供这一坐标参照系）")
		}
	}
	if s := get("bbox"); s != "" {
		b, err := parseBBox(s)
		if err != nil {
			return nil, err
		}
		env := "ST_MakeEnvelope(" + q.bind(b[0]) + "::float8, " + q.bind(b[1]) + "::float8, " + q.bind(b[2]) + "::float8, " + q.bind(b[3]) + "::float8, 4326)"
		// && on the envelope in the column's SRID uses the GiST index.
		q.where = append(q.where, c.Geom+" && "+env, "ST_Intersects("+c.Geom+", "+env+")")
	}
	if s := get("datetime"); s != "" {
		if c.Time == "" {
			return nil, api.BadRequest("datetime", "集合 "+c.ID+" 没有时间属性，不能用 datetime")
		}
		cond, err := q.datetime(c.Time, s)
		if err != nil {
			return nil, err
		}
		q.where = append(q.where, cond)
	}
	if lang := get("filter-lang"); lang != "" && lang != "cql2-text" {
		return nil, api.BadRequest("filter-lang", "filter-lang 须为 cql2-text（只支持这一种筛选语言）")
	}
	if s := get("filter"); s != "" {
		cond, err := c.filterSQL(s, &q.args)
		if err != nil {
			return nil, err
		}
		q.where = append(q.where, cond)
	}
	return q, nil
}

// filterSQL translates a CQL2 text filter against the collection's
// queryables; any problem is a 400 naming the filter parameter.
func (c *Collection) filterSQL(s string, args *[]any) (string, error) {
	n, err := cql2.Parse(s)
	if err != nil {
		return "", api.BadRequest("filter", "filter："+err.Error())
	}
	sql, err := cql2.ToSQL(n, c.resolve, args)
	var unknown *cql2.UnknownPropertyError
	if errors.As(err, &unknown) {
		names := make([]string, 0)
		for _, p := range c.Queryables() {
			names = append(names, p.Name)
		}
		return "", api.BadRequest("filter", "filter：未知属性 "+strconv.Quote(unknown.Name)+
			"；"+c.ID+" 可按以下属性筛选："+strings.Join(names, ", "))
	}
	if err != nil {
		return "", api.BadRequest("filter", "filter："+err.Error())
	}
	return sql, nil
}

// datetime reads an instant or a closed or half-open interval (".." or
// empty for an open end). A date stands for its whole day (UTC).
func (q *itemsQuery) datetime(col, s string) (string, error) {
	bad := api.BadRequest("datetime", "datetime 为 RFC 3339 时间或日期，或“起/止”区间（用 .. 表示不限）")
	parse := func(x string) (time.Time, time.Time, bool, error) { // start, end of the instant, open
		if x == "" || x == ".." {
			return time.Time{}, time.Time{}, true, nil
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t, t, false, nil
		}
		if d, err := time.Parse(time.DateOnly, x); err == nil {
			return d, d.AddDate(0, 0, 1), false, nil
		}
		return time.Time{}, time.Time{}, false, bad
	}
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		a, b, open, err := parse(parts[0])
		if err != nil || open {
			return "", bad
		}
		if a.Equal(b) {
			return col + " = " + q.bind(a) + "::timestamptz", nil
		}
		return "(" + col + " >= " + q.bind(a) + "::timestamptz AND " + col + " < " + q.bind(b) + "::timestamptz)", nil
	case 2:
		a, _, openA, err := parse(parts[0])
		if err != nil {
			return "", err
		}
		_, b, openB, err := parse(parts[1])
		if err != nil {
			return "", err
		}
		if openA && openB {
			return col + " IS NOT NULL", nil
		}
		var conds []string
		if !openA {
			conds = append(conds, col+" >= "+q.bind(a)+"::timestamptz")
		}
		if !openB {
			op := " <= "
			if _, _, _, derr := parse(parts[1]); derr == nil && !strings.Contains(parts[1], "T") {
				op = " < " // a date end: up to the end of that day
			}
			conds = append(conds, col+op+q.bind(b)+"::timestamptz")
		}
		if !openA && !openB && b.Before(a) {
			return "", api.BadRequest("datetime", "datetime 区间的结束早于开始")
		}
		return "(" + strings.Join(conds, " AND ") + ")", nil
	}
	return "", bad
}

// parseBBox reads minLon,minLat,maxLon,maxLat (four numbers; six, with
// heights, are accepted and the heights ignored).
func parseBBox(s string) ([]float64, error) {
	bad := api.BadRequest("bbox", validation.BBoxForm)
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, bad
	}
	var xs []float64
	for _, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) { // "NaN" parses, and no range check would stop it
			return nil, bad
		}
		xs = append(xs, x)
	}
	if len(xs) == 6 {
		xs = []float64{xs[0], xs[1], xs[3], xs[4]}
	}
	switch {
	case xs[0] < -180 || xs[2] > 180 || xs[1] < -90 || xs[3] > 90:
		return nil, api.BadRequest("bbox", validation.BBoxRange)
	case xs[0] > xs[2] || xs[1] > xs[3]:
		return nil, api.BadRequest("bbox", validation.BBoxOrder)
	}
	return xs, nil
}
